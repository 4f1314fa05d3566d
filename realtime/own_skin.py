"""The person's own skin at run time: where the student paints a face's skin off the colour its teacher paints
it, the run time moves that skin back, all but a small tolerance.

The teacher paints each person's skin in their own colours, read on their cheeks and tinted as the pack says
(generators/skin.py): drawing a dark-skinned person lighter is the whitewashing celflow exists to avoid. A small
network fine-tuned on a character's pairs of a few people learns that only as far as those people show it: for a
character that draws everything but the skin in greys, a student free to move learnt to grey and lighten the
faces of people it never saw, and even one anchored to the base student drifts (README, student section). The
frame and the face mesh the line art is drawn from say what the teacher would paint, so the run time reads the
cheeks of the frame and of the student's picture and, where they are further apart than TOLERANCE, shifts the
picture's skin by the excess. The skin is found on the frame, not on the picture (whose skin may have become the
grey of a collar): pixels near the cheeks' own colour, around the face.

A constant shift in CIE Lab keeps the student's bands and shading; a student that keeps the skin is drawn as it
painted. The tolerance is small: near L* 50 a few units of L* are several degrees of ITA, and a student fine-tuned
on a few people can drift that far on faces it never saw.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from celflow.core.character import SkinTone
from celflow.generators.face_mesh import LEFT_CHEEK, RIGHT_CHEEK, Face
from celflow.generators.palette import rgb_to_cie_lab
from celflow.generators.skin import tint_shift, tone_lab
from celflow.generators.skin_tone import MIN_CHEEK_PIXELS, cheek_mask
from celflow.generators.smoothstep import smoothstep

TOLERANCE = 1.5  # CIE Lab distance a student's cheeks may lie from the teacher's target before they are moved
CHROMA_REACH = 16.0  # a*b* distance from the frame's cheeks at which a pixel stops counting as their skin
LIGHTNESS_REACH = 40.0  # L* distance likewise: the skin's shadows and highlights are far lighter and darker
AROUND = (1.2, 1.6)  # half-width and half-height of the region around a face, in face widths: ears and neck
SOFTNESS = 0.02  # face widths: the blur of the skin's weight
WORK_FACE_PX = 32  # the skin's weight is worked out with the face this wide
HOLES = 0.25  # face widths: the widest patch inside the skin (a highlight) that counts as skin
BELOW = 0.4  # the region's centre sits this many face widths under the face's: the neck, not the hair
CHEEKS = (*RIGHT_CHEEK, *LEFT_CHEEK)
LAB8 = np.array([255 / 100, 1.0, 1.0], np.float32)  # CIE Lab units → OpenCV's 8-bit Lab


def skin_target(photo_cheeks: np.ndarray, skin: SkinTone) -> np.ndarray:
    """The Lab colour the teacher paints cheeks of colour `photo_cheeks`: their own, tinted as `skin` says."""
    shift = tint_shift(photo_cheeks.astype(np.float32), tone_lab(skin.tone), skin.tint, skin.tint_lightness)
    return photo_cheeks + shift


def excess(painted: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The Lab shift that brings `painted` to within TOLERANCE of `target` (zero when it already is)."""
    difference = target - painted
    distance = float(np.linalg.norm(difference))
    if distance <= TOLERANCE:
        return np.zeros(3, np.float32)
    return (difference * (1 - TOLERANCE / distance)).astype(np.float32)


