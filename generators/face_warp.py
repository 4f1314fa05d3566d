"""Warp real faces towards the character's proportions, driven by the 478-point face mesh.

Each landmark is given the position the character's geometry asks for (eyes with their lids and brows
scaled, jaw pulled in, chin lengthened, …); a thin-plate spline through all landmarks, pinned to zero on a
ring around the face, turns those moves into a smooth dense field. The field fades to nothing before the
ring, so hair, neck and background do not tear and pixels away from every face stay exactly as they were.
Moving whole regions consistently (not only the eye contour) is what makes a face mesh re-run on the warped
image see the new proportions.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from celflow.core.character import FaceGeometry
from celflow.generators.face_mesh import (
    CHIN,
    LEFT_EYE,
    LIPS_OUTER,
    NOSE,
    NOSE_TIP,
    RIGHT_EYE,
    Face,
)
from celflow.generators.smoothstep import smoothstep
from scipy.interpolate import RBFInterpolator

RING = 1.7  # fixed points on rings here and at WARP_REACH, in units of the face's half-size around its centre
WARP_REACH = 2.1  # between the rings the (already tiny) field fades to exactly zero
RING_POINTS = 48
GRID_STEP = 8  # px: the spline is evaluated every few pixels and interpolated: it is smooth at that scale,
GRID_NODES = 12  # and no finer than this many nodes across half a face (a big face in a frame costs no more)
EYE_REGION = 0.75  # eye and lids are scaled rigidly within this multiple of the eye's width; brows in the blend


class WarpOutOfRange(ValueError):
    """The warp would fold the image or move pixels further than allowed."""


def face_frame(face: Face) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centre, axes, half_size): the face's own frame, x from its right eye to its left, y down its midline."""
    across = face.eye_centre_and_width(LEFT_EYE)[0] - face.eye_centre_and_width(RIGHT_EYE)[0]
    x_axis = across / max(np.linalg.norm(across), 1e-6)
    axes = np.array([x_axis, [-x_axis[1], x_axis[0]]])
    points = face.points.astype(np.float64)
    centre = points.mean(0)
    local = (points - centre) @ axes.T
    half_size = np.maximum(np.ptp(local, 0) / 2, 1.0)
    return centre, axes, half_size


def _scale_around(local: np.ndarray, centre: np.ndarray, radius: float, scale: float) -> np.ndarray:
    """Scale points within `radius` of `centre` by `scale`, blending back to unchanged by an outer radius R.

    Between the two radii the new radius follows a cubic Hermite curve from (r, s·r) with slope s to (R, R)
    with slope 1. R is the smallest that keeps it monotonic (Fritsch–Carlson: R/r ≥ 2s/(3−s)), so the
    landmarks never swap order and neighbouring features (the other eye) are left alone where possible.
    """
    offset = local - centre
    distance = np.linalg.norm(offset, axis=1, keepdims=True)
    outer = 1.1 * max(1.5, 2 * scale / (3 - scale)) * radius
    span = outer - radius
    u = np.clip((distance - radius) / span, 0.0, 1.0)
    h00, h10, h01, h11 = 2 * u**3 - 3 * u**2 + 1, u**3 - 2 * u**2 + u, -2 * u**3 + 3 * u**2, u**3 - u**2
    blend = h00 * scale * radius + h10 * span * scale + h01 * outer + h11 * span
    new_distance = np.where(distance <= radius, scale * distance, np.where(distance < outer, blend, distance))
    return centre + offset * new_distance / np.maximum(distance, 1e-6)


