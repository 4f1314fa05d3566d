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


def grey_thrice(rgb: np.ndarray) -> np.ndarray:
    """H×W×3 float32: the grey of `rgb` in each of three channels, to multiply colour channels by."""
    return cv2.cvtColor(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB).astype(np.float32)


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
    grey, colour = grey_thrice(small_guide), picture.astype(np.float32)
    window = (2 * radius + 1, 2 * radius + 1)

    def mean(values: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(values, -1, window, borderType=cv2.BORDER_REFLECT)

    mean_grey, mean_colour = mean(grey), mean(colour)
    variance = mean(grey * grey) - mean_grey * mean_grey
    slope = (mean(colour * grey) - mean_colour * mean_grey) / (variance + flatness * 255**2)
    offset = mean_colour - slope * mean_grey
    # at full size in place: each new full-size float image costs more than the arithmetic on it
    fitted = cv2.resize(mean(slope), (width, height), interpolation=cv2.INTER_LINEAR)
    fitted *= grey_thrice(guide)
    fitted += cv2.resize(mean(offset), (width, height), interpolation=cv2.INTER_LINEAR)
    return cv2.convertScaleAbs(np.maximum(fitted, 0, out=fitted))  # rounded, and saturated at 255
