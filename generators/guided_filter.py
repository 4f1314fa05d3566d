"""The guided filter (He, Sun & Tang 2010): snaps a soft mask's edges to the edges of the photo.

Written out here because OpenCV's `cv2.ximgproc.guidedFilter` lives in the contrib build, and in this stack
opencv-python and opencv-python-headless write the same cv2/ folder, so contrib's modules are not reliably
importable. It is four box filters, the same algorithm (grey guide).
"""

from __future__ import annotations

import cv2
import numpy as np


def guided_filter(guide_rgb: np.ndarray, mask: np.ndarray, radius: int, eps: float) -> np.ndarray:
    """H×W float32 0..1: `mask` smoothed where the photo is flat and kept sharp along the photo's edges."""
    guide = cv2.cvtColor(guide_rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    src = mask.astype(np.float32)
    size = (2 * radius + 1, 2 * radius + 1)

    def mean(image: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(image, -1, size, borderType=cv2.BORDER_REFLECT)

    mean_guide, mean_src = mean(guide), mean(src)
    covariance = mean(guide * src) - mean_guide * mean_src
    variance = mean(guide * guide) - mean_guide * mean_guide
    a = covariance / (variance + eps)
    b = mean_src - a * mean_guide
    return np.clip(mean(a) * guide + mean(b), 0.0, 1.0)
