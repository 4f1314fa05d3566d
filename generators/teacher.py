"""Teachers: slow, high-quality stylisers that make the targets the student learns from.

Every teacher is a callable (photo, person_mask) → stylised photo of the same size, so the generate flow
never branches on the teacher's kind; `build_teacher` reads the kind from the character pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from celflow.core.character import Character, ProceduralTeacher
from celflow.generators.cel_shading import cel_shade


class Teacher(Protocol):
    def __call__(self, photo: np.ndarray, person_mask: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class CelShadingTeacher:
    """The offline default: procedural cel shading, no weights needed."""

    params: ProceduralTeacher

    def __call__(self, photo: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
        return cel_shade(photo, self.params)


def build_teacher(character: Character) -> Teacher:
    if character.teacher.kind == "diffusion":
        from celflow.generators.diffusion.img2img_teacher import StableDiffusionTeacher

        return StableDiffusionTeacher(character.teacher)
    if character.teacher.kind == "instruct-pix2pix":
        from celflow.generators.diffusion.instruct_pix2pix import InstructPix2PixRecolour

        return InstructPix2PixRecolour(character.teacher)
    return CelShadingTeacher(character.teacher)
