"""Skin: where it is (face-mesh regions plus a colour model fitted to this photo's own face skin) and how to
move its colours onto the character's skin tone while keeping the photo's shading.

Written by hand: no maintained library fits a per-photo skin model from face landmarks; the parts that are
standard (colour spaces, Gaussian statistics, morphology) come from OpenCV and numpy.
"""

from __future__ import annotations

import cv2
import numpy as np

from celflow.character import SkinTone
from celflow.generators.face_mesh import (
    FACE_OVAL,
    FOREHEAD,
    LEFT_BROW,
    LEFT_CHEEK,
    LEFT_EYE,
    LIPS_OUTER,
    RIGHT_BROW,
    RIGHT_CHEEK,
    RIGHT_EYE,
    Face,
)
from celflow.generators.palette import hex_to_rgb

FEATURES = (RIGHT_EYE, LEFT_EYE, RIGHT_BROW, LEFT_BROW, LIPS_OUTER)
SKIN_SAMPLES = (RIGHT_CHEEK, LEFT_CHEEK, FOREHEAD)
COLOUR_DISTANCE = 3.0  # Mahalanobis distance (σ) from the face skin's colour that still counts as skin
SHADING_SLACK = 2.5  # lightness varies more than hue across skin (shadows): its σ is widened this much
FACE_SLACK = 2.0  # inside the face oval, colours this many times further away still count
MIN_SAMPLES = 30


def face_regions(shape: tuple[int, int], faces: list[Face], regions: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """H×W bool: inside the convex hull of any of `regions` (landmark index lists) of any face."""
    mask = np.zeros(shape, np.uint8)
    for face in faces:
        for region in regions:
            cv2.fillConvexPoly(mask, cv2.convexHull(np.round(face.points[list(region)]).astype(np.int32)), 1)
    return mask.astype(bool)


def _lab(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB → float32 CIE Lab (L 0..100)."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)


def skin_mask(rgb: np.ndarray, faces: list[Face], person_mask: np.ndarray) -> np.ndarray:
    """H×W float32 0..1: face, neck, ears, arms and hands; not eyes, brows, lips, hair or clothes.

    Skin pixels outside the face are found by their colour's distance to this photo's own cheek and
    forehead skin, so the model follows the photo's lighting and the person's complexion.
    """
    shape = rgb.shape[:2]
    if not faces:
        return np.zeros(shape, np.float32)
    features = cv2.dilate(face_regions(shape, faces, FEATURES).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    samples = face_regions(shape, faces, SKIN_SAMPLES) & ~features
    lab = _lab(rgb)
    pixels = lab[samples]
    if len(pixels) < MIN_SAMPLES:
        return (face_regions(shape, faces, (FACE_OVAL,)) & ~features).astype(np.float32)
    mean = pixels.mean(0)
    spread = np.cov(pixels, rowvar=False) + np.eye(3)  # +1: a flat-coloured face stays invertible
    widen = np.diag([1 / SHADING_SLACK, 1.0, 1.0])
    inverse = widen @ np.linalg.inv(spread) @ widen
    offset = lab - mean
    distance = np.einsum("...i,ij,...j->...", offset, inverse, offset)
    # Inside the face oval a looser test suffices (shadows, make-up); it still drops hat brims and fringes.
    in_face = face_regions(shape, faces, (FACE_OVAL,)) & (distance < (FACE_SLACK * COLOUR_DISTANCE) ** 2)
    by_colour = (distance < COLOUR_DISTANCE**2) & (person_mask > 0.5)
    by_colour = cv2.morphologyEx(by_colour.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    skin = ((by_colour | in_face) & ~features) | samples
    return cv2.GaussianBlur(skin.astype(np.float32), (0, 0), 0.8)


def map_skin_tone(rgb: np.ndarray, skin: np.ndarray, tone: SkinTone) -> np.ndarray:
    """Move the skin's mean Lab colour onto the character's tone, keeping a share of its shading and tint.

    A per-photo linear map, so dark, bright and colour-cast photos all land on the same palette and the
    skin's lightness stays perfectly correlated with the photo's (until it clips).
    """
    weight = skin[..., None]
    if float(skin.sum()) < MIN_SAMPLES:
        return rgb.copy()
    lab = _lab(rgb)
    core = skin > 0.5
    mean = lab[core].mean(0) if core.any() else (lab * weight).sum((0, 1)) / weight.sum()
    target = _lab(hex_to_rgb([tone.tone]).reshape(1, 1, 3)).reshape(3)
    kept = np.array([tone.shading_kept, tone.tint_kept, tone.tint_kept], np.float32)
    mapped = target + (lab - mean) * kept
    out = lab * (1 - weight) + mapped * weight
    rgb_out = np.clip(np.round(cv2.cvtColor(out.astype(np.float32), cv2.COLOR_Lab2RGB) * 255), 0, 255)
    return np.where(weight > 0, rgb_out, rgb).astype(np.uint8)  # no round-trip drift outside the skin
