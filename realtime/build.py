"""Assembling a pipeline from what the user asked for on the command line."""

from __future__ import annotations

import time

import numpy as np

from celflow.core.defaults import AUTO_BACKEND
from celflow.realtime.characters import Assignment, CastMember, CharacterAssigner
from celflow.realtime.detect import FaceDetector
from celflow.realtime.engine import Pipeline
from celflow.realtime.modes import Mode, open_renderer
from celflow.realtime.records import Frame
from celflow.realtime.smoothing import TemporalSmoother
from celflow.realtime.tracking import PersonTracker


def build_pipeline(
    characters: list[CastMember],
    mode: Mode = "full-frame",
    assignment: Assignment = "round-robin",
    explicit: dict[int, str] | None = None,
    detect_every: int = 1,
    smoothing: float = 0.0,
    frame_rate: float = 30.0,
    track: bool = True,
    max_side: int = 192,
    frame_max_side: int | None = None,
    backend: str = AUTO_BACKEND,
    strength: float = 1.0,
) -> Pipeline:
    """One stylizer per character, a tracker when people matter (any mode but full-frame, or `track`)."""
    renderer = open_renderer(characters, mode, max_side, frame_max_side, backend)
    tracker = None
    if track or mode != "full-frame":
        tracker = PersonTracker(FaceDetector(), detect_every=detect_every, frame_rate=frame_rate)
    assigner = CharacterAssigner(list(renderer.stylizers), assignment, explicit or {})
    smoother = TemporalSmoother(smoothing) if smoothing > 0 else None
    return Pipeline(renderer, tracker, assigner, smoother, strength)


class FrameByFrame:
    """The pipeline as RGB → RGB for offline conversion: frames numbered in call order at `frame_rate`.

    Its state (frames seen, the pipeline's state) lets a resumed conversion carry on with the same people.
    """

    def __init__(self, pipeline: Pipeline, frame_rate: float) -> None:
        self._pipeline = pipeline
        self._frame_rate = frame_rate
        self._count = 0

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        result = self._pipeline(Frame(self._count, self._count / self._frame_rate, rgb, time.perf_counter()))
        self._count += 1
        return result.rgb

    def state(self) -> dict[str, object]:
        return {"frames": self._count, "pipeline": self._pipeline.state()}

    def restore(self, state: dict[str, object]) -> None:
        self._count = state["frames"]
        self._pipeline.restore(state["pipeline"])
