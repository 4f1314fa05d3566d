"""Stable person ids across frames: ByteTrack (the `trackers` library) on face detections."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import supervision as sv
from trackers import ByteTrackTracker

from celflow.realtime.records import Box, Detection, Frame

Detect = Callable[[np.ndarray], list[Detection]]
AUTO = "auto"
MAX_EVERY = 4  # frames between detections at most, when detecting less as people keep still
STILL = 0.02  # face widths a frame: people moving slower than this let the detector run less often
MOVING = 0.05  # face widths a frame: anyone faster and the detector runs on every frame again


def parse_detect_every(text: str) -> int | str:
    """`--detect-every`'s value: AUTO or a number of frames (1: every frame)."""
    value = text.strip().lower()
    if value == AUTO:
        return value
    if value.isdigit() and int(value) >= 1:
        return int(value)
    raise ValueError(f"--detect-every {text}: expected auto or a number of frames (1 or more)")


class PersonTracker:
    """Detects every `detect_every` frames, and on the next frame whenever a person was lost or is new
    (a new face gets its id on its third sighting in a row); tracks with ByteTrack.

    Between detections the last tracked boxes are kept: at 30 frames/s a face moves a few pixels a frame,
    which the person box's margin absorbs, and detection is most of the loop's cost besides the student.
    With `detect_every` AUTO the gap follows how fast people move, measured from one detection to the next:
    it grows by a frame (up to MAX_EVERY) while everyone moves less than STILL face widths a frame, and falls
    back to every frame as soon as anyone moves more than MOVING, or someone is new or lost.
    """

    def __init__(
        self, detect: Detect, detect_every: int | str = 1, frame_rate: float = 30.0, lost_after_s: float = 1.0
    ):
        if detect_every != AUTO and (not isinstance(detect_every, int) or detect_every < 1):
            raise ValueError(f"detect_every={detect_every}: must be {AUTO} or at least 1")
        self._detect = detect
        self._auto = detect_every == AUTO
        self._detect_every = 1 if self._auto else detect_every
        # Three sightings in a row make an id: a face-like pattern in the background rarely lasts that long
        # (seen on the rocket photo), a person always does. Ids survive `lost_after_s` without a
        # detection, which covers people crossing in front of each other.
        self._tracker = ByteTrackTracker(
            lost_track_buffer=round(lost_after_s * 30),
            frame_rate=frame_rate,
            minimum_consecutive_frames=3,
            track_activation_threshold=0.5,
            high_conf_det_threshold=0.5,
        )
        self._frame_period = 1.0 / frame_rate
        self._last: dict[int, Box] = {}
        self._last_detected: int | None = None
        self._last_time: float | None = None  # the time the tracker was last given: it must only go on
        self._look_again = False

    def __call__(self, frame: Frame) -> dict[int, Box]:
        """Face box per person in `frame`, keyed by person number: 1 for the first person seen, as users count."""
        due = self._last_detected is None or frame.index - self._last_detected >= self._detect_every
        if not (due or self._look_again):
            return dict(self._last)
        previous = self._last_detected if self._last_detected is not None else frame.index - 1
        self._last_detected = frame.index
        detections = self._detect(frame.rgb)
        if detections:
            found = sv.Detections(
                xyxy=np.array([d.box for d in detections], dtype=np.float32),
                confidence=np.array([d.confidence for d in detections], dtype=np.float32),
            )
        else:
            found = sv.Detections.empty()
        tracked = self._tracker.update(found, timestamp=self._time_of(frame))
        current = {
            int(track_id) + 1: tuple(float(v) for v in box)  # ByteTrack counts from 0
            for box, track_id in zip(tracked.xyxy, tracked.tracker_id)
            if track_id >= 0
        }
        self._look_again = bool(self._last.keys() - current.keys()) or bool((tracked.tracker_id < 0).any())
        if self._auto:
            self._detect_every = _next_gap(self._detect_every, self._last, current, frame.index - previous)
        self._last = current
        return dict(current)

    def _time_of(self, frame: Frame) -> float:
        """`frame`'s time for the tracker: its own, or one frame period after the last when a stream's clock repeats
        a time or starts again (a duplicated frame, a reset): ByteTrack then skips the frame's update, warning on
        the console, and every person loses their id for that frame."""
        last = self._last_time
        self._last_time = frame.time if last is None or frame.time > last else last + self._frame_period
        return self._last_time

    def state(self) -> dict[str, object]:
        """Everything but the detector, picklable: a tracker given it carries on with the same people and ids."""
        return {
            "tracker": self._tracker,
            "last": self._last,
            "last_detected": self._last_detected,
            "look_again": self._look_again,
            "detect_every": self._detect_every,
            "last_time": self._last_time,
        }

    def restore(self, state: dict[str, object]) -> None:
        self._tracker, self._last = state["tracker"], state["last"]
        self._last_detected, self._look_again = state["last_detected"], state["look_again"]
        self._detect_every = state.get("detect_every", self._detect_every)
        self._last_time = state.get("last_time")


def _next_gap(gap: int, before: dict[int, Box], now: dict[int, Box], frames: int) -> int:
    """The frames until the next detection, from how far each person's face moved (in face widths a frame) over
    the `frames` since the last detection: everyone new, lost or fast → 1; everyone still → one more."""
    if not now or before.keys() != now.keys():
        return 1
    speed = max(_moved(before[person], now[person]) for person in now) / max(frames, 1)
    if speed > MOVING:
        return 1
    return min(gap + 1, MAX_EVERY) if speed < STILL else gap


def _moved(a: Box, b: Box) -> float:
    """How far a face box's centre moved from `a` to `b`, in widths of `b`."""
    return float(np.hypot((b[0] + b[2] - a[0] - a[2]) / 2, (b[1] + b[3] - a[1] - a[3]) / 2) / max(b[2] - b[0], 1.0))
