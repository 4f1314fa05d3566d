"""The `teacher: diffusion` and `teacher: instruct-pix2pix` blocks of character.yaml.

Paths inside a pack (LoRA, textual inversion, ControlNet, base model) are written relative to the pack
folder; `load_character` passes that folder as the validation context. The dump keeps them as written and
adds the SHA-256 of the weight files the pack holds, so a retrained LoRA changes the character's hash and
pairs made with the old one are made again.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    computed_field,
    model_validator,
)
from pydantic_core import PydanticCustomError

PACK_DIR = "pack_dir"  # key of the validation context that holds the pack folder
HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")  # owner/name; ./x is a path
Scheduler = Literal["ddim", "ddpm", "dpm++", "euler", "euler-a", "lms", "pndm", "unipc"]


def pack_error(message: str) -> PydanticCustomError:
    """A validation error shown as the message alone (no "Value error," prefix) after the field's path."""
    return PydanticCustomError("character_pack", message)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiffusionPass(_Strict):
    """One img2img pass: what to add to the prompt and how far to move away from the photo (0 = unchanged)."""

    prompt: str = ""
    strength: float = Field(0.5, ge=0.0, le=1.0)


class ControlNetSpec(_Strict):
    """Structure kept by a ControlNet fed with a map computed locally from the photo."""

    model: str = Field(description="local diffusers ControlNet folder (relative to the pack) or a hub id")
    conditioning: Literal["canny", "lineart", "pose"] = "canny"
    scale: float = Field(1.0, ge=0.0, le=2.0, description="controlnet_conditioning_scale")


class DiffusionWeights(_Strict):
    """What both diffusion teachers share: where the weights are, how to run them, and the seed."""

    base_model: str = Field(description="diffusers folder, single .safetensors file, or hub id (online only)")
    architecture: Literal["sd", "sdxl"] = Field("sd", description="read only for a single-file base model")
    lora: str | None = Field(None, description="LoRA .safetensors (or the folder `celflow character train` wrote)")
    lora_scale: float = Field(1.0, ge=0.0, le=2.0)
    textual_inversion: str | None = Field(None, description="textual-inversion embedding file")
    textual_inversion_token: str | None = None
    negative_prompt: str = ""
    steps: int = Field(30, ge=1, le=500)
    guidance_scale: float = Field(7.5, ge=0.0, le=30.0)
    scheduler: Scheduler | None = Field(None, description="None keeps the model's own scheduler")
    seed: int = Field(0, ge=0)
    resolution: int = Field(512, ge=64, le=2048, multiple_of=8, description="longer side while diffusing")
    device: Literal["auto", "cuda", "mps", "cpu"] = "auto"
    attention_slicing: bool = False
    vae_tiling: bool = False
    batch_size: int = Field(
        1,
        ge=1,
        le=64,
        description="photos diffused together in one pipeline call (GPU throughput); 1 = one at a time; "
        "batches fill only with --workers ≥ batch_size and photos of the same diffusion size",
    )
    batch_wait_ms: int = Field(
        200, ge=0, le=60_000, description="how long a batch's first photo waits for others before it runs alone"
    )

    _pack_dir: Path = PrivateAttr(default_factory=Path.cwd)
    _weights_sha256: str = PrivateAttr("")

    @model_validator(mode="after")
    def _weights_exist(self, info: ValidationInfo) -> DiffusionWeights:
        self._pack_dir = Path((info.context or {}).get(PACK_DIR, Path.cwd()))
        if (self.textual_inversion is None) != (self.textual_inversion_token is None):
            raise pack_error("textual_inversion and textual_inversion_token go together")
        for field, value in self._model_sources().items():
            if not HUB_ID.match(value) and not self.resolve(value).exists():
                raise pack_error(f"{field}: {self.resolve(value)} not found")
        digest = hashlib.sha256()
        for field, value in self._pack_files().items():
            path = self.resolve(value)
            if not path.exists():
                raise pack_error(
                    f"{field}: {path} not found (a LoRA is named here once `celflow character train` made it)"
                )
            for weights in sorted(path.glob("*.safetensors")) if path.is_dir() else [path]:
                digest.update(f"{field}:".encode() + hashlib.sha256(weights.read_bytes()).digest())
        self._weights_sha256 = digest.hexdigest()
        return self

    def _model_sources(self) -> dict[str, str]:
        """Models that may be a hub id: too large to hash, named by their path or id instead."""
        return {"base_model": self.base_model}

    def _pack_files(self) -> dict[str, str]:
        """The character's own small weight files: hashed into the character's SHA-256."""
        named = {"lora": self.lora, "textual_inversion": self.textual_inversion}
        return {field: value for field, value in named.items() if value is not None}

    @computed_field  # in the dump, hence in Character.sha256: retrained weights mean new pairs
    @property
    def weights_sha256(self) -> str:
        return self._weights_sha256

    @property
    def pack_dir(self) -> Path:
        return self._pack_dir

    def resolve(self, value: str) -> Path:
        """A path written in the pack: relative to the pack folder, `~` expanded."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else self._pack_dir / path

    def model_source(self, value: str) -> str:
        """What to hand to `from_pretrained`: the local path when there is one, else the hub id as written."""
        path = self.resolve(value)
        return str(path) if path.exists() or not HUB_ID.match(value) else value


class DiffusionTeacher(DiffusionWeights):
    """Stable Diffusion img2img made personal by a LoRA: the person and the background in their own passes."""

    kind: Literal["diffusion"]
    trigger_word: str = Field("", description="the token the LoRA was trained on, put first in every prompt")
    prompt: str = "webtoon style, flat colours, clean line art"
    person: DiffusionPass = DiffusionPass(prompt="", strength=0.55)
    background: DiffusionPass = DiffusionPass(prompt="background", strength=0.4)
    controlnet: ControlNetSpec | None = None

    def _model_sources(self) -> dict[str, str]:
        controlnet = {"controlnet.model": self.controlnet.model} if self.controlnet else {}
        return {**super()._model_sources(), **controlnet}

    @model_validator(mode="after")
    def _passes_take_a_step(self) -> DiffusionTeacher:
        for name, diffusion_pass in (("person", self.person), ("background", self.background)):
            if 0 < diffusion_pass.strength * self.steps < 1:
                raise pack_error(
                    f"{name}.strength: {diffusion_pass.strength} × {self.steps} steps is less than one step"
                )
        return self

    def full_prompt(self, diffusion_pass: DiffusionPass) -> str:
        return ", ".join(part for part in (self.trigger_word, self.prompt, diffusion_pass.prompt) if part)


class InstructPix2PixTeacher(DiffusionWeights):
    """Text-guided edits of the character's look ("make the jacket red") for recolour variants of its data."""

    kind: Literal["instruct-pix2pix"]
    instruction: str = Field(min_length=1, description="what to change, as an instruction")
    image_guidance_scale: float = Field(1.5, ge=0.0, le=10.0, description="how closely to keep the photo")
    person_only: bool = Field(True, description="edit the person; the background stays the photo's")
