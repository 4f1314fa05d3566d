"""Warp real faces towards the character's proportions (bigger eyes, narrower jaw), driven by the face mesh.

The warp is a backward displacement field (output pixel → where to sample in the input), built as a sum of
local deformations that each fall smoothly to zero, so hair, neck and background do not tear and pixels
away from every face are left exactly as they were. Written by hand: no maintained library offers a
landmark-driven, fold-free local face warp.
"""

from __future__ import annotations

import cv2
import numpy as np

from celflow.character import FaceGeometry
from celflow.generators.face_mesh import CHIN, LEFT_EYE, NOSE_TIP, RIGHT_EYE, Face

EYE_RADIUS_PER_WIDTH = 0.6  # the uniformly scaled disc: the eye and a thin rim around it
EYE_OUTER_RADIUS = 2.5  # the scaling has faded out at this multiple of the eye disc's radius
JAW_FALLOFF = 0.8  # the jaw pull fades to zero over this share of the face's half-size beyond its oval


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def eye_enlargement(xs: np.ndarray, ys: np.ndarray, centre: np.ndarray, eye_radius: float, scale: float):
    """Displacement scaling a disc of `eye_radius` uniformly by `scale`, blending back to none by the outer radius.

    Between the two radii the sampling radius follows a cubic Hermite curve from (r_e, r_e/scale) with slope
    1/scale to (R, R) with slope 1; for scale in 0.8–2 and R = 2.5·r_e it is monotonic (Fritsch–Carlson),
    so the warp never folds.
    """
    outer = EYE_OUTER_RADIUS * eye_radius
    ox, oy = xs - centre[0], ys - centre[1]
    radius = np.sqrt(ox * ox + oy * oy)
    span = outer - eye_radius
    u = np.clip((radius - eye_radius) / span, 0.0, 1.0)
    h00, h10, h01, h11 = 2 * u**3 - 3 * u**2 + 1, u**3 - 2 * u**2 + u, -2 * u**3 + 3 * u**2, u**3 - u**2
    blend = h00 * eye_radius / scale + h10 * span / scale + h01 * outer + h11 * span
    source_radius = np.where(radius <= eye_radius, radius / scale, np.where(radius < outer, blend, radius))
    gain = source_radius / np.maximum(radius, 1e-6) - 1.0
    return ox * gain, oy * gain


def jaw_narrowing(xs: np.ndarray, ys: np.ndarray, face: Face, amount: float):
    """Displacement pulling the lower face towards its midline by `amount` of its half-width.

    The pull grows from the nose down to the chin and fades out beyond the face oval; its slope stays below
    1.5·amount/JAW_FALLOFF < 1, which keeps the Jacobian positive (no folds).
    """
    x0, y0, x1, y1 = face.box
    half_w, half_h = (x1 - x0) / 2, (y1 - y0) / 2
    midline = (face.points[NOSE_TIP, 0] + face.points[CHIN, 0]) / 2
    nose_y, chin_y = face.points[NOSE_TIP, 1], face.points[CHIN, 1]
    lower_face = _smoothstep((ys - nose_y) / max(0.5 * (chin_y - nose_y), 1.0))  # full from the mouth down
    oval_distance = np.sqrt(((xs - (x0 + x1) / 2) / half_w) ** 2 + ((ys - (y0 + y1) / 2) / half_h) ** 2)
    inside = 1.0 - _smoothstep((oval_distance - 1.0) / JAW_FALLOFF)
    offset = np.clip((xs - midline) / half_w, -1.0, 1.0)
    return amount * half_w * offset * lower_face * inside, np.zeros_like(xs)


def character_warp_field(shape: tuple[int, int], faces: list[Face], geometry: FaceGeometry):
    """(map_x, map_y) float32 sampling positions for cv2.remap; identity where no face is near."""
    height, width = shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    dx, dy = np.zeros_like(xs), np.zeros_like(ys)
    for face in faces:
        if geometry.eye_scale != 1.0:
            for contour in (RIGHT_EYE, LEFT_EYE):
                centre, eye_width = face.eye_centre_and_width(contour)
                ex, ey = eye_enlargement(xs, ys, centre, EYE_RADIUS_PER_WIDTH * eye_width, geometry.eye_scale)
                dx += ex
                dy += ey
        if geometry.jaw_narrowing > 0.0:
            jx, jy = jaw_narrowing(xs, ys, face, geometry.jaw_narrowing)
            dx += jx
            dy += jy
    return (xs + dx).astype(np.float32), (ys + dy).astype(np.float32)


def is_identity(geometry: FaceGeometry) -> bool:
    return geometry.eye_scale == 1.0 and geometry.jaw_narrowing == 0.0


def warp_face_to_character(rgb: np.ndarray, faces: list[Face], geometry: FaceGeometry) -> np.ndarray:
    """Apply the character's face geometry to every face in an H×W×3 uint8 image; exact no-op for identity."""
    if not faces or is_identity(geometry):
        return rgb.copy()
    map_x, map_y = character_warp_field(rgb.shape[:2], faces, geometry)
    return cv2.remap(rgb, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
