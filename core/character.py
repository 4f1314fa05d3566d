"""The character pack: a folder whose `character.yaml` says how one webtoon character looks.

Validated by typed models so that a typo fails at load time with the field named, not halfway through
a night of pair generation.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)

from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.core.diffusion_spec import PACK_DIR, DiffusionTeacher, InstructPix2PixTeacher

CHARACTER_FILE = "character.yaml"
BUILTIN_CHARACTERS = Path(__file__).parent / "characters"

HexColour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


class CharacterPackError(ValueError):
    """A character pack that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CelStyle(_Strict):
    """Cel shading by edge-preserving smoothing, flat tones at fixed lightness cuts, palette colours, ink lines."""

    palette: list[HexColour] = Field(min_length=2, max_length=32)
    palette_strength: float = Field(
        0.6, ge=0.0, le=1.0, description="0 keeps photo colours, 1 snaps to the nearest palette colour of a like hue"
    )
    shading_tones: int = Field(3, ge=2, le=3, description="flat luminance bands per colour")
    line_weight: float = Field(1.5, ge=0.0, le=6.0, description="ink line width in pixels at 512 px")
    line_darkness: float = Field(0.85, ge=0.0, le=1.0)
    smoothing_passes: int = Field(3, ge=0, le=8, description="bilateral filter passes before quantising")
    saturation: float = Field(1.15, ge=0.0, le=3.0)


class ProceduralTeacher(CelStyle):
    """The offline teacher: cel shading of the whole photo, no weights needed."""

    kind: Literal["procedural"] = "procedural"
    draw_eyes: bool = Field(True, description="webtoon eyes from the face mesh: white eye, dark iris, inked lid")


TEACHER_KINDS = {"procedural": ProceduralTeacher, "diffusion": DiffusionTeacher, "instruct-pix2pix": InstructPix2PixTeacher}


def _teacher_by_kind(value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> object:
    """A union discriminated by `kind` (procedural when absent) whose errors name the YAML path, e.g.
    `teacher.steps`; pydantic's own Discriminator would report `teacher.diffusion.steps`."""
    if isinstance(value, tuple(TEACHER_KINDS.values())):
        return value
    kind = value.get("kind", "procedural") if isinstance(value, dict) else None
    if kind not in TEACHER_KINDS:
        raise ValueError(f"kind must be one of {', '.join(TEACHER_KINDS)}, not {kind!r}")
    return TEACHER_KINDS[kind].model_validate(value, context=info.context)


TeacherSpec = Annotated[ProceduralTeacher | DiffusionTeacher | InstructPix2PixTeacher, WrapValidator(_teacher_by_kind)]


class BackgroundStyle(CelStyle):
    """How the background is drawn, apart from the person: its own cel style, its tones cut where the scene's
    lightness has a gap rather than at fixed levels (generators/tone_bands.py), or the real photo kept."""

    keep_photo: bool = Field(False, description="person-only styling: the real background stays")


class FaceGeometry(_Strict):
    """How the character's face differs from a real one; 1.0 scales and 0 offsets leave a face unchanged."""

    eye_scale: float = Field(1.0, ge=0.8, le=2.0, description="linear size of each eye with its lids")
    eye_spacing: float = Field(1.0, ge=0.8, le=1.3, description="distance between the eyes")
    face_width: float = Field(1.0, ge=0.8, le=1.2, description="width of the whole face")
    jaw_narrowing: float = Field(0.0, ge=0.0, le=0.4, description="share by which the jaw is pulled inwards")
    chin_length: float = Field(0.0, ge=-0.15, le=0.2, description="chin moved down by this share of face height")
    mouth_scale: float = Field(1.0, ge=0.6, le=1.5, description="size of the lips")
    nose_scale: float = Field(1.0, ge=0.5, le=1.5, description="size of the nose")


class SkinTone(_Strict):
    """The character's skin: the person's own skin colours, banded into cel tones, tinted towards `tone`.

    Each person keeps their own skin (WebtoonMe's answer to whitewashing): `tint` 0 leaves it untouched,
    1 moves its mean colour fully onto `tone`; its lightness moves too only with `tint_lightness`, which only
    a pack that wants every face one colour should set.
    """

    tone: HexColour = "#f1c6a7"
    tint: float = Field(0.1, ge=0.0, le=1.0, description="how far the skin's mean colour (a*, b*) moves towards `tone`")
    tint_lightness: bool = Field(False, description="move the skin's lightness towards `tone` too: every face one tone")
    shading_kept: float = Field(
        0.4, ge=0.0, le=1.0, description="share of the face's smooth 3-D shading kept on top of the flat bands"
    )
    bands: int = Field(4, ge=2, le=6, description="flat skin tones, centred on the person's own cheek lightness")


class QualityLimits(_Strict):
    """When a photo gives no pair: the quality filter's thresholds."""

    min_face_px: int = Field(
        48,
        ge=8,
        description="faces narrower than this keep their own colours but get no warp or line art (at run time "
        "too, by their share of a 512-px picture); a photo needs one this wide",
    )
    person_coverage: tuple[float, float] = Field((0.03, 0.97), description="allowed share of person pixels")
    max_warp_shift: float = Field(0.35, gt=0.0, le=1.0, description="largest warp shift, as a share of face width")
    max_skin_change: float = Field(
        12.0,
        gt=0.0,
        description="largest |ΔITA°| between a face's cheeks in the photo and in the teacher's output: beyond it the "
        "teacher failed or undid a strong colour cast, and the pair would teach the student to change skin tones",
    )

    @field_validator("person_coverage")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not 0.0 <= value[0] < value[1] <= 1.0:
            raise ValueError("must be (low, high) with 0 <= low < high <= 1")
        return value


class Character(_Strict):
    """One character: its name, its teacher, its face geometry, skin and background, and the quality filter."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    teacher: TeacherSpec
    geometry: FaceGeometry = FaceGeometry()
    skin: SkinTone | None = None  # None: skin keeps the photo's colours
    background: BackgroundStyle | None = None  # None: the teacher's output covers the whole photo
    quality: QualityLimits = QualityLimits()
    group_photos: Literal["crop_each", "reject"] = Field(
        "crop_each", description="several faces: one pair per person crop, or reject the photo"
    )

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
        return Character.model_validate(data, context={PACK_DIR: path.parent})
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise CharacterPackError(f"{path}: {field}: {first['msg']}") from error