def character_landmarks(face: Face, geometry: FaceGeometry) -> np.ndarray:
    """Where each of the 478 landmarks goes on the character's face (pixels, same order)."""
    centre, axes, half_size = face_frame(face)
    local = (face.points.astype(np.float64) - centre) @ axes.T
    moved = local.copy()
    eyes = []
    for contour in (RIGHT_EYE, LEFT_EYE):
        eye = local[list(contour)]
        eyes.append((eye.mean(0), float(np.ptp(eye[:, 0]))))
    spread = (geometry.eye_spacing - 1.0) * (eyes[1][0][0] - eyes[0][0][0]) / 2
    for side, (eye_centre, eye_width) in zip((-1.0, 1.0), eyes):
        radius = EYE_REGION * eye_width
        moved = _scale_around(moved, eye_centre, radius, geometry.eye_scale)
        distance = np.linalg.norm(local - eye_centre, axis=1)
        moved[:, 0] += side * spread * (1.0 - smoothstep((distance - radius) / radius))
    nose = local[list(NOSE)]
    moved = _scale_around(moved, nose.mean(0), float(np.ptp(nose[:, 0])) / 2, geometry.nose_scale)
    lips = local[list(LIPS_OUTER)]
    moved = _scale_around(moved, lips.mean(0), float(np.ptp(lips[:, 0])) / 2, geometry.mouth_scale)
    nose_y, mouth_y, chin_y = local[NOSE_TIP, 1], lips[:, 1].mean(), local[CHIN, 1]
    lower = smoothstep((local[:, 1] - nose_y) / max(mouth_y - nose_y, 1.0))
    moved[:, 0] *= geometry.face_width * (1.0 - geometry.jaw_narrowing * lower)
    chin = smoothstep((local[:, 1] - mouth_y) / max(chin_y - mouth_y, 1.0))
    moved[:, 1] += geometry.chin_length * 2 * half_size[1] * chin
    return centre + moved @ axes


@dataclass(frozen=True)
class FaceField:
    """One face's backward displacement in the face's own frame (centre at 0, x from its right eye to its left,
    in units of its larger half-size), sampled on a grid of `step` from `origin` in both directions.

    A thin-plate spline commutes with moving, turning and uniformly scaling the points it is fitted on, so this
    is the same field wherever the face sits in a picture, at any size or angle: a video reuses it for as long
    as the face keeps its expression (realtime/face_warps.py) instead of fitting it anew every frame."""

    targets: np.ndarray  # 478×2: where the landmarks went, in the face's own frame
    offsets: np.ndarray  # 478×2: the field there (back to where each landmark was found)
    slopes: np.ndarray  # 478×2×2: the field's Jacobian there, d offset / d position
    origin: float
    step: float
    shift: np.ndarray  # rows × columns × 2 float32, in the face's own units and axes


def _landmark_moves(face: Face, geometry: FaceGeometry) -> tuple[float, np.ndarray, np.ndarray]:
    """(unit, targets, offsets) in the face's own frame: where each landmark goes on the character's face, and
    the backward offset that brings it there (back to the landmark as found)."""
    centre, axes, unit, sources = own_frame(face)
    targets = (character_landmarks(face, geometry) - centre) @ axes.T / unit
    return unit, targets, sources - targets


def field_error_px(field: FaceField, face: Face, geometry: FaceGeometry) -> float:
    """How far (pixels) `field`, moved onto `face`, leaves the face's landmarks from where `geometry` puts them:
    nothing for the face it was fitted on, or that face moved, turned or scaled. Read to first order from the
    field's slopes at the landmarks: a landmark that moved a few pixels within the face finds the field there
    changed by its slope times the move (evaluating the spline itself at every landmark costs as much again)."""
    unit, targets, offsets = _landmark_moves(face, geometry)
    predicted = field.offsets + np.einsum("nij,nj->ni", field.slopes, targets - field.targets)
    return float(np.linalg.norm(predicted - offsets, axis=1).max() * unit)


def own_frame(face: Face) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """(centre, axes, unit, landmarks): the face's frame with one unit (its larger half-size) on both axes, and
    its 478 landmarks in that frame."""
    centre, axes, half_size = face_frame(face)
    unit = float(half_size.max())
    return centre, axes, unit, (face.points.astype(np.float64) - centre) @ axes.T / unit


