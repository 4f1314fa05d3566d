"""Flatten the photo's texture that the student paints over its tones, before the line art goes on.

The teacher draws skin, cloth and hair as flat tones meeting along sharp edges. The small network copies the
photo's low-contrast texture as well — pores, fabric weave, hair strands, soft ramps — and a reader sees a
smoothed photo with lines on it rather than a drawing. A guided filter (He, Sun & Tang 2010) guided by the
picture's own grey flattens every patch whose grey varies by less than FLAT_VARIANCE within FLAT_RADIUS and keeps
edges of more contrast where they are. Its fits are found on the picture shrunk to COEFFICIENT_SIDE and applied
at full size (realtime/fast_guided_filter.py).
"""

from __future__ import annotations

import cv2
import numpy as np
from celflow.generators.cel_shading import REFERENCE_SIDE
from celflow.realtime.fast_guided_filter import fast_guided_filter

FLAT_RADIUS = 4  # px at REFERENCE_SIDE: the window over which a patch counts as flat grows with the picture
FLAT_VARIANCE = 0.003  # grey variance (of 1²) under which a patch is flattened: a standard deviation of ~14/255
COEFFICIENT_SIDE = REFERENCE_SIDE // 2  # long side (px) the coefficients are found at


def flatten_tones(rgb: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
    """H×W×3 uint8 `rgb` with its low-contrast texture flattened and its edges kept, only inside `where` (H×W
    bool; None: everywhere)."""
    height, width = rgb.shape[:2]
    shrink = min(1.0, COEFFICIENT_SIDE / max(height, width))
    size = (max(1, round(width * shrink)), max(1, round(height * shrink)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    radius = max(1, round(FLAT_RADIUS * max(size) / REFERENCE_SIDE))
    flat = fast_guided_filter(small, rgb, radius, FLAT_VARIANCE, small_guide=small)
    return flat if where is None else np.where(where[..., None], flat, rgb)
