"""The silhouette: one clean ink line around each person, from the person mask, as webtoon panels draw it.

Only where the mask is sure of the person's edge. A segmenter made for selfies often wanders through greys
beside the people (a sofa, a cushion, a teddy bear, a cluttered shelf), and a line along its 0.5 level there is
a stray loop across the furniture; a real body's edge has the mask jump from about 0 to about 1. So the line
follows each contour only along its sure stretches, each drawn whole or not at all: no dashes.
"""

from __future__ import annotations

import cv2
import numpy as np
from celflow.generators.strokes import ink_over

MIN_CONTOUR_PX = 40  # at 512 px: shorter mask contours are holes and islands, not a body's outline
SMOOTHING = 2.0  # px at 512: the mask's stair-steps smoothed out along the contour
SUBPIXEL_BITS = 3
EDGE_REACH = 3.0  # px at 512: how far to each side of the contour the mask is read to tell a sure edge
SURE_CONTRAST = 0.7  # the mask changes by at least this within EDGE_REACH of a sure edge
SURENESS_SMOOTHING = 6.0  # px at 512: sureness is judged over this much of the contour, not pixel by pixel
MIN_STRETCH_PX = 20  # at 512: a sure stretch shorter than this is a fleck, not part of an outline


def _along_closed(values: np.ndarray, sigma: float) -> np.ndarray:
    """N×K values at a closed contour's points, smoothed along its length (wrapping at the ends)."""
    values = values.reshape(len(values), -1).astype(np.float32)
    if sigma <= 0 or len(values) < 5:
        return values
    pad = min(len(values) - 1, int(3 * sigma) + 1)
    wrapped = np.vstack([values[-pad:], values, values[:pad]])
    smooth = cv2.GaussianBlur(wrapped[:, None, :], (1, 2 * pad + 1), 0, sigmaY=sigma)
    return smooth.reshape(len(wrapped), -1)[pad:-pad]


def edge_contrast(person_mask: np.ndarray, scale: float) -> np.ndarray:
    """H×W float32: how far the mask (0..1) changes within EDGE_REACH·`scale` px of each pixel (its morphological
    gradient): about 1 at a person's real edge, much less where the segmenter was unsure."""
    side = 2 * max(1, round(EDGE_REACH * scale)) + 1
    # a square, not a disc: OpenCV runs a rectangle's max and min as a row pass and a column pass
    return cv2.morphologyEx(person_mask, cv2.MORPH_GRADIENT, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))


def sure_stretches(contour: np.ndarray, contrast: np.ndarray, scale: float) -> list[tuple[np.ndarray, bool]]:
    """The stretches of a closed contour (N×2 int points) along which the mask is sure of the edge, as
    (indices into the contour, closed): the whole contour, closed, where all of it is sure."""
    sure = _along_closed(contrast[contour[:, 1], contour[:, 0]], SURENESS_SMOOTHING * scale)[:, 0] >= SURE_CONTRAST
    if sure.all():
        return [(np.arange(len(contour)), True)]
    start = int(np.argmin(sure))  # an unsure point: every stretch then begins and ends inside the rolled order
    order = np.roll(np.arange(len(contour)), -start)
    edges = np.flatnonzero(np.diff(np.r_[0, sure[order].astype(np.int8), 0]))
    return [
        (order[begin:end], False)
        for begin, end in zip(edges[::2], edges[1::2])
        if end - begin >= MIN_STRETCH_PX * scale
    ]


def silhouette_lines(person_mask: np.ndarray, line_px: float) -> np.ndarray:
    """H×W float32 0..1: an anti-aliased line along the person mask's sure outline, not along the frame's edges."""
    height, width = person_mask.shape
    scale = max(height, width) / 512
    mask = person_mask.astype(np.float32) / (255 if person_mask.dtype == np.uint8 else 1)
    inside = (mask >= 0.5).astype(np.uint8)
    contours, _ = cv2.findContours(inside, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    contrast = edge_contrast(mask, scale)
    canvas = np.zeros((height, width), np.uint8)
    thickness = max(1, round(line_px))
    for contour in contours:
        if len(contour) < MIN_CONTOUR_PX * scale:
            continue
        contour = contour.reshape(-1, 2)
        points = _along_closed(contour, SMOOTHING * scale)
        for stretch, closed in sure_stretches(contour, contrast, scale):
            fixed = np.round(points[stretch] * (1 << SUBPIXEL_BITS)).astype(np.int32)
            cv2.polylines(canvas, [fixed], closed, 255, thickness, cv2.LINE_AA, SUBPIXEL_BITS)
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
