"""Weights that join a crop's result back into the whole picture without a seam."""

from __future__ import annotations

import numpy as np

IntBox = tuple[int, int, int, int]  # x0, y0, x1, y1


def edge_fade(height: int, width: int, box: IntBox, frame_shape: tuple[int, ...], ramp: int) -> np.ndarray:
    """H×W float32 weights rising from 0 to 1 over `ramp` pixels at the crop's sides inside the frame.

    Sides on the frame's own border stay at 1: nothing lies beyond them to blend into.
    """
    x0, y0, x1, y1 = box
    rows, cols = np.arange(height, dtype=np.float32), np.arange(width, dtype=np.float32)
    ramp = max(ramp, 1)
    top = np.clip((rows + 1) / ramp, 0, 1) if y0 > 0 else np.ones(height, np.float32)
    bottom = np.clip((height - rows) / ramp, 0, 1) if y1 < frame_shape[0] else np.ones(height, np.float32)
    left = np.clip((cols + 1) / ramp, 0, 1) if x0 > 0 else np.ones(width, np.float32)
    right = np.clip((width - cols) / ramp, 0, 1) if x1 < frame_shape[1] else np.ones(width, np.float32)
    return np.minimum(top, bottom)[:, None] * np.minimum(left, right)[None, :]
