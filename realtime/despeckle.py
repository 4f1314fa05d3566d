"""Clear the specks a pixel wide that the student leaves on its picture, before the line art goes on.

A small network copies some of the photo's sensor noise and JPEG blocks, which the teacher's edge-preserving
smoothing had taken out: a reader sees grain on the flat tones, and the edge and structure measures see it too.
A 3×3 median removes marks one pixel wide and leaves step edges where they are, unlike a blur.
"""

from __future__ import annotations

import cv2
import numpy as np

SPECK_FILTER = 3  # px: the median's window; wider ones round off the corners of the network's flat tones


def despeckle(rgb: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
    """H×W×3 uint8 `rgb` with single-pixel specks replaced by their neighbours' median, only inside `where`
    (H×W bool; None: everywhere)."""
    cleared = cv2.medianBlur(rgb, SPECK_FILTER)
    return cleared if where is None else np.where(where[..., None], cleared, rgb)
