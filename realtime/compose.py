"""Putting stylized people back into a frame: crops with a margin, soft masks, no visible seams."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from celflow.export.stylizer import PhotoToWebtoon
from celflow.generators.crop_fade import IntBox
from celflow.realtime.dark_faces import Lift, lit
from celflow.realtime.fast_guided_filter import fast_guided_filter
from celflow.realtime.records import Box


# The painting scaled back up: each window of UPSAMPLING_RADIUS px (at the painted size) fitted to the photo's grey,
# flat under UPSAMPLING_FLATNESS (grey variance, of 1²) — small, so that the photo's faint edges come back too.
UPSAMPLING_RADIUS = 2
UPSAMPLING_FLATNESS = 1e-3


def run_scaled(
    run: Callable[[np.ndarray], tuple[np.ndarray, ...]],
    rgb: np.ndarray,
    box: IntBox,
    max_side: int,
    along_edges: bool = False,
) -> tuple[np.ndarray, ...]:
    """`run`'s images for the crop `box` of `rgb` (the painting first, then any masks), at the crop's size; crops
    longer than `max_side` run scaled down.

    The student's cost grows with pixels, and a person seen close up, or a whole frame, has more pixels than its
    look needs. Everything comes back up by a plain resize; with `along_edges` the painting comes back along the
    crop's own edges (realtime/fast_guided_filter.py), sharp where the resize smears each edge over the scale
    factor — for a whole frame, whose painting at full size costs far more; the crops of up to six people in a
    frame would pay more for it than for their painting.
    """
    x0, y0, x1, y1 = box
    crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
    height, width = crop.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale == 1.0:
        return run(crop)
    small = cv2.resize(crop, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    painting, *masks = run(small)

    def resized(image: np.ndarray) -> np.ndarray:
        return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)

    if along_edges:
        painting = fast_guided_filter(painting, crop, UPSAMPLING_RADIUS, UPSAMPLING_FLATNESS, small_guide=small)
    else:
        painting = resized(painting)
    return painting, *(resized(mask) for mask in masks)


def stylize_crop(
    stylize: PhotoToWebtoon,
    rgb: np.ndarray,
    box: IntBox,
    max_side: int,
    along_edges: bool = False,
    lifts: Sequence[Lift] = (),
) -> np.ndarray:
    """The crop `box` of `rgb` stylized, at the crop's size (see `run_scaled`), its dark faces' `lifts` shown to the
    student and taken off its painting (realtime/dark_faces.py)."""
    return run_scaled(lit(lambda crop: (stylize(crop),), lifts, box), rgb, box, max_side, along_edges)[0]


ROUNDING = 1e-6  # float32 pixel distances against float64 bounds: a person this close to the bound is measured


def _body_line(face: Box) -> tuple[float, float, float]:
    """(x, y, width) of a face: its body is taken as the line from (x, y) straight down, measured in widths."""
    fx0, fy0, fx1, fy1 = face
    return (fx0 + fx1) / 2, (fy0 + fy1) / 2, max(fx1 - fx0, 1.0)


def _body_distance(columns: np.ndarray, rows: np.ndarray, face: Box) -> np.ndarray:
    """Distance of pixel centres (`columns` × `rows`) to `face`'s body line, in widths of the face."""
    centre_x, centre_y, width = _body_line(face)
    return np.hypot(columns - centre_x, np.maximum(centre_y - rows, 0)) / width


def nearest_person(box: IntBox, faces: Sequence[Box], own: int) -> np.ndarray:
    """H×W float32 over the crop `box`: 1 where the person of `faces[own]` is the nearest person, else 0 (a tie
    goes to the one listed first).

    A person mask marks everyone in a crop, so where two crops overlap it cannot say whose a pixel is. Each
    pixel goes to the person whose body is nearest: the distance to the line from their face's centre straight
    down, in widths of their face, so a person standing closer (a wider face) owns more of the space between.
    Someone whose body is, everywhere in the crop, farther than the own person's body is at the crop's farthest
    corner (the distance is convex, so a corner bounds it) cannot take a pixel and is not measured pixel by pixel:
    in a group each crop is near only its neighbours.
    """
    x0, y0, x1, y1 = box
    columns = np.arange(x0, x1, dtype=np.float32)[None, :] + 0.5
    rows = np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5
    corners_x, corners_y = columns[0, [0, -1]], rows[[0, -1], 0]
    farthest_own = float(_body_distance(corners_x[None, :], corners_y[:, None], faces[own]).max())
    own_distance = _body_distance(columns, rows, faces[own])
    theirs = np.ones(own_distance.shape, bool)
    for other, face in enumerate(faces):
        if other == own or _nearest_in(corners_x, corners_y, face) > farthest_own * (1 + ROUNDING) + ROUNDING:
            continue
        distance = _body_distance(columns, rows, face)
        theirs &= own_distance < distance if other < own else own_distance <= distance
    return theirs.astype(np.float32)


def _nearest_in(columns: np.ndarray, rows: np.ndarray, face: Box) -> float:
    """The smallest _body_distance to `face` over pixel centres from columns[0] to columns[1] and rows[0] to
    rows[1]: the nearest column to the face's centre and the lowest row, each on its own."""
    centre_x, centre_y, width = _body_line(face)
    across = max(columns[0] - centre_x, centre_x - columns[1], 0.0)
    return float(np.hypot(across, max(centre_y - rows[1], 0.0)) / width)


def paste_soft(canvas: np.ndarray, patch: np.ndarray, alpha: np.ndarray, box: IntBox) -> np.ndarray:
    """`canvas` with `patch` blended in at `box` by `alpha` (H×W float in [0, 1]); a new array."""
    x0, y0, x1, y1 = box
    out = canvas.copy()
    region = out[y0:y1, x0:x1].astype(np.float32)
    weight = alpha[..., None].astype(np.float32)
    out[y0:y1, x0:x1] = np.rint(region + (patch.astype(np.float32) - region) * weight).astype(np.uint8)
    return out
