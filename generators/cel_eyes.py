"""Webtoon eyes for the procedural teacher: a white eye, the person's own iris colour with a pupil and a
highlight, a heavy upper lid and a light lower one.

Cel shading alone flattens a small eye (a few pixels of shadowed, greyish white) into the skin's shadow tone,
so eyes came out as brown blobs. Drawn from the face mesh's eye contour and iris landmarks instead, they stay
legible at any face size, and the face warp then enlarges them like the rest of the eye region. Written by
hand: no maintained library draws cartoon eyes from face landmarks.
"""

from __future__ import annotations

import cv2
import numpy as np
from celflow.generators.face_mesh import (
    LEFT_EYE,
    LEFT_IRIS,
    RIGHT_EYE,
    RIGHT_IRIS,
    Face,
)
from celflow.generators.face_lines import face_line_px
from celflow.generators.skin_tone import cheek_mask
from celflow.generators.strokes import spline_through, stroke_coverage, taper

SCLERA_RGB = np.array([246, 243, 236], np.float32)  # paper white, a touch warm
HIGHLIGHT_RGB = np.array([255, 255, 255], np.float32)
IRIS_INK_SHARE = 0.25  # the iris keeps the photo's own iris colour, pulled this far towards the ink
PUPIL = 0.45  # pupil radius, as a share of the iris radius
HIGHLIGHT = (0.28, -0.3, -0.35)  # highlight radius and offset (x, y), as shares of the iris radius
UPPER_LID_WIDTH = 1.2  # the upper lid is the eye's heaviest line, in line widths
LOWER_LID_WIDTH = 0.6
LOWER_LID_INK = 0.5
MIN_OPENING_PX = 2.0  # a lid opening lower than this is a closed eye: left as the teacher drew it
SUBPIXEL_BITS = 3  # landmarks are fractional: draw at 1/8 pixel so small eyes keep their shape
HIDDEN_EYES = 0.3  # both eyes' brightest tenth darker than this share of the cheeks' lightness: no eye white shows


def _coverage(shape: tuple[int, int], draw) -> np.ndarray:
    """H×W float32 in [0, 1]: what `draw(canvas, points_to_int)` paints, anti-aliased."""
    canvas = np.zeros(shape, np.uint8)
    draw(canvas, lambda points: np.round(np.asarray(points) * (1 << SUBPIXEL_BITS)).astype(np.int32))
    return canvas.astype(np.float32) / 255


def _disc(shape: tuple[int, int], centre: np.ndarray, radius: float) -> np.ndarray:
    radius_fixed = int(round(radius * (1 << SUBPIXEL_BITS)))
    return _coverage(
        shape, lambda c, p: cv2.circle(c, tuple(p(centre)), radius_fixed, 255, -1, cv2.LINE_AA, SUBPIXEL_BITS)
    )


