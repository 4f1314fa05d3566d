"""The size a video's frames are drawn at: for `live` the largest that keeps up with the camera, for `convert` a
fixed one (core.defaults.CONVERT_MAX_SIDE unless the user chose another).

A 720p or 1080p webcam gives frames two to five times the pixels of 640×480, and every stage of the loop
(the students' painting, the face mesh, the line art, the face warp) costs about as much more on two cores.
Drawn at full size such a camera is shown at a fraction of its frame rate; drawn smaller and scaled back up,
it keeps its frame rate with softer edges. So `live` draws each frame at most `side` pixels long and scales
the picture back to the camera's size. With `--max-side auto` (the default) the side is picked as it runs: it
starts at START_SIDE, or the camera's own size when smaller, and every WINDOW frames compares the slower of the
loop's two stages (they overlap, so that one sets the pace) with the camera's frame interval, stepping down the
LADDER when it is slower, up when the next rung's larger area should still fit. A rung found too slow is not
tried again for RETRY_WINDOWS windows, so the size does not see-saw between two rungs. And a smaller size must
pay: when a step down saved less than MIN_PAYOFF of what its smaller area promised, what sets the pace is not
the frame's size (the face mesh and the line art cost the same for each face at any size), so the loop goes back
to the larger size and stays there for RETRY_WINDOWS windows rather than blurring the picture for nothing.

`convert` has no camera to keep up with, and a size that changed with the machine's load would draw the same clip
differently from run to run and from segment to segment of a resumed conversion: it draws at a fixed side,
CONVERT_MAX_SIDE by default. The student learnt from photos a few hundred pixels across, so a 1080p frame drawn at
that size and scaled back keeps its look, while the face mesh, the line art and the face warp, which at full size
cost more than the student, shrink with the area drawn (README: bench_realtime.py --parts 1080p).

Written out here: it is a few lines of control over this loop's own stage timings, which no library measures.
"""

from __future__ import annotations

import statistics
from collections import Counter

import cv2
import numpy as np

AUTO = "auto"
FULL = "full"
LADDER = (1920, 1600, 1280, 1120, 960, 832, 736, 640, 576, 512, 448, 384, 320)  # long sides, about 12 % apart
START_SIDE = 640  # what two cores hold at 30 FPS with the line art (README: bench_realtime.py)
WINDOW = 20  # frames measured at one size before it may change
HEADROOM = 0.9  # share of the camera's frame interval the slower stage may take
STEP_UP_MARGIN = 0.8  # step up only when the next rung should need at most this share of the budget
RETRY_WINDOWS = 15  # windows before a rung found too slow is tried again (about 10 s at 30 FPS)
MIN_PAYOFF = 0.5  # share of the time a smaller area promised that a step down must save to be kept


def parse_max_side(text: str) -> int | str:
    """`--max-side`'s value: AUTO, FULL, or a positive number of pixels."""
    value = text.strip().lower()
    if value in (AUTO, FULL):
        return value
    if value.isdigit() and int(value) >= 64:
        return int(value)
    raise ValueError(f"--max-side {text}: expected auto, full or a number of pixels (64 or more)")


def parse_fixed_max_side(text: str) -> int | str:
    """`convert` and `stylize --max-side`'s value: FULL or a positive number of pixels (a conversion draws every frame
    alike; a still has no frames to time)."""
    value = parse_max_side(text)
    if value == AUTO:
        raise ValueError(f"--max-side {text}: only live picks a size as it runs; give full or a number of pixels")
    return value


def shrink(rgb: np.ndarray, side: int | None) -> np.ndarray:
    """`rgb` scaled so its long side is at most `side` (unchanged when it already is, or `side` is None)."""
    height, width = rgb.shape[:2]
    if side is None or max(height, width) <= side:
        return rgb
    scale = side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def enlarge(rgb: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """`rgb` scaled back up to `shape`'s height and width (unchanged when it has them)."""
    if rgb.shape[:2] == tuple(shape[:2]):
        return rgb
    return cv2.resize(rgb, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)


def _paid(before_ms: float, after_ms: float, area_share: float) -> bool:
    """Whether shrinking the area to `area_share` of it, taking `before_ms` to `after_ms`, saved at least MIN_PAYOFF
    of the time that area promised to save."""
    promised = before_ms * (1.0 - area_share)
    return promised <= 0 or (before_ms - after_ms) >= MIN_PAYOFF * promised


class WorkingSize:
    """The long side frames are drawn at: fixed (`max_side` a number, or FULL for the camera's own size) or picked
    as the loop runs (AUTO) from the stage times `observe` is given, to keep up with `frame_rate`.

    `shrink` runs on the loop's first thread and `observe` on its second; `side` is one attribute, read and set
    whole, so neither waits for the other."""

    def __init__(self, max_side: int | str = AUTO, frame_rate: float = 30.0) -> None:
        self.auto = max_side == AUTO
        self.side: int | None = None if max_side == FULL else START_SIDE if self.auto else int(max_side)
        self.budget_ms = 1000.0 * HEADROOM / frame_rate if frame_rate > 0 else float("inf")
        self._frame_side: int | None = None
        self._window: list[float] = []
        self._windows = 0
        self._too_slow: dict[int, int] = {}  # rung → the window it was found too slow in
        self._took: dict[int, float] = {}  # rung → the median ms of its last window
        self._floor: tuple[int, int] = (0, 0)  # no step below this side until this window: smaller did not pay
        self._frames_at: Counter[int] = Counter()  # long side drawn at → frames

    def shrink(self, rgb: np.ndarray) -> np.ndarray:
        """The frame at the working size (the first frame's size bounds the ladder)."""
        if self._frame_side is None:
            self._frame_side = max(rgb.shape[:2])
        worked = shrink(rgb, self.side)
        self._frames_at[max(worked.shape[:2])] += 1
        return worked

    def observe(self, slower_stage_ms: float) -> None:
        """One frame's time in the slower stage, at the current size; every WINDOW frames, AUTO moves the size."""
        if not self.auto or self._frame_side is None:
            return
        self._window.append(slower_stage_ms)
        if len(self._window) < WINDOW:
            return
        took = statistics.median(self._window)
        self._window.clear()
        self._windows += 1
        current = min(self.side or self._frame_side, self._frame_side)
        rungs = [side for side in LADDER if side < self._frame_side] + [self._frame_side]
        above = min((side for side in self._took if side > current), default=None)
        self._took[current] = took
        if took > self.budget_ms:
            self._too_slow[current] = self._windows
            if above is not None and not _paid(self._took[above], took, (current / above) ** 2):
                self.side, self._floor = above, (above, self._windows + RETRY_WINDOWS)
                return
            floor = self._floor[0] if self._windows < self._floor[1] else 0
            smaller = [side for side in rungs if floor <= side < current]
            fitting = [side for side in smaller if took * (side / current) ** 2 <= self.budget_ms]
            if smaller:
                self.side = max(fitting) if fitting else min(smaller)
            return
        larger = sorted(side for side in rungs if side > current)
        if not larger:
            return
        step = larger[0]
        recently_slow = self._windows - self._too_slow.get(step, -RETRY_WINDOWS) < RETRY_WINDOWS
        if not recently_slow and took * (step / current) ** 2 <= STEP_UP_MARGIN * self.budget_ms:
            self.side = step

    @property
    def drawn_at(self) -> int | None:
        """The long side most frames were drawn at so far (None before the first)."""
        return self._frames_at.most_common(1)[0][0] if self._frames_at else None
