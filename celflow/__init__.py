"""celflow: distil slow, high-quality webtoon teachers into a real-time student.

This package holds only the Python API; the floors live in celflow.core (records, packs, defaults), the stages
(generators, student, export, realtime), pipelines, studio and cli. It imports nothing heavy at module level.
`celflow.load` opens a trained student for use from Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from celflow.core.defaults import AUTO_BACKEND, DEFAULT_CHARACTER

if TYPE_CHECKING:
    from celflow.realtime.still import PhotoStylizer

__version__ = "0.1.0"


def load(
    model_or_character: str | Path = DEFAULT_CHARACTER,
    strength: float = 1.0,
    mode: str = "full-frame",
    backend: str = AUTO_BACKEND,
    line_art: bool = True,
) -> PhotoStylizer:
    """A trained student as one object: `stylizer(rgb)` takes an H×W×3 uint8 RGB array and returns its webtoon.

    `model_or_character` is what `celflow stylize --model` or `--character` takes (an ONNX file, a student
    folder, a `celflow distill` or `celflow demo` output folder, or NAME=PATH; by default the base student shipped
    with celflow). `strength` (0: the photo, 1: the student's picture) may be changed on the object between
    calls; `mode` is full-frame or person-only; `line_art` draws the teacher's eyes, face strokes and outline
    over the picture (False: the student alone). The array is drawn at its own size: shrink a phone's photo first
    (`celflow stylize` shrinks to core.defaults.STILL_MAX_SIDE), or it takes gigabytes of memory.
    """
    from celflow.realtime.still import open_photo_stylizer

    return open_photo_stylizer(model_or_character, strength, mode, backend, line_art)
