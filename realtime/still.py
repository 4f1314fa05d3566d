"""A photo in, its webtoon out: the student on stills, through the same renderer as `live` and `convert`.

A still has no frames before or after it, so people are the faces found in it (numbered from 1, as the
live overlay numbers them) rather than tracks, and nothing carries over from one photo to the next.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from celflow.core.defaults import AUTO_BACKEND
from celflow.core.frames import check_rgb
from celflow.realtime.characters import character_at, find_character
from celflow.realtime.detect import FaceDetector
from celflow.realtime.modes import MODES, FrameRenderer, Mode, open_renderer
from celflow.realtime.records import Track
from celflow.realtime.strength import check_strength

# People are stylized in crops of at most this many pixels a side: the size of the training pairs, which is
# what the student draws best (live runs smaller crops for speed).
STILL_CROP_SIDE = 512


class PhotoStylizer:
    """Holds the student (and, in person-only mode, the face detector and segmenter); each call stylizes one photo.

    `strength` may be changed between calls. Not thread-safe: give each thread its own.
    """

    def __init__(self, renderer: FrameRenderer, detect: FaceDetector | None = None, strength: float = 1.0) -> None:
        self.renderer = renderer
        self.strength = check_strength(strength)
        self._detect = detect

    @property
    def character(self) -> str:
        return self.renderer.default

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        """H×W×3 uint8 RGB photo → its H×W×3 uint8 RGB webtoon at `strength`."""
        picture = self.draw(rgb)
        return self.renderer.at_strength(rgb, picture, self.strength)

    def draw(self, rgb: np.ndarray) -> np.ndarray:
        """H×W×3 uint8 RGB photo → the student's picture at strength 1; `renderer.in_proportion` then gives the photo
        the same face proportions, for mixing the two at other strengths (the studio's slider)."""
        check_rgb(rgb)
        faces = self._detect(rgb) if self._detect is not None else []
        people = tuple(Track(number, face.box, self.character) for number, face in enumerate(faces, start=1))
        return self.renderer(rgb, people)

    def close(self) -> None:
        if self._detect is not None:
            self._detect.close()
        if self.renderer.line_art is not None:
            self.renderer.line_art.close()


def open_photo_stylizer(
    model_or_character: str | Path,
    strength: float = 1.0,
    mode: Mode = "full-frame",
    backend: str = AUTO_BACKEND,
    line_art: bool = True,
) -> PhotoStylizer:
    """The student that `model_or_character` names (an ONNX file, a model folder, a `celflow distill` output, or
    as a string NAME=PATH: see realtime.characters) for `mode` on `backend` (`auto`: the fastest present, logged).
    `line_art`: draw the teacher's eyes, face strokes and outline over the student's picture, when it carries them."""
    if mode not in MODES:
        raise ValueError(f"--mode {mode}: expected one of {', '.join(MODES)}")
    check_strength(strength)
    if isinstance(model_or_character, Path):
        character = character_at(model_or_character)
    else:
        character = find_character(model_or_character)
    renderer = open_renderer(
        [character], mode, max_side=STILL_CROP_SIDE, backend=backend, line_art=line_art, video=False
    )
    # per-person with one character draws everyone in the background pass: only person-only needs the faces
    return PhotoStylizer(renderer, FaceDetector() if mode == "person-only" else None, strength)
