"""The silhouette: one clean ink line around each person, from the person mask, as webtoon panels draw it."""

from __future__ import annotations

import cv2
import numpy as np
from celflow.generators.strokes import ink_over

MIN_CONTOUR_PX = 40  # at 512 px: shorter mask contours are holes and islands, not a body's outline
SMOOTHING = 2.0  # px at 512: the mask's stair-steps smoothed out along the contour
SUBPIXEL_BITS = 3


def _smooth_closed(contour: np.ndarray, sigma: float) -> np.ndarray:
    """A closed contour's points smoothed along its length (wrapping at the ends)."""
    points = contour.reshape(-1, 2).astype(np.float32)
    if sigma <= 0 or len(points) < 5:
        return points
    pad = min(len(points) - 1, int(3 * sigma) + 1)
    wrapped = np.vstack([points[-pad:], points, points[:pad]])
    smooth = cv2.GaussianBlur(wrapped.reshape(-1, 1, 2), (1, 2 * pad + 1), 0, sigmaY=sigma).reshape(-1, 2)
    return smooth[pad:-pad]


def silhouette_lines(person_mask: np.ndarray, line_px: float) -> np.ndarray:
    """H×W float32 0..1: an anti-aliased line along the person mask's outline, not along the frame's edges."""
    height, width = person_mask.shape
    scale = max(height, width) / 512
    inside = (person_mask >= (128 if person_mask.dtype == np.uint8 else 0.5)).astype(np.uint8)
    contours, _ = cv2.findContours(inside, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    canvas = np.zeros((height, width), np.uint8)
    thickness = max(1, round(line_px))
    for contour in contours:
        if len(contour) < MIN_CONTOUR_PX * scale:
            continue
        points = _smooth_closed(contour, SMOOTHING * scale)
        fixed = np.round(points * (1 << SUBPIXEL_BITS)).astype(np.int32)
        cv2.polylines(canvas, [fixed], True, 255, thickness, cv2.LINE_AA, SUBPIXEL_BITS)
    border = thickness + 1
    canvas[:border], canvas[-border:], canvas[:, :border], canvas[:, -border:] = 0, 0, 0, 0
    return canvas.astype(np.float32) / 255


def draw_silhouette(
    stylised: np.ndarray, person_mask: np.ndarray, ink: np.ndarray, line_weight: float, darkness: float
) -> np.ndarray:
    """The person's outline inked onto an H×W×3 uint8 image; `line_weight` in pixels at 512 px."""
    line_px = max(1.0, line_weight * max(person_mask.shape) / 512)
    out = stylised.copy()
    ink_over(out, silhouette_lines(person_mask, line_px) * darkness, ink)
    return out
