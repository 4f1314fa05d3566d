"""A small copy of a frame for a layer drawn small on every frame and scaled back up: the background's bands and
lines (realtime/background_bands.py).

OpenCV's INTER_AREA averages exactly the pixels each small one covers, but at a ratio that is not a whole number
it is several times slower than a Gaussian pyramid's halvings (pyrDown) and a bilinear resize after them. The
pyramid filters out what would alias (a fine pattern comes out even, not as stripes); between one and two times
the size the bilinear step reads each pixel's neighbours only in part, which a layer that smooths what it reads
before drawing bands on it does not show (README, student section). The drawing's own flattening keeps
INTER_AREA: its fits sit at the edges it keeps, and the pyramid's wider kernel softens them.
"""

from __future__ import annotations

import cv2
import numpy as np


def small_copy(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """`rgb` (H×W[×C]) resized down to `size` (width, height): halved while it is at least twice as large, then
    bilinear; the same array when it already has that size."""
    width, height = size
    if rgb.shape[1] == width and rgb.shape[0] == height:
        return rgb
    while rgb.shape[1] >= 2 * width and rgb.shape[0] >= 2 * height:
        rgb = cv2.pyrDown(rgb)
    return cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR)
