"""Assembling a pipeline from what the user asked for on the command line."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import numpy as np
from celflow.core.defaults import AUTO_BACKEND, CONVERT_MAX_SIDE
from celflow.realtime.characters import Assignment, CastMember, CharacterAssigner
from celflow.realtime.detect import FaceDetector
from celflow.realtime.engine import Pipeline
from celflow.realtime.modes import Mode, open_renderer
from celflow.realtime.offline import SEGMENT_SECONDS, ConvertReport, convert_video
from celflow.realtime.records import Frame
from celflow.realtime.smoothing import TemporalSmoother
from celflow.realtime.tracking import AUTO, PersonTracker
from celflow.realtime.video import probe_video
from celflow.realtime.working_size import WorkingSize
from pydantic import BaseModel, ConfigDict


def build_pipeline(
    characters: list[CastMember],
    mode: Mode = "full-frame",
    assignment: Assignment = "round-robin",
    explicit: dict[int, str] | None = None,
    detect_every: int | str = AUTO,
    smoothing: float = 0.0,
    frame_rate: float = 30.0,
    track: bool = True,
    max_side: int = 192,
    backend: str = AUTO_BACKEND,
    strength: float = 1.0,
    line_art: bool = True,
    working_side: int | str | None = None,
) -> Pipeline:
    """One stylizer per character, a tracker when people matter (any mode but full-frame, `track`, or line art to
    draw: the tracked faces are where it finds the faces its face mesh misses), the face mesh and a person
    segmenter when `line_art` and a student carries line art. `working_side`: frames are drawn at most this long
    a side and scaled back up, "auto" picking it to keep up with `frame_rate` (live), "full" at their own size."""
    renderer = open_renderer(characters, mode, max_side, backend, line_art=line_art, video=True)
    tracker = None
    if track or mode != "full-frame" or renderer.line_art is not None:
        tracker = PersonTracker(FaceDetector(), detect_every=detect_every, frame_rate=frame_rate)
    assigner = CharacterAssigner(list(renderer.stylizers), assignment, explicit or {})
    smoother = TemporalSmoother(smoothing) if smoothing > 0 else None
    working = WorkingSize(working_side, frame_rate) if working_side is not None else None
    return Pipeline(renderer, tracker, assigner, smoother, strength, working)


class FrameByFrame:
    """The pipeline as RGB → RGB for offline conversion: frames numbered in call order at `frame_rate`.

    Its state (frames seen, the pipeline's state) lets a resumed conversion carry on with the same people.
    `read_ahead`: a stream's frames are read and tracked on a thread of their own (Pipeline.stream); a file's
    frames do not grow stale waiting, as a camera's would.
    """

    def __init__(self, pipeline: Pipeline, frame_rate: float, read_ahead: bool = True) -> None:
        self._pipeline = pipeline
        self._frame_rate = frame_rate
        self._read_ahead = read_ahead
        self._count = 0

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        return self._pipeline(self._next_frame(rgb)).rgb

    def stream(self, rgbs: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """Each of `rgbs` stylized in order, the next painted while this one is finished (and, reading ahead, the
        one after that read and tracked meanwhile)."""
        frames = map(self._next_frame, rgbs)
        return (result.rgb for result in self._pipeline.stream(frames, read_ahead=self._read_ahead))

    def _next_frame(self, rgb: np.ndarray) -> Frame:
        frame = Frame(self._count, self._count / self._frame_rate, rgb, time.perf_counter())
        self._count += 1
        return frame

    def state(self) -> dict[str, object]:
        return {"frames": self._count, "pipeline": self._pipeline.state()}

    def restore(self, state: dict[str, object]) -> None:
        self._count = state["frames"]
        self._pipeline.restore(state["pipeline"])


class ConvertOptions(BaseModel):
    """How a video is stylised, beyond its input, output and cast: what `celflow convert` and the flow take."""

    model_config = ConfigDict(frozen=True)

    mode: Mode = "full-frame"
    assignment: Assignment = "round-robin"
    explicit: dict[int, str] = {}  # person number → character name
    smoothing: float = 0.0
    max_side: int | Literal["full"] = CONVERT_MAX_SIDE  # frames drawn at most this long a side, then scaled back
    segment_seconds: float = SEGMENT_SECONDS
    backend: str = AUTO_BACKEND
    strength: float = 1.0
    line_art: bool = True


def convert_file(
    src: Path, dst: Path, characters: list[CastMember], options: ConvertOptions = ConvertOptions(), progress: bool = True
) -> ConvertReport:
    """Stylise every frame of the video `src` into the H.264 MP4 `dst` (sound kept, resumable by segments) with the
    pipeline `live` runs, frame by frame at the video's own rate, each drawn at most `options.max_side` long a side
    and scaled back (realtime/working_size.py). In-process: `celflow convert` starts at once,
    and the `convert` flow wraps this for deployments."""
    rate = float(probe_video(src).rate)
    stylize = FrameByFrame(conversion_pipeline(characters, options, rate), rate)
    return convert_video(Path(src), Path(dst), stylize, progress, options.segment_seconds)


def conversion_pipeline(characters: list[CastMember], options: ConvertOptions, frame_rate: float) -> Pipeline:
    """The pipeline a video is converted with: people tracked only where the mode or the line art needs them (a
    video has no overlay to number them on)."""
    return build_pipeline(
        characters, options.mode, options.assignment, options.explicit, smoothing=options.smoothing,
        frame_rate=frame_rate, track=False, backend=options.backend, strength=options.strength,
        line_art=options.line_art, working_side=options.max_side,
    )
