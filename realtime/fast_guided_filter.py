"""The fast guided filter (He & Sun 2015): a picture fitted, window by window, as a linear function of a photo's
grey at a small size, and those fits applied to the photo at its full size.

Two run-time steps are this one filter. Flattening the texture the student paints (realtime/flat_tones.py)
fits the picture to its own grey: a window whose grey barely varies gets its mean, an edge of more contrast is
kept. Scaling a painting made at a smaller size back up (realtime/compose.py) fits it to the photo's grey: edges
come back where the photo's edges are, at full sharpness, where a plain resize smears each over the scale factor.
Finding the fits at the small size costs a few box filters there; the full size pays one multiply-add.
Written out here for the reason generators/guided_filter.py gives (OpenCV's contrib build is not reliably
importable in this stack); this one filters three colour channels through one grey guide.
"""

from __future__ import annotations

import cv2
import numpy as np


def grey(rgb: np.ndarray) -> np.ndarray:
    """H×W float32: the grey of `rgb`."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)


def thrice(one: np.ndarray) -> np.ndarray:
    """H×W×3: `one` (H×W) in each of three channels, to multiply colour channels by with OpenCV's arithmetic, which
    takes two images of one shape."""
    return cv2.merge([one, one, one])


def fast_guided_filter(
    picture: np.ndarray, guide: np.ndarray, radius: int, flatness: float, small_guide: np.ndarray | None = None
) -> np.ndarray:
    """H×W×3 uint8 at `guide`'s size: `picture` (h×w×3 uint8, at most `guide`'s size) fitted in every
    (2·radius + 1)² window of its own size as a linear function of the grey of `guide` (H×W×3 uint8 RGB) at that
    size (`small_guide`, when the caller has it already), and the fits, averaged over the windows and scaled up,
    applied to `guide`'s grey at full size. `flatness`: the grey variance (of 1²) under which a window's fit turns
    flat (to the picture's mean there)."""
    height, width = guide.shape[:2]
    size = (picture.shape[1], picture.shape[0])
    if small_guide is None:
        small_guide = guide if size == (width, height) else cv2.resize(guide, size, interpolation=cv2.INTER_AREA)
    window = (2 * radius + 1, 2 * radius + 1)

    def mean(values: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(values, -1, window, borderType=cv2.BORDER_REFLECT)

    # each new float image costs more than the arithmetic on it: the fits are made in place where they can be
    small_grey, colour = grey(small_guide), picture.astype(np.float32)
    mean_grey = mean(small_grey)
    spread = mean(small_grey * small_grey) - mean_grey * mean_grey + flatness * 255**2
    mean_grey, mean_colour = thrice(mean_grey), mean(colour)
    slope = mean(cv2.multiply(colour, thrice(small_grey)))
    slope -= cv2.multiply(mean_colour, mean_grey)
    slope /= thrice(spread)
    offset = mean_colour
    offset -= cv2.multiply(slope, mean_grey)
    # at full size one colour channel at a time: a video's two stages may each run this filter on a frame at once
    full_grey, fitted, channels = grey(guide), np.empty((height, width), np.float32), []
    for channel_slope, channel_offset in zip(cv2.split(mean(slope)), cv2.split(mean(offset)), strict=True):
        cv2.resize(channel_slope, (width, height), dst=fitted, interpolation=cv2.INTER_LINEAR)
        fitted *= full_grey
        fitted += cv2.resize(channel_offset, (width, height), interpolation=cv2.INTER_LINEAR)
        channels.append(cv2.convertScaleAbs(np.maximum(fitted, 0, out=fitted)))  # rounded, and saturated at 255
    return cv2.merge(channels)
