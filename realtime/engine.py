"""The real-time loop: source → track → assign characters → paint → line art → smooth → sinks, with its speed
measured; the next frame is tracked and painted while this one gets its line art and goes to the sinks."""

from __future__ import annotations

import collections
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from celflow.realtime.characters import CharacterAssigner
from celflow.realtime.modes import FrameRenderer
from celflow.realtime.overlay import draw_overlay
from celflow.realtime.records import Frame, PaintedFrame, StylizedFrame, Track, TrackedFrame
from celflow.realtime.sinks import Sink
from celflow.realtime.smoothing import TemporalSmoother
from celflow.realtime.strength import check_strength
from celflow.realtime.tracking import PersonTracker
from celflow.realtime.two_stages import two_stages
from celflow.realtime.working_size import WorkingSize, enlarge


class Pipeline:
    """Frame → StylizedFrame. Tracking runs only when a mode or the overlay needs people.

    `strength` (0: the photo, 1: the student's picture; see realtime.strength) and who wears which character
    (`next_character`) may change between frames, e.g. from keys pressed in the live window. With
    `working_size`, frames are drawn at its size and scaled back up (realtime/working_size.py); people are
    tracked on the frame as it came, so their numbers hold when that size changes.
    """

    def __init__(
        self,
        renderer: FrameRenderer,
        tracker: PersonTracker | None = None,
        assigner: CharacterAssigner | None = None,
        smoother: TemporalSmoother | None = None,
        strength: float = 1.0,
        working_size: WorkingSize | None = None,
    ) -> None:
        self.renderer = renderer
        self.working_size = working_size
        self.tracker = tracker
        self.assigner = assigner or CharacterAssigner(list(renderer.stylizers))
        self.smoother = smoother
        self.strength = check_strength(strength)
        self._cast = list(renderer.stylizers)
        self._switched = 0  # how many places along the cast everyone has moved

    def __call__(self, frame: Frame) -> StylizedFrame:
        return self.finish(self.paint(frame))

    def stream(self, frames: Iterable[Frame], read_ahead: bool = False) -> Iterator[StylizedFrame]:
        """Each of `frames` stylized, in order, as `__call__` would: the next frame tracked and painted on a second
        thread while this one is finished on the reader's (realtime/two_stages.py). `read_ahead` (a file, whose
        frames cannot grow stale): the frame after that is read and tracked on a third thread meanwhile, so that
        reading, tracking and painting no longer add up on one thread."""
        if not read_ahead:
            return two_stages(frames, self.paint, self.finish)
        return two_stages(two_stages(frames, self.track, self.paint_tracked), _as_it_is, self.finish)

    def paint(self, frame: Frame) -> PaintedFrame:
        """The first stage: the people tracked and given their characters, the frame painted by the students
        (and, where the renderer says so, the faces the line art is drawn on found)."""
        return self.paint_tracked(self.track(frame))

    def track(self, frame: Frame) -> TrackedFrame:
        """The people in `frame` tracked and given their characters."""
        started = time.perf_counter()
        faces = self.tracker(frame) if self.tracker is not None else {}
        tracks = tuple(
            Track(track_id, box, self._wearing(self.assigner(track_id))) for track_id, box in sorted(faces.items())
        )
        return TrackedFrame(frame, tracks, 1000 * (time.perf_counter() - started))

    def paint_tracked(self, tracked: TrackedFrame) -> PaintedFrame:
        """The frame painted by the students (and, where the renderer says so, the faces the line art is drawn
        on found, and the bands and lines behind the people)."""
        started = time.perf_counter()
        frame, tracks = tracked.frame, tracked.tracks
        background = self.renderer.default
        photo = self.working_size.shrink(frame.rgb) if self.working_size is not None else frame.rgb
        drawn = _scaled(tracks, photo.shape[1] / frame.rgb.shape[1])
        canvas, people = self.renderer.paint(photo, drawn, background)
        faces = tuple(self.renderer.faces(photo, drawn)) if self.renderer.faces_found_with_painting else None
        behind = self.renderer.background_drawing(photo, canvas, background)
        ms = tracked.tracking_ms + 1000 * (time.perf_counter() - started)
        shrunk = None if photo is frame.rgb else photo
        return PaintedFrame(frame, tracks, background, canvas, faces, ms, shrunk, people, behind)

    def finish(self, painted: PaintedFrame) -> StylizedFrame:
        """The second stage: the line art (its faces found first, unless they were with the painting) and face
        warps, the smoothing over time, the strength."""
        started = time.perf_counter()
        photo = painted.drawn_photo
        drawn = _scaled(painted.tracks, photo.shape[1] / painted.frame.rgb.shape[1])
        faces = self.renderer.faces(photo, drawn) if painted.faces is None else list(painted.faces)
        rgb = self.renderer.finish(
            photo, painted.canvas, drawn, painted.background, faces, painted.people, painted.behind
        )
        if self.smoother is not None:
            rgb = self.smoother(photo, rgb)
        if self.strength == 0.0:  # the camera's own frame, not one scaled down and up again
            rgb = painted.frame.rgb
        else:
            rgb = enlarge(self.renderer.at_strength(photo, rgb, self.strength), painted.frame.rgb.shape)
        finished_at = time.perf_counter()
        stages = (painted.painting_ms, 1000 * (finished_at - started))
        if self.working_size is not None:
            self.working_size.observe(max(stages))
        return StylizedFrame(painted.frame, rgb, painted.tracks, finished_at, stages)

    def next_character(self) -> str:
        """Everyone, background included, moves on to the next character of the cast; returns the background's."""
        self._switched = (self._switched + 1) % len(self._cast)
        self.renderer.default = self._cast[self._switched]
        return self.renderer.default

    def _wearing(self, assigned: str) -> str:
        return self._cast[(self._cast.index(assigned) + self._switched) % len(self._cast)]

    def state(self) -> dict[str, object]:
        """What the next frame depends on, picklable: the tracks, who wears which character, the smoother's
        last frame. A conversion resumed in a new process restores it and carries on as if it never stopped."""
        return {
            "tracker": self.tracker.state() if self.tracker is not None else None,
            "characters": self.assigner.state(),
            "smoother": self.smoother.state() if self.smoother is not None else None,
        }

    def restore(self, state: dict[str, object]) -> None:
        if self.tracker is not None and state["tracker"] is not None:
            self.tracker.restore(state["tracker"])
        self.assigner.restore(state["characters"])
        if self.smoother is not None:
            self.smoother.restore(state["smoother"])


