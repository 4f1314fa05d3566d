"""Specks cleared from the teacher's picture: dark flecks too short to be strokes, filled from around them.

Cel banding and the edge lines of a busy photo (hair, patterned cloth, the background) leave dark marks a few
pixels long that read as dirt, not as lines; a webtoon artist draws no such marks. They are found as the
drawing metrics find ink (generators/drawing_metrics.py) and filled from their surroundings, so every
pixel's change depends on a neighbourhood a small network sees. The deliberate lines (eyes, face strokes,
outline) are drawn after this step, and faces are left as they are: at a small face size a nostril, a
mouth corner or a crease is a speck the person is recognised by.
"""

from __future__ import annotations

import cv2
import numpy as np

from celflow.generators.drawing_metrics import METRIC_SIDE, MIN_STROKE_PX, dark_marks
from celflow.generators.strokes import long_strokes

FILL_RADIUS = 3  # px at METRIC_SIDE: how far around a speck its fill colour is read


def speck_mask(rgb: np.ndarray) -> np.ndarray:
    """H×W bool: the dark marks of an H×W×3 uint8 picture whose strokes are shorter than MIN_STROKE_PX at
    METRIC_SIDE, with the pixel around each (their anti-aliased fringe)."""
    scale = max(rgb.shape[:2]) / METRIC_SIDE
    ink = dark_marks(rgb, scale)
    specks = ink & ~long_strokes(ink, MIN_STROKE_PX * scale)
    return cv2.dilate(specks.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)


def clear_specks(rgb: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
    """The H×W×3 uint8 picture with its specks filled from the colours around them (OpenCV's inpainting),
    except inside the H×W bool `keep`."""
    specks = speck_mask(rgb)
    if keep is not None:
        specks &= ~keep
    if not specks.any():
        return rgb
    radius = FILL_RADIUS * max(rgb.shape[:2]) / METRIC_SIDE
    return cv2.inpaint(rgb, specks.astype(np.uint8), radius, cv2.INPAINT_TELEA)
