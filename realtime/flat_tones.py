"""Flatten the photo's texture that the student paints over its tones, before the line art goes on.

The teacher draws skin, cloth and hair as flat tones meeting along sharp edges. The small network copies the
photo's low-contrast texture as well — pores, fabric weave, hair strands, soft ramps — and a reader sees a
smoothed photo with lines on it rather than a drawing. A guided filter (He, Sun & Tang 2010) guided by the
picture's own grey flattens every patch whose grey varies by less than FLAT_VARIANCE within FLAT_RADIUS and keeps
edges of more contrast where they are. Its coefficients are found on the picture shrunk to COEFFICIENT_SIDE and
scaled back up (the fast guided filter, He & Sun 2015), so it costs a few box filters at that size and a
multiply-add at full size. Written out here for the reason generators/guided_filter.py gives (OpenCV's contrib
build is not reliably importable in this stack); this one filters three colour channels through one grey guide.
"""

from __future__ import annotations

import cv2
import numpy as np
from celflow.generators.cel_shading import REFERENCE_SIDE

FLAT_RADIUS = 4  # px at REFERENCE_SIDE: the window over which a patch counts as flat grows with the picture
FLAT_VARIANCE = 0.003  # grey variance (of 1²) under which a patch is flattened: a standard deviation of ~14/255
COEFFICIENT_SIDE = REFERENCE_SIDE // 2  # long side (px) the coefficients are found at


def flatten_tones(rgb: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
    """H×W×3 uint8 `rgb` with its low-contrast texture flattened and its edges kept, only inside `where` (H×W
    bool; None: everywhere)."""
    height, width = rgb.shape[:2]
    shrink = min(1.0, COEFFICIENT_SIDE / max(height, width))
    size = (max(1, round(width * shrink)), max(1, round(height * shrink)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    guide = cv2.cvtColor(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)  # one grey, three times
    radius = max(1, round(FLAT_RADIUS * max(size) / REFERENCE_SIDE))
    window = (2 * radius + 1, 2 * radius + 1)

    def mean(values: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(values, -1, window, borderType=cv2.BORDER_REFLECT)

    mean_guide, mean_colour = mean(guide), mean(small)
    variance = mean(guide * guide) - mean_guide * mean_guide
    slope = (mean(small * guide) - mean_colour * mean_guide) / (variance + FLAT_VARIANCE * 255**2)
    offset = mean_colour - slope * mean_guide
    # at full size in place: each new full-size float image costs more than the arithmetic on it
    flat = cv2.resize(mean(slope), (width, height), interpolation=cv2.INTER_LINEAR)
    flat *= cv2.cvtColor(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB).astype(np.float32)
    flat += cv2.resize(mean(offset), (width, height), interpolation=cv2.INTER_LINEAR)
    flat = cv2.convertScaleAbs(np.maximum(flat, 0, out=flat))  # rounded, and saturated at 255
    return flat if where is None else np.where(where[..., None], flat, rgb)