def _as_it_is(painted: PaintedFrame) -> PaintedFrame:
    return painted


def _scaled(tracks: tuple[Track, ...], scale: float) -> tuple[Track, ...]:
    """`tracks` with their face boxes in a frame scaled by `scale`."""
    if scale == 1.0:
        return tracks
    return tuple(Track(t.track_id, tuple(v * scale for v in t.box), t.character) for t in tracks)


@dataclass(frozen=True)
class LoopReport:
    """What a run did: frames shown, speed, delay from capture to shown by the sinks (median, 95th percentile),
    and the median time each stage took on a frame (painting, finishing)."""

    frames: int
    seconds: float
    latency_p50_ms: float
    latency_p95_ms: float
    stopped_by_user: bool
    stage_p50_ms: tuple[float, ...] = ()

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


class SpeedMeter:
    """Frames per second over the last second or so, for the overlay."""

    def __init__(self, window: int = 30) -> None:
        self._finished: collections.deque[float] = collections.deque(maxlen=window)

    def tick(self, finished_at: float) -> float:
        self._finished.append(finished_at)
        if len(self._finished) < 2:
            return 0.0
        return (len(self._finished) - 1) / (self._finished[-1] - self._finished[0])


def run_loop(
    frames: Iterable[Frame],
    pipeline: Pipeline,
    sinks: Sequence[Sink] = (),
    max_frames: int | None = None,
    overlay: bool = True,
    overlapped: bool = True,
) -> LoopReport:
    """Run until the source ends, a sink asks to stop or `max_frames` were shown; sinks are closed after.

    Sinks that show the overlay get it drawn unless `overlay` is False (a clean feed everywhere). `overlapped`:
    the pipeline's two stages on two threads (off only to measure what that gains: bench_realtime.py)."""
    latencies: list[float] = []
    stage_ms: list[tuple[float, ...]] = []
    meter = SpeedMeter()
    started = time.perf_counter()
    stopped_by_user = False
    results = pipeline.stream(frames) if overlapped else (pipeline(frame) for frame in frames)
    try:
        for result in results:
            fps = meter.tick(result.finished_at)
            annotated = result.rgb
            if overlay:
                status = f"{pipeline.renderer.default}  strength {pipeline.strength:.1f}"
                annotated = draw_overlay(result.rgb, fps, 1000 * result.latency, result.tracks, status)
            keep_going = all([sink.write(result, annotated) for sink in sinks])
            latencies.append(time.perf_counter() - result.frame.captured_at)  # capture → shown by every sink
            stage_ms.append(result.stage_ms)
            if not keep_going:
                stopped_by_user = True
                break
            if max_frames is not None and len(latencies) >= max_frames:
                break
    finally:
        results.close()  # the second thread stops before the sinks close
        for sink in sinks:
            sink.close()
    seconds = time.perf_counter() - started
    p50, p95 = np.percentile(latencies, [50, 95]) * 1000 if latencies else (0.0, 0.0)
    stages = tuple(float(ms) for ms in np.median(stage_ms, axis=0)) if stage_ms else ()
    return LoopReport(len(latencies), seconds, float(p50), float(p95), stopped_by_user, stages)