def _blend(image: np.ndarray, colour: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    return image * (1 - alpha[..., None]) + colour * alpha[..., None]


def lids(opening: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(upper, lower) lid curves, each from the eye's leftmost corner to its rightmost, from the mesh contour
    (which runs corner, along one lid, corner, back along the other)."""
    half = len(opening) // 2
    first, second = opening[: half + 1], np.vstack([opening[half:], opening[:1]])
    upper, lower = (first, second) if first[:, 1].mean() < second[:, 1].mean() else (second, first)
    return (upper if upper[0, 0] < upper[-1, 0] else upper[::-1]), (
        lower if lower[0, 0] < lower[-1, 0] else lower[::-1]
    )


def draw_eye(
    stylised: np.ndarray, photo: np.ndarray, opening: np.ndarray, iris: np.ndarray, ink: np.ndarray, line_px: float
) -> np.ndarray:
    """One eye onto float32 `stylised`: sclera, the photo's iris colour with a pupil and a highlight, all clipped
    to the opening, a heavy tapered upper lid and a light lower lid."""
    shape = stylised.shape[:2]
    fill = _coverage(shape, lambda c, p: cv2.fillPoly(c, [p(opening)], 255, cv2.LINE_AA, SUBPIXEL_BITS))
    centre, radius = iris[0], float(np.linalg.norm(iris[1:] - iris[0], axis=1).mean())
    iris_alpha = fill * _disc(shape, centre, radius)
    inside = iris_alpha > 0.5
    photo_iris = photo[inside].astype(np.float32).mean(0) if inside.any() else ink
    iris_rgb = IRIS_INK_SHARE * ink + (1 - IRIS_INK_SHARE) * photo_iris
    pupil = fill * _disc(shape, centre, PUPIL * radius)
    size, dx, dy = HIGHLIGHT
    highlight = fill * _disc(shape, centre + radius * np.array([dx, dy]), size * radius)
    upper, lower = lids(opening)
    upper_curve, lower_curve = spline_through(upper), spline_through(lower)
    upper_lid = stroke_coverage(shape, [(upper_curve, UPPER_LID_WIDTH * line_px * taper(len(upper_curve), 0.5, 0.5))])
    lower_lid = stroke_coverage(shape, [(lower_curve, LOWER_LID_WIDTH * line_px * taper(len(lower_curve), 0.1, 0.1))])
    drawn = _blend(_blend(stylised, SCLERA_RGB, fill), iris_rgb, iris_alpha)
    drawn = _blend(_blend(drawn, ink, pupil), HIGHLIGHT_RGB, highlight)
    return _blend(_blend(drawn, ink, lower_lid * LOWER_LID_INK), ink, upper_lid)


def eyes_hidden(photo: np.ndarray, face: Face) -> bool:
    """True when neither eye opening shows any white: dark glasses, or eyes squeezed shut in a laugh. The mesh
    still places eyes there, and webtoon eyes drawn on them would sit on the lenses or prise the lids open, so
    such a face keeps its own eyes. Read on the face's box only (this runs on every video frame)."""
    x0, y0 = np.maximum(np.floor(face.points.min(0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(face.points.max(0)).astype(int) + 1, photo.shape[1::-1])
    if x1 <= x0 or y1 <= y0:
        return False
    lightness = cv2.cvtColor(photo[y0:y1, x0:x1].astype(np.float32) / 255, cv2.COLOR_RGB2Lab)[..., 0]
    points = face.points - np.array([x0, y0], np.float32)
    cheeks = cheek_mask(lightness.shape, points)
    brightest = []
    for contour in (RIGHT_EYE, LEFT_EYE):
        opening = np.zeros(lightness.shape, np.uint8)
        cv2.fillPoly(opening, [np.round(points[list(contour)]).astype(np.int32)], 1)
        if opening.any():
            brightest.append(np.percentile(lightness[opening > 0], 90))
    if not brightest or not cheeks.any():
        return False
    return max(brightest) < HIDDEN_EYES * float(np.median(lightness[cheeks]))


def draw_cel_eyes(
    stylised: np.ndarray, photo: np.ndarray, faces: list[Face], ink_rgb: np.ndarray, line_weight: float
) -> np.ndarray:
    """Every open eye of every face drawn webtoon-style onto the teacher's H×W×3 uint8 output, but not the eyes
    of a face whose eyes `photo` does not show (eyes_hidden); pixels away from the eyes are returned unchanged.
    `line_weight` is in pixels at 512 px, like the teacher's ink (thinner on a small face: face_line_px)."""
    out = stylised.copy()
    ink = np.asarray(ink_rgb, np.float32)
    height, width = photo.shape[:2]
    for face in faces:
        if eyes_hidden(photo, face):
            continue
        line_px = face_line_px(line_weight, photo.shape, face)
        for contour, iris in ((RIGHT_EYE, RIGHT_IRIS), (LEFT_EYE, LEFT_IRIS)):
            opening = face.points[list(contour)]
            if np.ptp(opening[:, 1]) < MIN_OPENING_PX:
                continue
            # drawn in the eye's own box (the lid line reaches line_px beyond the contour): whole-frame
            # canvases made this stage cost a quarter of the teacher's time at 512 px
            x0, y0 = np.maximum(np.floor(opening.min(0)).astype(int) - int(np.ceil(UPPER_LID_WIDTH * line_px)) - 2, 0)
            x1, y1 = np.minimum(
                np.ceil(opening.max(0)).astype(int) + int(np.ceil(UPPER_LID_WIDTH * line_px)) + 3, (width, height)
            )
            if x1 <= x0 or y1 <= y0:
                continue
            corner = np.array([x0, y0], np.float32)
            eye = draw_eye(
                out[y0:y1, x0:x1].astype(np.float32),
                photo[y0:y1, x0:x1],
                opening - corner,
                face.points[list(iris)] - corner,
                ink,
                line_px,
            )
            out[y0:y1, x0:x1] = np.clip(np.round(eye), 0, 255).astype(np.uint8)
    return out