def face_field(face: Face, geometry: FaceGeometry) -> FaceField:
    """The displacement that gives `face` the character's geometry, in the face's own frame: a thin-plate spline
    through the mesh's landmarks and their new places, pinned to zero on rings around the face, faded to nothing
    between the rings; evaluated on a grid of GRID_NODES per half-face (at least GRID_STEP px apart)."""
    unit, targets, offsets = _landmark_moves(face, geometry)
    half_size = face_frame(face)[2] / unit
    angles = np.linspace(0, 2 * np.pi, RING_POINTS, endpoint=False)
    circle = np.c_[np.cos(angles), np.sin(angles)]
    ring = np.vstack([RING * half_size * circle, WARP_REACH * half_size * circle])
    try:  # output position → how far away to sample
        spline = RBFInterpolator(
            np.vstack([targets, ring]), np.vstack([offsets, np.zeros_like(ring)]), kernel="thin_plate_spline"
        )
    except np.linalg.LinAlgError as error:
        raise WarpOutOfRange(f"thin-plate spline through the face mesh failed: {error}") from error
    step = max(1 / GRID_NODES, GRID_STEP / unit)
    nodes = np.arange(-WARP_REACH, WARP_REACH + step, step)
    gx, gy = np.meshgrid(nodes, nodes)
    grid = np.c_[gx.ravel(), gy.ravel()]
    fade = 1.0 - smoothstep((np.linalg.norm(grid / half_size, axis=1) - RING) / (WARP_REACH - RING))
    shift = np.zeros_like(grid)
    reached = fade > 0  # the spline is evaluated only where it moves anything: the grid's corners stay put
    shift[reached] = spline(grid[reached]) * fade[reached, None]
    shift = shift.reshape(*gx.shape, 2)
    # d shift_x / dx, d shift_x / dy, d shift_y / dx, d shift_y / dy on the grid, read at each landmark
    slopes = np.dstack([np.gradient(shift[..., c], step, axis=a) for c in (0, 1) for a in (1, 0)]).astype(np.float32)
    at = ((targets - nodes[0]) / step).astype(np.float32)[None]
    at_landmarks = cv2.remap(slopes, at[..., 0], at[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return FaceField(
        targets, offsets, at_landmarks.reshape(-1, 2, 2).astype(np.float64), float(nodes[0]), float(step),
        shift.astype(np.float32),
    )


def _face_displacement(face: Face, field: FaceField, shape: tuple[int, int]):
    """(x0, y0, dx, dy): the backward displacement of one face over its bounding region of the image, `field`
    moved, turned and scaled onto the face."""
    centre, axes, half_size = face_frame(face)
    unit = float(half_size.max())
    corners = centre + (WARP_REACH * half_size * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]])) @ axes
    height, width = shape
    x0, y0 = np.clip(np.floor(corners.min(0)).astype(int), 0, [width - 1, height - 1])
    x1, y1 = np.clip(np.ceil(corners.max(0)).astype(int) + 1, 1, [width, height])
    step = max(GRID_STEP, int(unit / GRID_NODES))
    gy, gx = np.mgrid[y0 : y1 + step : step, x0 : x1 + step : step].astype(np.float64)
    at = ((np.c_[gx.ravel(), gy.ravel()] - centre) @ axes.T / unit - field.origin) / field.step
    at = at.reshape(*gx.shape, 2).astype(np.float32)
    local = cv2.remap(field.shift, at[..., 0], at[..., 1], cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT)
    coarse = (local.reshape(-1, 2).astype(np.float64) * unit @ axes).reshape(local.shape).astype(np.float32)
    # Bilinear between grid nodes: node k sits exactly on pixel x0 + k·step.
    at_x, at_y = np.meshgrid(np.arange(x1 - x0, dtype=np.float32) / step, np.arange(y1 - y0, dtype=np.float32) / step)
    full = cv2.remap(coarse, at_x, at_y, interpolation=cv2.INTER_LINEAR)
    return x0, y0, full[..., 0], full[..., 1]


def _warp_window(shape: tuple[int, int], faces: list[Face], fields: list[FaceField]):
    """(x0, y0, map_x, map_y): the sampling positions over the smallest box that holds every face's reach; the
    field is exactly the identity outside it, so only this box is checked and resampled."""
    pieces = [_face_displacement(face, field, shape) for face, field in zip(faces, fields)]
    x0, y0 = min(p[0] for p in pieces), min(p[1] for p in pieces)
    x1, y1 = max(p[0] + p[2].shape[1] for p in pieces), max(p[1] + p[2].shape[0] for p in pieces)
    xs, ys = np.meshgrid(np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32))
    for left, top, dx, dy in pieces:
        xs[top - y0 : top - y0 + dx.shape[0], left - x0 : left - x0 + dx.shape[1]] += dx
        ys[top - y0 : top - y0 + dy.shape[0], left - x0 : left - x0 + dy.shape[1]] += dy
    return x0, y0, xs, ys


def character_warp_field(shape: tuple[int, int], faces: list[Face], geometry: FaceGeometry):
    """(map_x, map_y) float32 sampling positions for cv2.remap; exactly the identity away from every face."""
    height, width = shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    if faces:
        x0, y0, map_x, map_y = _warp_window(shape, faces, [face_field(face, geometry) for face in faces])
        xs[y0 : y0 + map_x.shape[0], x0 : x0 + map_x.shape[1]] = map_x
        ys[y0 : y0 + map_y.shape[0], x0 : x0 + map_y.shape[1]] = map_y
    return xs, ys


