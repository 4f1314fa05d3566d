"""The mouth in the person's own colours at run time: lips, teeth and the dark of an open mouth.

The teacher keeps a face's features as the photo, smoothed with the edges kept (generators/face_features.py):
lips and teeth are much of what a talking face is read by. A small network paints an open mouth, which few of
its pairs show, as one grey lozenge; so the run time takes the mouth from the frame itself, smoothed as the
teacher smooths it, and sets it where the character's face geometry puts the lips.
"""

from __future__ import annotations

import cv2
import numpy as np
from celflow.generators.cel_shading import OWN_COLOUR_PASSES, REFERENCE_SIDE
from celflow.generators.face_features import EDGE_SIGMA
from celflow.generators.face_mesh import LIPS_OUTER, Face

LIP_MARGIN = 1.5  # px at 512: the teacher's own colours reach this far past the lips' outline
SMOOTHING_REACH = 12  # px at 512 around the lips that the edge-preserving smoothing reads
# The teacher's bilateral filter (cel_shading.smooth_preserving_edges) with a 5-pixel neighbourhood, not its 9:
# OpenCV runs that one several times faster, and on the lips alone the two look alike (README, the run-time table)
FILTER_PX = 5


def _box(points: np.ndarray, margin: float, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    x0, y0 = np.floor(points.min(0) - margin).astype(int)
    x1, y1 = np.ceil(points.max(0) + margin).astype(int) + 1
    return max(x0, 0), max(y0, 0), min(x1, shape[1]), min(y1, shape[0])


def draw_own_mouths(canvas: np.ndarray, photo: np.ndarray, faces: list[Face], placed: list[Face]) -> np.ndarray:
    """H×W×3 uint8 `canvas` with each face's lips and mouth from `photo` (where `faces` find them), smoothed, set
    where `placed` (the same faces in the character's geometry) puts them, with a soft edge."""
    scale = max(photo.shape[:2]) / REFERENCE_SIDE
    out = canvas
    for face, place in zip(faces, placed):
        lips, moved = face.points[list(LIPS_OUTER)], place.points[list(LIPS_OUTER)]
        matrix, _ = cv2.estimateAffinePartial2D(lips, moved)  # shift, turn and scale: lips keep their shape
        if matrix is None:
            continue
        x0, y0, x1, y1 = _box(moved, SMOOTHING_REACH * scale, photo.shape[:2])
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        matrix[:, 2] -= (x0, y0)
        patch = cv2.warpAffine(photo, matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        smooth = patch
        for _ in range(OWN_COLOUR_PASSES):
            smooth = cv2.bilateralFilter(smooth, d=FILTER_PX, sigmaColor=30, sigmaSpace=7 * scale)
        mask = np.zeros(patch.shape[:2], np.uint8)
        cv2.fillConvexPoly(mask, cv2.convexHull(np.round(moved - (x0, y0)).astype(np.int32)), 1)
        reach = max(round(2 * LIP_MARGIN * scale) + 1, 1)
        mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach)))
        alpha = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), EDGE_SIGMA * scale)[..., None]
        if out is canvas:
            out = canvas.copy()
        window = out[y0:y1, x0:x1]
        window[:] = np.clip(np.round(window * (1 - alpha) + smooth * alpha), 0, 255).astype(np.uint8)
    return out
