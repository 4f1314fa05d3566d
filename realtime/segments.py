"""Long conversions in segments: each segment is its own MP4, written atomically, so a killed run resumes.

Segments cover fixed spans of presentation time; each is decoded from the keyframe before its start, so
a resumed run neither re-stylizes finished spans nor needs anything from the killed process.
"""

from __future__ import annotations

import heapq
import json
import logging
import math
import pickle
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import av
import numpy as np
from av.container import InputContainer

from celflow.core.atomic import atomic_path, write_bytes_atomic, write_text_atomic
from celflow.realtime.audio import carry_audio
from celflow.realtime.h264 import JOINABLE_H264_OPTIONS, H264Writer
from celflow.realtime.video import VideoInfo, decode_packet, open_video, upright_rgb

log = logging.getLogger(__name__)

PLAN_FILE = "plan.json"
STATE_FILE = "state.pickle"


@dataclass(frozen=True)
class SegmentPlan:
    """Which source the segments belong to (path, size, mtime) and how long each is; a mismatch starts over."""

    source: str
    size: int
    mtime_ns: int
    segment_seconds: float
    segments: int


def plan_segments(src: Path, info: VideoInfo, segment_seconds: float) -> SegmentPlan:
    if segment_seconds <= 0:
        raise ValueError(f"segment_seconds={segment_seconds}: must be positive")
    duration = (info.frames or 1) / float(info.rate)
    stat = src.stat()
    segments = max(1, math.ceil(duration / segment_seconds))
    return SegmentPlan(str(src.resolve()), stat.st_size, stat.st_mtime_ns, segment_seconds, segments)


def work_folder(dst: Path, plan: SegmentPlan) -> Path:
    """The hidden folder beside `dst` holding finished segments; emptied when it belongs to another plan."""
    folder = dst.parent / f".{dst.name}.segments"
    plan_path = folder / PLAN_FILE
    if folder.exists() and (not plan_path.is_file() or json.loads(plan_path.read_text()) != asdict(plan)):
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(plan_path, json.dumps(asdict(plan)))
    return folder


@dataclass(frozen=True)
class SavedState:
    """The stylizer's state once segment `after_segment` was written: where a resumed run picks up."""

    after_segment: int
    state: object


def save_state(folder: Path, after_segment: int, state: object) -> None:
    write_bytes_atomic(folder / STATE_FILE, pickle.dumps(SavedState(after_segment, state)))


def load_state(folder: Path) -> SavedState | None:
    """The saved state, or None when there is none or it was pickled by library versions no longer installed."""
    path = folder / STATE_FILE
    if not path.is_file():
        return None
    try:
        return pickle.loads(path.read_bytes())
    except (pickle.UnpicklingError, AttributeError, ImportError, EOFError) as error:
        log.warning("%s: unreadable (%s); converting from the first segment again", path, error)
        return None


def segment_path(folder: Path, number: int) -> Path:
    return folder / f"{number:05d}.mp4"


def frames_in(path: Path) -> int:
    with av.open(str(path)) as container:
        return container.streams.video[0].frames


@runtime_checkable
class Streaming(Protocol):
    """A stylize function that also stylizes a stream of frames faster than one by one (Pipeline.stream)."""

    def __call__(self, rgb: np.ndarray) -> np.ndarray: ...

    def stream(self, rgbs: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """Each of `rgbs` stylized, in order."""


def write_segment(
    src: Path,
    dst: Path,
    info: VideoInfo,
    plan: SegmentPlan,
    number: int,
    stylize: Callable[[np.ndarray], np.ndarray],
    on_frame: Callable[[], None],
) -> int:
    """Stylize the frames of segment `number` into the MP4 `dst` (atomically); returns how many were written.
    A `Streaming` stylize gets the segment's frames as one stream."""
    start = number * plan.segment_seconds
    end = math.inf if number == plan.segments - 1 else start + plan.segment_seconds
    written = 0
    decoded: deque[tuple[int | None, tuple[int, ...]]] = deque()  # (pts, shape) of frames read, not yet written

    def photos(source: InputContainer) -> Iterator[np.ndarray]:
        for frame in _frames_between(source, src, start, end, float(info.rate)):
            rgb = upright_rgb(frame)
            decoded.append((frame.pts, rgb.shape))
            yield rgb

    with open_video(src) as source, atomic_path(dst) as tmp, av.open(str(tmp), "w", format="mp4") as output:
        writer = H264Writer(output, info, JOINABLE_H264_OPTIONS)
        stylized = stylize.stream(photos(source)) if isinstance(stylize, Streaming) else map(stylize, photos(source))
        for styled in stylized:
            pts, shape = decoded.popleft()
            if styled.shape != shape or styled.dtype != np.uint8:
                raise ValueError(f"stylize returned {styled.dtype} {styled.shape} for {shape} of {src}")
            writer.write(styled, pts)
            written += 1
            on_frame()
        writer.flush()
    return written


def _frames_between(source: InputContainer, name: Path, start: float, end: float, rate: float) -> Iterator[av.VideoFrame]:
    """Decoded frames shown at `start` ≤ t < `end`, seeking to the keyframe before `start` first."""
    stream = source.streams.best("video")
    stream.thread_type = "AUTO"
    if start > 0:
        source.seek(int(start / stream.time_base), stream=stream, backward=True)
    index = 0
    for packet in source.demux(stream):
        for frame in decode_packet(stream, packet, name):
            seconds = frame.time if frame.time is not None else index / rate  # raw streams carry no times
            index += 1
            if seconds >= end:
                return
            if seconds >= start:
                yield frame


def join_segments(src: Path, segments: list[Path], dst: Path) -> str:
    """Remux the segments' video (no re-encoding) with the source's sound into `dst`; returns the audio mode.

    Packets of both streams are merged by time, so the muxer never holds a whole stream in memory.
    """
    with (
        open_video(src) as source,
        av.open(str(segments[0])) as first,
        atomic_path(dst) as tmp,
        av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as output,
    ):
        video_out = output.add_stream_from_template(first.streams.video[0])
        audio_in = source.streams.best("audio")
        audio_out = carry_audio(output, audio_in) if audio_in is not None else None
        sound = _packets([source], "audio") if audio_in is not None else iter(())
        for packet in heapq.merge(_packets(segments, "video"), sound, key=_seconds):
            if packet.stream.type == "audio":
                audio_out.write(packet)
            else:
                packet.stream = video_out
                output.mux(packet)
        if audio_out is not None:
            audio_out.flush()
    return audio_out.mode if audio_out is not None else "none"


def _packets(sources: list, kind: str) -> Iterator[av.Packet]:
    """Timestamped packets of the first `kind` stream of each source in turn (paths or open containers)."""
    for source in sources:
        container = av.open(str(source)) if isinstance(source, Path) else source
        try:
            stream = container.streams.best(kind)
            for packet in container.demux(stream):
                if packet.dts is not None:
                    yield packet
        finally:
            if isinstance(source, Path):
                container.close()


def _seconds(packet: av.Packet) -> float:
    return float(packet.dts * packet.time_base)
