"""Pen strokes: smooth, anti-aliased curves through a few points, whose width swells and tapers like ink.

A stroke is one anti-aliased polygon around a spline through the points, the curve offset by half the local
width on either side and drawn at 1/8 px, with round ends, so its width can change continuously along it
(cv2.polylines only draws one integer width). Written by hand: OpenCV, skimage and PIL draw constant-width lines
only. One polygon rather than a chain of discs along the curve: the run time draws these on every frame.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.interpolate import splev, splprep

SUBPIXEL_BITS = 3
# each side of a stroke reaches this far past its nominal half width: an anti-aliased edge pixel is only partly
# inked, so without it a stroke a pixel or two wide reads lighter and thinner than the width it was given
EDGE_PX = 0.3
SAMPLES_PER_PX = 2.0
TAPER_SHARE = 0.35  # of a stroke's length over which it swells from its tip to its full width


def spline_through(points: np.ndarray) -> np.ndarray:
    """N×2 points → a dense smooth curve through them (about SAMPLES_PER_PX points per pixel of length)."""
    points = np.asarray(points, np.float64)
    keep = np.r_[True, np.linalg.norm(np.diff(points, axis=0), axis=1) > 1e-3]
    points = points[keep]
    if len(points) < 2:
        return points
    length = float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())
    count = max(int(length * SAMPLES_PER_PX), 2)
    if len(points) < 4:
        segments = np.linspace(0, len(points) - 1, count)
        index = np.minimum(segments.astype(int), len(points) - 2)
        t = (segments - index)[:, None]
        return points[index] * (1 - t) + points[index + 1] * t
    tck, _ = splprep(points.T, s=0, k=3)
    return np.stack(splev(np.linspace(0, 1, count), tck), axis=1)


def taper(count: int, start: float, end: float) -> np.ndarray:
    """Width profile along a stroke: from `start` up to 1 over its first third, down to `end` over its last
    (shares of the full width)."""
    t = np.linspace(0, 1, count)
    rise = np.sin(np.clip(t / TAPER_SHARE, 0, 1) * np.pi / 2)
    fall = np.sin(np.clip((1 - t) / TAPER_SHARE, 0, 1) * np.pi / 2)
    return np.minimum(start + (1 - start) * rise, end + (1 - end) * fall)


def draw_stroke(canvas: np.ndarray, curve: np.ndarray, widths: np.ndarray) -> None:
    """Draw a stroke `widths[i]` wide at `curve[i]` onto an H×W uint8 coverage canvas (255 = ink), in place."""
    scale = 1 << SUBPIXEL_BITS
    curve = np.asarray(curve, np.float64)
    half = np.maximum(np.asarray(widths, np.float64) / 2 + EDGE_PX, 0.3)
    for end in (0, -1) if len(curve) else ():  # round ends
        centre = np.rint(curve[end] * scale).astype(int).tolist()
        cv2.circle(canvas, centre, int(np.rint(half[end] * scale)), 255, -1, cv2.LINE_AA, SUBPIXEL_BITS)
    if len(curve) < 2:
        return
    tangent = np.gradient(curve, axis=0)
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-9)
    offset = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1) * half[:, None]
    outline = np.vstack([curve + offset, (curve - offset)[::-1]])
    cv2.fillPoly(canvas, [np.rint(outline * scale).astype(np.int32)], 255, cv2.LINE_AA, SUBPIXEL_BITS)


def stroke_coverage(shape: tuple[int, int], strokes: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """H×W float32 0..1: the coverage of every (curve, widths) stroke."""
    canvas = np.zeros(shape, np.uint8)
    for curve, widths in strokes:
        draw_stroke(canvas, curve, widths)
    return canvas.astype(np.float32) / 255


def ink_over(image: np.ndarray, alpha: np.ndarray, ink: np.ndarray) -> None:
    """Blend `ink` (RGB) into the H×W×3 uint8 `image` with H×W opacity `alpha`, in place, only where alpha > 0:
    lines cover a few pixels of a frame, and the run time draws them on every frame."""
    found = cv2.findNonZero((alpha > 0).view(np.uint8))  # a few times faster than numpy's nonzero on a frame
    if found is None:
        return
    xs, ys = found[:, 0, 0], found[:, 0, 1]
    cover = alpha[ys, xs][:, None]
    image[ys, xs] = np.clip(np.round(image[ys, xs] * (1 - cover) + ink * cover), 0, 255).astype(np.uint8)


def long_strokes(ink: np.ndarray, min_length: float) -> np.ndarray:
    """H×W bool: the pieces of an ink mask (8-connected) whose skeleton is at least `min_length` px long.

    What separates a drawn line from speckle: an edge detector's dots and flecks are short, strokes are not.
    """
    from skimage.morphology import skeletonize

    count, labels = cv2.connectedComponents(ink.astype(np.uint8), connectivity=8)
    length = np.bincount(labels[skeletonize(ink.astype(bool))], minlength=count)
    long_enough = length >= min_length
    long_enough[0] = False
    return long_enough[labels]