def _cheeks(face: Face, shape: tuple[int, int]) -> tuple[slice, slice, np.ndarray] | None:
    """The box around `face`'s cheeks and, inside it, both cheek polygons (skin_tone's, where skin tone is read);
    None when they cover fewer than MIN_CHEEK_PIXELS. Drawn in the box alone: on a whole frame the masks cost
    more than the rest of this step."""
    points = face.points[list(CHEEKS)]
    x0, y0 = np.maximum(np.floor(points.min(0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(points.max(0)).astype(int) + 1, (shape[1], shape[0]))
    if x1 <= x0 or y1 <= y0:
        return None
    mask = cheek_mask((y1 - y0, x1 - x0), face.points - (x0, y0))
    return (slice(y0, y1), slice(x0, x1), mask) if mask.sum() >= MIN_CHEEK_PIXELS else None


def _median_lab(rgb: np.ndarray, cheeks: tuple[slice, slice, np.ndarray]) -> np.ndarray:
    rows, columns, mask = cheeks
    return np.median(rgb_to_cie_lab(rgb[rows, columns][mask][None]), axis=1)[0]


def skin_region(centre: np.ndarray, width: float, shape: tuple[int, int]) -> tuple[slice, slice]:
    """The box around a face (its `centre`, x y, and `width`) its skin is looked for in: face, ears and neck."""
    centre = centre + (0.0, BELOW * width)
    half = np.array(AROUND) * width
    x0, y0 = np.maximum(np.floor(centre - half).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(centre + half).astype(int) + 1, (shape[1], shape[0]))
    return slice(y0, y1), slice(x0, x1)


def skin_weight(
    photo: np.ndarray, centre: np.ndarray, face_width: float, own: np.ndarray, rows: slice, columns: slice
) -> np.ndarray:
    """H×W float32 over the box: how far each pixel is the skin of the face at `centre` (x y), `face_width` wide,
    read on the photo near its cheeks' colour `own` (CIE Lab), falling to 0 at the box's edge (an ellipse). Worked
    out with the face WORK_FACE_PX wide and scaled back: a weight this smooth needs no more, and the closing's wide
    kernel costs many times that at full size."""
    height, width = rows.stop - rows.start, columns.stop - columns.start
    scale = min(1.0, WORK_FACE_PX / face_width)
    small = (max(round(width * scale), 1), max(round(height * scale), 1))
    lab = rgb_to_cie_lab(cv2.resize(photo[rows, columns], small, interpolation=cv2.INTER_AREA))
    weight = _like(np.hypot(lab[..., 1] - own[1], lab[..., 2] - own[2]), CHROMA_REACH)
    weight *= _like(np.abs(lab[..., 0] - own[0]), LIGHTNESS_REACH)
    # a highlight on the skin is as pale as a white shirt, but the skin surrounds it: close such holes
    size = face_width * scale
    hole = max(int(HOLES * size) | 1, 3)
    weight = cv2.morphologyEx(weight, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (hole, hole)))
    weight = cv2.GaussianBlur(weight, (0, 0), SOFTNESS * size)  # the photo's grain is not the skin's edge
    centre = (centre + (0.0, BELOW * face_width) - (columns.start, rows.start)) * scale
    half = np.array(AROUND) * size
    ys, xs = np.mgrid[0 : small[1], 0 : small[0]].astype(np.float32)
    reach = np.hypot((xs - centre[0]) / half[0], (ys - centre[1]) / half[1])
    weight *= np.clip(2.0 * (1.0 - reach), 0.0, 1.0)
    return cv2.resize(weight.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)


def _like(distance: np.ndarray, reach: float) -> np.ndarray:
    """1 up to half of `reach` from the cheeks' colour, 0 beyond it, smooth between: the whole skin moves by one
    shift, its bands and shading kept."""
    return smoothstep(2.0 * (reach - distance) / reach)


def keep_own_skin(
    canvas: np.ndarray,
    photo: np.ndarray,
    faces: Sequence[Face],
    skin: SkinTone,
    within: Sequence[np.ndarray] = (),
) -> np.ndarray:
    """H×W×3 uint8 `canvas` (the student's picture of `photo`, aligned with it) with each of `faces`' skin moved to
    within TOLERANCE of the colour its teacher paints it (`skin`); only as far as each of `within` (H×W, bool or
    0..1) says: the part of the frame that was stylized."""
    out = canvas
    for face in faces:
        cheeks = _cheeks(face, photo.shape[:2])
        if cheeks is None:  # too small a face to read, or to have drifted visibly either
            continue
        own, painted = _median_lab(photo, cheeks), _median_lab(out, cheeks)
        shift = excess(painted, skin_target(own, skin))
        if not shift.any():
            continue
        centre = face.points.mean(0)
        rows, columns = skin_region(centre, face.width, photo.shape[:2])
        weight = skin_weight(photo, centre, face.width, own, rows, columns)
        for mask in within:
            weight *= mask[rows, columns]
        if out is canvas:
            out = canvas.copy()
        window = out[rows, columns]
        # the whole shift in OpenCV's 8-bit Lab (L* scaled to 0..255), then blended in by the weight
        lab = cv2.add(cv2.cvtColor(window, cv2.COLOR_RGB2LAB), (*(float(v) for v in shift * LAB8), 0.0))
        moved = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
        window[:] = cv2.blendLinear(moved, window, weight, 1.0 - weight)
    return out
