"""Dark faces shown to the student lifted, and the lift taken off its picture: the features of dark skin kept.

The student is a small network trained with pixel losses; a face whose skin is dark (or in shade, or shot in a dim
room) carries its features — the nose's ridge, the cheekbones' light, the creases of a smile — in a few levels
of a dark range, and the network paints them over as one dark flat patch: the face no longer reads as its person
(README, student section). The teacher keeps them, since it bands each person's skin in their own distribution.
So before the network paints, each dark face's skin (face, ears and neck, found by its colour) is lifted by a gamma
curve that brings the middle of its face to LIFTED_TO, and the inverse curve is applied to what the network
painted there: the network sees the face as it sees a mid-toned one, and the picture keeps the person's own skin
(the curve and its inverse cancel wherever the network keeps a colour), now with the features drawn.

A gamma curve rather than a gain: it lifts the dark range and leaves white white, so a white collar or a lit
cheek is not clipped, and it is undone exactly. The lift follows the skin weight realtime/own_skin.py moves skin
by (soft, holes such as highlights closed, fading out over an ellipse around face and neck), so no edge of it
shows, and a dark suit or hair beside the face is painted as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from celflow.generators.crop_fade import IntBox
from celflow.generators.palette import rgb_to_cie_lab
from celflow.realtime.own_skin import skin_region, skin_weight
from celflow.realtime.records import Box

LIFTED_TO = 50.0  # CIE L*: a face whose middle is darker than this is lifted until its middle reaches it
STRONGEST = 0.5  # the smallest gamma: a face is never lifted by more than a square root
MIDDLE = (0.3, 0.25)  # half-width and half-height of a face box's middle, where its lightness is read, of its size

Run = Callable[[np.ndarray], tuple[np.ndarray, ...]]  # a crop → its painting first, then any masks

_LOG_LEVELS = np.log(np.maximum(np.arange(256, dtype=np.float32), 0.5) / 255).astype(np.float32)


@dataclass(frozen=True)
class Lift:
    """One dark face's lift: `gamma` over the face's own skin, `weight` (float32, 0..1, at any size) saying how far
    each pixel of `region` (x0, y0, x1, y1 on the frame) is that skin."""

    region: IntBox
    weight: np.ndarray
    gamma: float


def _grey_level(lightness: float) -> float:
    """The sRGB level (of 1) of a grey of CIE `lightness`."""
    return float(cv2.cvtColor(np.array([[[lightness, 0.0, 0.0]]], np.float32), cv2.COLOR_Lab2RGB)[0, 0, 0])


def _middle(rgb: np.ndarray, box: Box) -> np.ndarray:
    """The middle of face `box` on `rgb` (mostly cheeks and nose), empty when the box lies off the picture."""
    x0, y0, x1, y1 = box
    centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
    half_x, half_y = MIDDLE[0] * (x1 - x0), MIDDLE[1] * (y1 - y0)
    rows = slice(max(int(centre_y - half_y), 0), max(int(np.ceil(centre_y + half_y)), 0))
    columns = slice(max(int(centre_x - half_x), 0), max(int(np.ceil(centre_x + half_x)), 0))
    return rgb[rows, columns]


def face_lightness(rgb: np.ndarray, box: Box) -> float | None:
    """CIE L* (median) of the middle of face `box` on H×W×3 uint8 `rgb`; None when the box lies off the picture."""
    middle = _middle(rgb, box)
    return None if middle.size == 0 else float(np.median(rgb_to_cie_lab(middle)[..., 0]))


def dark_faces(rgb: np.ndarray, boxes: Sequence[Box]) -> tuple[Lift, ...]:
    """The lift each face of `boxes` (x0, y0, x1, y1 on H×W×3 uint8 `rgb`) darker than LIFTED_TO needs, over its own
    skin: pixels near its middle's colour around face and neck (realtime/own_skin.py's weight). Only the skin: a
    dark suit or dark hair lifted comes back from the network darker and bluer than the teacher draws it."""
    lifts = []
    target = np.log(_grey_level(LIFTED_TO))
    for box in boxes:
        middle = _middle(rgb, box)
        if middle.size == 0:
            continue
        own = np.median(rgb_to_cie_lab(middle).reshape(-1, 3), axis=0)
        if own[0] >= LIFTED_TO:
            continue
        gamma = max(target / np.log(max(_grey_level(float(own[0])), 1e-3)), STRONGEST)
        x0, y0, x1, y1 = box
        width = max(x1 - x0, 1.0)
        centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2], np.float32)
        rows, columns = skin_region(centre, width, rgb.shape[:2])
        if rows.stop <= rows.start or columns.stop <= columns.start:
            continue
        weight = skin_weight(rgb, centre, width, own, rows, columns)
        lifts.append(Lift((columns.start, rows.start, columns.stop, rows.stop), weight, float(gamma)))
    return tuple(lifts)


def gammas(lifts: Sequence[Lift], box: IntBox, shape: tuple[int, int]) -> tuple[slice, slice, np.ndarray] | None:
    """Where `lifts` reach on the crop `box` of the frame seen at `shape` (H, W; the crop may be scaled): the rows
    and columns there, and the gamma of each of those pixels (H'×W' float32); None when they reach none."""
    x0, y0, x1, y1 = box
    scale_x, scale_y = shape[1] / max(x1 - x0, 1), shape[0] / max(y1 - y0, 1)
    curve = None
    reached = [shape[1], shape[0], 0, 0]  # left, top, right, bottom of what the lifts reach
    for lift in lifts:
        left, top, right, bottom = lift.region
        at = (round((left - x0) * scale_x), round((top - y0) * scale_y))
        size = (round((right - x0) * scale_x) - at[0], round((bottom - y0) * scale_y) - at[1])
        if size[0] <= 0 or size[1] <= 0:
            continue
        weight = cv2.resize(lift.weight, size, interpolation=cv2.INTER_LINEAR)
        # the part of the lift's region inside the crop
        u0, v0 = max(-at[0], 0), max(-at[1], 0)
        u1, v1 = min(size[0], shape[1] - at[0]), min(size[1], shape[0] - at[1])
        if u1 <= u0 or v1 <= v0:
            continue
        if curve is None:
            curve = np.ones(shape, np.float32)
        part = np.s_[at[1] + v0 : at[1] + v1, at[0] + u0 : at[0] + u1]
        np.minimum(curve[part], 1.0 + weight[v0:v1, u0:u1] * (lift.gamma - 1.0), out=curve[part])
        reached = [
            min(reached[0], at[0] + u0), min(reached[1], at[1] + v0),
            max(reached[2], at[0] + u1), max(reached[3], at[1] + v1),
        ]
    if curve is None:
        return None
    rows, columns = slice(reached[1], reached[3]), slice(reached[0], reached[2])
    return rows, columns, curve[rows, columns]


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
