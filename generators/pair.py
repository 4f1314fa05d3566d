"""Make one training pair from one photo: find faces and the person, stylise, warp faces to the character."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from celflow.character import Character
from celflow.generators.face_mesh import Face, FaceMeshDetector
from celflow.generators.face_warp import warp_face_to_character
from celflow.generators.person_mask import PersonSegmenter
from celflow.generators.teacher import build_teacher

NO_FACE = "no face"
TEACHER_FAILED = "teacher failed"


class PairRejected(Exception):
    """The photo gives no usable pair; `reason` is one of a few fixed names, `detail` says more."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Pair:
    """A photo, its teacher target (faces warped to the character) and its person mask (uint8, 255 = person)."""

    photo: np.ndarray
    target: np.ndarray
    person_mask: np.ndarray
    faces: tuple[Face, ...]
    teacher_ms: float
    crop: tuple[int, int, int, int] | None = None  # (x0, y0, x1, y1) in the photo when one person was cropped out

    @property
    def person_coverage(self) -> float:
        return float((self.person_mask >= 128).mean())


class PairMaker:
    """Holds the detectors and teacher for one character; not thread-safe, so one per worker thread."""

    def __init__(self, character: Character, max_faces: int = 4) -> None:
        self.character = character
        self.teacher = build_teacher(character)
        self.detect_faces = FaceMeshDetector(max_faces=max_faces)
        self.segment_person = PersonSegmenter()

    def __call__(self, photo: np.ndarray) -> list[Pair]:
        """The pairs this photo gives: one for the whole photo, or one per person crop as the pack says."""
        faces = self.detect_faces(photo)
        if not faces:
            raise PairRejected(NO_FACE, "face mesh found no face")
        mask = self.segment_person(photo)
        started = time.perf_counter()
        try:
            stylised = self.teacher(photo, mask)
        except Exception as error:  # a teacher crash costs one photo, never the run
            raise PairRejected(TEACHER_FAILED, f"{type(error).__name__}: {error}") from error
        target = warp_face_to_character(stylised, faces, self.character.geometry)
        teacher_ms = (time.perf_counter() - started) * 1000
        return [
            Pair(
                photo=photo,
                target=target,
                person_mask=np.round(mask * 255).astype(np.uint8),
                faces=tuple(faces),
                teacher_ms=teacher_ms,
            )
        ]

    def close(self) -> None:
        self.detect_faces.close()
        self.segment_person.close()