def _jacobian(map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
    """The field's Jacobian determinant at every pixel, as numpy.gradient's differences give it (central inside,
    one-sided along the edges), from OpenCV's filters: the run time checks a face's field on every frame, and
    numpy.gradient makes several full-size copies per call."""

    def slope(values: np.ndarray, along_x: bool) -> np.ndarray:
        dx, dy = (1, 0) if along_x else (0, 1)
        return cv2.Sobel(values, cv2.CV_32F, dx, dy, ksize=1, scale=0.5, borderType=cv2.BORDER_REPLICATE)

    x, y = map_x.astype(np.float32, copy=False), map_y.astype(np.float32, copy=False)
    jacobian = slope(x, True) * slope(y, False) - slope(x, False) * slope(y, True)
    # a replicated border halves the one-sided difference across each edge, and with it the determinant there
    jacobian[:, [0, -1]] *= 2
    jacobian[[0, -1], :] *= 2
    return jacobian


def fold_free_and_within(
    map_x: np.ndarray, map_y: np.ndarray, faces: list[Face], max_shift: float, origin: tuple[int, int] = (0, 0)
) -> None:
    """Raise WarpOutOfRange if the field folds (Jacobian ≤ 0) or moves a pixel more than max_shift × face width;
    `origin`: the image position (x, y) of the maps' first pixel."""
    jacobian = float(_jacobian(map_x, map_y).min())
    if jacobian <= 0.0:
        raise WarpOutOfRange(f"the warp folds the image (smallest Jacobian determinant {jacobian:.3f})")
    xs = np.arange(origin[0], origin[0] + map_x.shape[1], dtype=np.float32)
    ys = np.arange(origin[1], origin[1] + map_x.shape[0], dtype=np.float32)[:, None]
    shift = float(cv2.magnitude(map_x - xs, map_y - ys).max())
    limit = max_shift * min(face.width for face in faces)
    if shift > limit:
        raise WarpOutOfRange(f"the warp moves pixels {shift:.0f} px, more than {limit:.0f} px allowed")


def is_identity(geometry: FaceGeometry) -> bool:
    return geometry == FaceGeometry()


@dataclass(frozen=True)
class FaceWarp:
    """Where each pixel of the box (x0, y0, width, height of the maps) samples from to give some faces the
    character's proportions; the same warp applies to any picture of that size (at run time, the student's picture
    and the photo it is mixed with at a lower strength)."""

    x0: int
    y0: int
    map_x: np.ndarray
    map_y: np.ndarray

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        warped = rgb.copy()
        warped[self.y0 : self.y0 + self.map_x.shape[0], self.x0 : self.x0 + self.map_x.shape[1]] = cv2.remap(
            rgb, self.map_x, self.map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101
        )
        return warped


def character_warp(
    shape: tuple[int, int],
    faces: list[Face],
    geometry: FaceGeometry,
    max_shift: float = 1.0,
    fields: list[FaceField] | None = None,
) -> FaceWarp | None:
    """The warp giving every face of a picture of `shape` the character's geometry; None when it moves nothing.

    `fields`: each face's field when known (fitted on an earlier frame, see FaceField); else fitted here.
    Raises WarpOutOfRange when the field would fold or shift further than max_shift × the narrowest face.
    Only the box the faces' warp reaches is checked and resampled (a frame at run time is mostly not face).
    """
    if not faces or is_identity(geometry):
        return None
    fields = fields if fields is not None else [face_field(face, geometry) for face in faces]
    x0, y0, map_x, map_y = _warp_window(shape, faces, fields)
    fold_free_and_within(map_x, map_y, faces, max_shift, origin=(x0, y0))
    return FaceWarp(int(x0), int(y0), map_x, map_y)


def warp_face_to_character(
    rgb: np.ndarray, faces: list[Face], geometry: FaceGeometry, max_shift: float = 1.0
) -> np.ndarray:
    """Apply the character's face geometry to every face in an H×W×3 uint8 image; exact no-op for identity.

    Raises WarpOutOfRange when the field would fold or shift further than max_shift × the narrowest face.
    """
    warp = character_warp(rgb.shape[:2], faces, geometry, max_shift)
    return rgb.copy() if warp is None else warp(rgb)
