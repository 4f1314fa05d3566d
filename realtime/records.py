"""What the real-time stages hand each other: frozen records, so any stage can be fed a recorded input."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from celflow.generators.face_mesh import Face

Box = tuple[float, float, float, float]  # (x0, y0, x1, y1) in pixels


@dataclass(frozen=True)
class Frame:
    """One picture from a source: H×W×3 uint8 RGB, its place in the source and when it was captured."""

    index: int
    time: float  # seconds since the source's start (presentation time for files, wall clock for cameras)
    rgb: np.ndarray
    captured_at: float  # time.perf_counter() when it left the source, to measure latency end to end


@dataclass(frozen=True)
class Detection:
    """A face found in a frame; people are tracked by their faces, which overlap less than bodies do."""

    box: Box
    confidence: float


@dataclass(frozen=True)
class Track:
    """A person followed across frames: a stable id, where their face is now and the character they wear.

    The id is the person number users see on the overlay and give to `--assign`: the first person seen is 1.
    """

    track_id: int
    box: Box
    character: str


@dataclass(frozen=True)
class TrackedFrame:
    """A frame with its people tracked and given their characters, before the students paint it."""

    frame: Frame
    tracks: tuple[Track, ...]
    tracking_ms: float = 0.0


@dataclass(frozen=True)
class PaintedFrame:
    """A frame as the students painted it, before the line art: the people in it (their boxes in the frame as it
    came), and the character of the background it was painted in (the line art of the same frame is drawn in the
    same, even when the user moves everyone on to the next character in between)."""

    frame: Frame
    tracks: tuple[Track, ...]
    background: str
    canvas: np.ndarray
    faces: tuple[Face, ...] | None = None  # the faces the line art is drawn on, when found with the painting
    painting_ms: float = 0.0  # how long tracking, painting and finding the faces took
    photo: np.ndarray | None = None  # the frame as drawn, when smaller than it came (None: as it came)
    people: np.ndarray | None = None  # the mask the people were pasted through, when that is everyone stylized
    behind: np.ndarray | None = None  # what is behind the people, when drawn with the painting (background_bands)

    @property
    def drawn_photo(self) -> np.ndarray:
        """The frame at the size the students painted it (and the line art is drawn)."""
        return self.frame.rgb if self.photo is None else self.photo


@dataclass(frozen=True)
class StylizedFrame:
    """A frame after stylization, with the people in it and when it was finished."""

    frame: Frame
    rgb: np.ndarray
    tracks: tuple[Track, ...]
    finished_at: float
    stage_ms: tuple[float, ...] = ()  # how long each stage of the loop took on it: painting, then finishing

    @property
    def latency(self) -> float:
        """Seconds from capture to the stylized picture."""
        return self.finished_at - self.frame.captured_at
