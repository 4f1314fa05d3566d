"""The `convert` flow: a video → the same video stylised by one or more ONNX students, sound kept."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task

from celflow.core.defaults import AUTO_BACKEND
from celflow.realtime.build import FrameByFrame, build_pipeline
from celflow.realtime.characters import Assignment, CastMember
from celflow.realtime.modes import Mode
from celflow.realtime.offline import SEGMENT_SECONDS, ConvertReport, convert_video
from celflow.realtime.video import probe_video


@task(name="convert-video")
def convert_task(
    src: Path,
    dst: Path,
    characters: list[CastMember],
    mode: Mode,
    assignment: Assignment,
    explicit: dict[int, str],
    smoothing: float,
    frame_max_side: int | None,
    segment_seconds: float,
    progress: bool,
    backend: str,
    strength: float,
) -> ConvertReport:
    rate = float(probe_video(src).rate)
    pipeline = build_pipeline(
        characters, mode, assignment, explicit, smoothing=smoothing, frame_rate=rate, track=False,
        frame_max_side=frame_max_side, backend=backend, strength=strength,
    )
    return convert_video(src, dst, FrameByFrame(pipeline, rate), progress, segment_seconds)


@flow(name="convert")
def convert_flow(
    src: Path,
    dst: Path,
    characters: list[CastMember] | Path,
    progress: bool = True,
    mode: Mode = "full-frame",
    assignment: Assignment = "round-robin",
    explicit: dict[int, str] | None = None,
    smoothing: float = 0.0,
    frame_max_side: int | None = None,
    segment_seconds: float = SEGMENT_SECONDS,
    backend: str = AUTO_BACKEND,
    strength: float = 1.0,
) -> ConvertReport:
    """Stylise every frame of `src` (whole frame, or each person in their character) into an H.264 MP4.

    `characters` may be a single ONNX file: one character, named after the file. `frame_max_side` runs the
    whole-frame pass on a frame scaled down to that many pixels on its long side (speed for 1080p);
    `backend` is a runtime backend name (`auto`: the fastest present); `strength` goes from 0 (the video as
    it is) to 1 (the student's picture), see realtime.strength.
    """
    if isinstance(characters, Path):
        characters = [CastMember(characters.stem, characters)]
    return convert_task(
        Path(src), Path(dst), characters, mode, assignment, explicit or {}, smoothing, frame_max_side, segment_seconds,
        progress, backend, strength,
    )
