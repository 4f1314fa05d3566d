"""Does an image read as a drawing? Clean strokes (ink in long lines, not speckle) and flat colour regions.

Both are measured at METRIC_SIDE px on the long side, so a 384 px and a 1024 px output are judged alike, on
any image (a teacher's target, a student's output, a photo for comparison):
- ink: pixels much darker than their immediate surroundings (a morphological black-hat of L*), the
  thin dark marks a reader sees as lines, whatever colour the region around them is;
- a stroke: one 8-connected piece of ink; its length is the pixel count of its skeleton;
- flat: a pixel whose 5×5 neighbourhood varies by less than FLAT_STD in CIE Lab (slow shading still counts).
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.color import rgb2lab

from celflow.generators.strokes import long_strokes

METRIC_SIDE = 512
INK_CONTRAST = 12.0  # L* units a pixel lies below the closing of its neighbourhood to count as ink
INK_KERNEL = 7  # px at METRIC_SIDE: wider marks are regions (hair, shadow), not lines
MIN_STROKE_PX = 20
FLAT_WINDOW = 5
FLAT_STD = 2.0  # Lab units


def _at_metric_size(image: np.ndarray, interpolation: int = cv2.INTER_AREA) -> np.ndarray:
    scale = METRIC_SIDE / max(image.shape[:2])
    if abs(scale - 1.0) < 1e-6:
        return image
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=interpolation)


def _lightness(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[..., 0]


def dark_marks(rgb: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """H×W bool at the image's own size: marks narrower than INK_KERNEL·scale px darker than their
    surroundings by INK_CONTRAST L* units. `scale` is the image's long side over METRIC_SIDE."""
    side = max(3, int(round(INK_KERNEL * scale)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    return cv2.morphologyEx(_lightness(rgb), cv2.MORPH_BLACKHAT, kernel) > INK_CONTRAST


def ink_mask(rgb: np.ndarray) -> np.ndarray:
    """H×W bool at METRIC_SIDE: the ink a reader sees (dark_marks of the image at the size it is judged at)."""
    return dark_marks(_at_metric_size(rgb))


def stroke_share(rgb: np.ndarray, min_length: int = MIN_STROKE_PX) -> float:
    """Share of ink pixels in strokes at least `min_length` px long (1.0 when there is no ink at all)."""
    ink = ink_mask(rgb)
    if not ink.any():
        return 1.0
    return float(long_strokes(ink, min_length)[ink].mean())


def flat_share(rgb: np.ndarray, person_mask: np.ndarray) -> float:
    """Share of the person's pixels (mask ≥ 0.5, or ≥ 128 for uint8) that lie in flat colour, ink excluded."""
    small = _at_metric_size(rgb)
    mask = _at_metric_size(person_mask.astype(np.float32), cv2.INTER_LINEAR)
    inside = mask >= (128 if person_mask.dtype == np.uint8 else 0.5)
    inside &= ~cv2.dilate(ink_mask(rgb).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    if not inside.any():
        raise ValueError("person mask is empty: no region to measure")
    lab = rgb2lab(small).astype(np.float32)
    size = (FLAT_WINDOW, FLAT_WINDOW)
    variance = cv2.blur(lab * lab, size) - cv2.blur(lab, size) ** 2
    local_std = np.sqrt(np.clip(variance, 0, None).sum(-1))
    return float((local_std[inside] < FLAT_STD).mean())
