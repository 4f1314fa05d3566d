"""The character pack: a folder whose `character.yaml` says how one webtoon character looks.

Validated by typed models so that a typo fails at load time with the field named, not halfway through
a night of pair generation.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CHARACTER_FILE = "character.yaml"
BUILTIN_CHARACTERS = Path(__file__).parent / "characters"
DEFAULT_CHARACTER = "default"

HexColour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


class CharacterPackError(ValueError):
    """A character pack that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProceduralTeacher(_Strict):
    """Cel shading by edge-preserving smoothing, flat tones pulled towards a palette, and ink lines."""

    kind: Literal["procedural"] = "procedural"
    palette: list[HexColour] = Field(min_length=2, max_length=32)
    palette_strength: float = Field(0.6, ge=0.0, le=1.0, description="0 keeps photo colours, 1 snaps to palette")
    shading_tones: int = Field(3, ge=2, le=3, description="flat luminance bands per colour")
    line_weight: float = Field(1.5, ge=0.0, le=6.0, description="ink line width in pixels at 512 px")
    line_darkness: float = Field(0.85, ge=0.0, le=1.0)
    smoothing_passes: int = Field(3, ge=0, le=8, description="bilateral filter passes before quantising")
    saturation: float = Field(1.15, ge=0.0, le=3.0)


class FaceGeometry(_Strict):
    """How the character's face differs from a real one; 1.0 scales and 0 offsets leave a face unchanged."""

    eye_scale: float = Field(1.0, ge=0.8, le=2.0, description="linear size of each eye")
    jaw_narrowing: float = Field(0.0, ge=0.0, le=0.4, description="share by which the jaw is pulled inwards")


class Character(_Strict):
    """One character: its name, its teacher and its face geometry."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    teacher: ProceduralTeacher
    geometry: FaceGeometry = FaceGeometry()

    @field_validator("name")
    @classmethod
    def _not_a_path(cls, value: str) -> str:
        if value in {".", ".."}:
            raise ValueError("must be a name, not a path")
        return value

    @property
    def sha256(self) -> str:
        """Content hash of the settings (not of the YAML's formatting): pairs record which character made them."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


def _yaml_file(ref: str | Path) -> Path:
    path = Path(ref)
    if path.is_dir():
        return path / CHARACTER_FILE
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return path
    builtin = BUILTIN_CHARACTERS / str(ref) / CHARACTER_FILE
    if builtin.is_file():
        return builtin
    known = ", ".join(sorted(p.name for p in BUILTIN_CHARACTERS.iterdir() if p.is_dir()))
    raise CharacterPackError(f"{ref}: no such character pack folder (built-in characters: {known})")


def load_character(ref: str | Path = DEFAULT_CHARACTER) -> Character:
    """Load a pack from its folder, its character.yaml, or the name of a built-in character."""
    path = _yaml_file(ref)
    if not path.is_file():
        raise CharacterPackError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CharacterPackError(f"{path}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise CharacterPackError(f"{path}: expected a mapping of fields, got {type(data).__name__}")
    try:
        return Character.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise CharacterPackError(f"{path}: {field}: {first['msg']}") from error
