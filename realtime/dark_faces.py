"""Dark faces shown to the student lifted, and the lift taken off its picture: the features of dark skin kept.

The student is a small network trained with pixel losses; a face whose skin is dark (or in shade, or shot in a dim
room) carries its features — the nose's ridge, the cheekbones' light, the creases of a smile — in a few levels
of a dark range, and the network paints them over as one dark flat patch: the face no longer reads as its person
(README, student section). The teacher keeps them, since it bands each person's skin in their own distribution.
So before the network paints, each dark face (and its neck) is lifted by a gamma curve that brings the middle of
its face to LIFTED_TO, and the inverse curve is applied to what the network painted there: the network sees the
face as it sees a mid-toned one, and the picture keeps the person's own skin (the curve and its inverse cancel
wherever the network keeps a colour), now with the features drawn.

A gamma curve rather than a gain: it lifts the dark range and leaves white white, so a white collar or a lit
cheek is not clipped, and it is undone exactly. The lift fades out over the ellipse around face and neck that
realtime/own_skin.py moves skin in, so no edge of it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from celflow.generators.crop_fade import IntBox
from celflow.realtime.own_skin import AROUND, BELOW
from celflow.realtime.records import Box

LIFTED_TO = 50.0  # CIE L*: a face whose middle is darker than this is lifted until its middle reaches it
STRONGEST = 0.5  # the smallest gamma: a face is never lifted by more than a square root
GRID = 8  # px between the points the curve is worked out at
MIDDLE = (0.3, 0.25)  # half-width and half-height of a face box's middle, where its lightness is read, of its size

Run = Callable[[np.ndarray], tuple[np.ndarray, ...]]  # a crop → its painting first, then any masks

_LOG_LEVELS = np.log(np.maximum(np.arange(256, dtype=np.float32), 0.5) / 255).astype(np.float32)


@dataclass(frozen=True)
class Lift:
    """One dark face's lift: `gamma` over the face and neck, around `centre` (x, y), fading out to none at `half`
    (half-width, half-height) from it."""

    centre: tuple[float, float]
    half: tuple[float, float]
    gamma: float


def _grey_level(lightness: float) -> float:
    """The sRGB level (of 1) of a grey of CIE `lightness`."""
    return float(cv2.cvtColor(np.array([[[lightness, 0.0, 0.0]]], np.float32), cv2.COLOR_Lab2RGB)[0, 0, 0])


def face_lightness(rgb: np.ndarray, box: Box) -> float | None:
    """CIE L* (median) of the middle of face `box` on H×W×3 uint8 `rgb`: mostly cheeks and nose; None when the box
    lies off the picture."""
    x0, y0, x1, y1 = box
    centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
    half_x, half_y = MIDDLE[0] * (x1 - x0), MIDDLE[1] * (y1 - y0)
    rows = slice(max(int(centre_y - half_y), 0), max(int(np.ceil(centre_y + half_y)), 0))
    columns = slice(max(int(centre_x - half_x), 0), max(int(np.ceil(centre_x + half_x)), 0))
    middle = rgb[rows, columns]
    if middle.size == 0:
        return None
    return float(np.median(cv2.cvtColor(middle, cv2.COLOR_RGB2LAB)[..., 0])) * 100 / 255


def dark_faces(rgb: np.ndarray, boxes: Sequence[Box]) -> tuple[Lift, ...]:
    """The lift each face of `boxes` (x0, y0, x1, y1 on H×W×3 uint8 `rgb`) darker than LIFTED_TO needs."""
    lifts = []
    target = np.log(_grey_level(LIFTED_TO))
    for box in boxes:
        lightness = face_lightness(rgb, box)
        if lightness is None or lightness >= LIFTED_TO:
            continue
        gamma = max(target / np.log(max(_grey_level(lightness), 1e-3)), STRONGEST)
        x0, y0, x1, y1 = box
        width = max(x1 - x0, 1.0)
        centre = ((x0 + x1) / 2, (y0 + y1) / 2 + BELOW * width)
        lifts.append(Lift(centre, (AROUND[0] * width, AROUND[1] * width), float(gamma)))
    return tuple(lifts)


def gammas(lifts: Sequence[Lift], box: IntBox, shape: tuple[int, int]) -> tuple[slice, slice, np.ndarray] | None:
    """Where `lifts` reach on the crop `box` of the frame seen at `shape` (H, W; the crop may be scaled): the rows
    and columns there, and the gamma of each of those pixels (H'×W' float32); None when they reach none."""
    x0, y0, x1, y1 = box
    scale_x, scale_y = shape[1] / max(x1 - x0, 1), shape[0] / max(y1 - y0, 1)
    found = []
    for lift in lifts:
        centre = ((lift.centre[0] - x0) * scale_x, (lift.centre[1] - y0) * scale_y)
        half = (lift.half[0] * scale_x, lift.half[1] * scale_y)
        left, top = max(int(centre[0] - half[0]), 0), max(int(centre[1] - half[1]), 0)
        right = min(int(np.ceil(centre[0] + half[0])), shape[1])
        bottom = min(int(np.ceil(centre[1] + half[1])), shape[0])
        if right > left and bottom > top:
            found.append((lift, centre, half, (left, top, right, bottom)))
    if not found:
        return None
    left, top = min(f[3][0] for f in found), min(f[3][1] for f in found)
    right, bottom = max(f[3][2] for f in found), max(f[3][3] for f in found)
    # worked out every GRID pixels and scaled up: the curve is smooth, and per pixel it costs more than the lift
    height, width = bottom - top, right - left
    rows, columns = np.linspace(top, bottom, -(-height // GRID) + 1), np.linspace(left, right, -(-width // GRID) + 1)
    ys, xs = np.meshgrid(rows.astype(np.float32), columns.astype(np.float32), indexing="ij")
    curve = np.ones(ys.shape, np.float32)
    for lift, centre, half, _ in found:
        reach = np.hypot((xs - centre[0]) / half[0], (ys - centre[1]) / half[1])
        weight = np.clip(2.0 * (1.0 - reach), 0.0, 1.0)  # whole over the inner half, none at the edge
        np.minimum(curve, 1.0 + weight * (lift.gamma - 1.0), out=curve)
    return slice(top, bottom), slice(left, right), cv2.resize(curve, (width, height), interpolation=cv2.INTER_LINEAR)


def with_gammas(rgb: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """H×W×3 uint8 `rgb` with each pixel's levels raised to its power in `curve` (H×W float32)."""
    levels = cv2.LUT(rgb, _LOG_LEVELS)
    levels *= curve[..., None]
    return cv2.convertScaleAbs(cv2.exp(levels), alpha=255.0)


def lit(run: Run, lifts: Sequence[Lift], box: IntBox) -> Run:
    """`run` (the student on a crop of the frame, `box`, perhaps scaled) shown the crop with `lifts` applied, and
    its painting with them taken off again; `run` itself when there are none."""
    if not lifts:
        return run

    def run_lit(crop: np.ndarray) -> tuple[np.ndarray, ...]:
        reach = gammas(lifts, box, crop.shape[:2])
        if reach is None:
            return run(crop)
        rows, columns, curve = reach
        shown = crop.copy()
        shown[rows, columns] = with_gammas(crop[rows, columns], curve)
        painting, *masks = run(shown)
        painting = painting.copy()
        painting[rows, columns] = with_gammas(painting[rows, columns], 1.0 / curve)
        return (painting, *masks)

    return run_lit
