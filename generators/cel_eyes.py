"""Webtoon eyes for the procedural teacher: a white eye and a dark iris inside an inked lid line.

Cel shading alone flattens a small eye (a few pixels of shadowed, greyish white) into the skin's shadow tone,
so eyes came out as brown blobs. Drawn from the face mesh's eye contour and iris landmarks instead, they stay
legible at any face size, and the face warp then enlarges them like the rest of the eye region. Written by
hand: no maintained library draws cartoon eyes from face landmarks.
"""

from __future__ import annotations

import cv2
import numpy as np

from celflow.generators.face_mesh import LEFT_EYE, LEFT_IRIS, RIGHT_EYE, RIGHT_IRIS, Face

SCLERA_RGB = np.array([246, 243, 236], np.float32)  # paper white, a touch warm
IRIS_INK_SHARE = 0.6  # the iris is the photo's iris colour pulled this far towards the ink
MIN_OPENING_PX = 2.0  # a lid opening lower than this is a closed eye: left as the teacher drew it
SUBPIXEL_BITS = 3  # landmarks are fractional: draw at 1/8 pixel so small eyes keep their shape


def _coverage(shape: tuple[int, int], draw) -> np.ndarray:
    """H×W float32 in [0, 1]: what `draw(canvas, points_to_int)` paints, anti-aliased."""
    canvas = np.zeros(shape, np.uint8)
    draw(canvas, lambda points: np.round(np.asarray(points) * (1 << SUBPIXEL_BITS)).astype(np.int32))
    return canvas.astype(np.float32) / 255


def _blend(image: np.ndarray, colour: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    return image * (1 - alpha[..., None]) + colour * alpha[..., None]


def draw_eye(
    stylised: np.ndarray, photo: np.ndarray, opening: np.ndarray, iris: np.ndarray, ink: np.ndarray, line_px: int
) -> np.ndarray:
    """One eye onto float32 `stylised`: sclera fill, iris disc clipped to the opening, lid line around it."""
    shape = stylised.shape[:2]
    fill = _coverage(shape, lambda c, p: cv2.fillPoly(c, [p(opening)], 255, cv2.LINE_AA, SUBPIXEL_BITS))
    centre, radius = iris[0], float(np.linalg.norm(iris[1:] - iris[0], axis=1).mean())
    radius_fixed = int(radius * (1 << SUBPIXEL_BITS))
    disc = _coverage(shape, lambda c, p: cv2.circle(c, tuple(p(centre)), radius_fixed, 255, -1, cv2.LINE_AA, SUBPIXEL_BITS))
    iris_alpha = fill * disc
    inside = iris_alpha > 0.5
    photo_iris = photo[inside].astype(np.float32).mean(0) if inside.any() else ink
    iris_rgb = IRIS_INK_SHARE * ink + (1 - IRIS_INK_SHARE) * photo_iris
    lid = _coverage(shape, lambda c, p: cv2.polylines(c, [p(opening)], True, 255, line_px, cv2.LINE_AA, SUBPIXEL_BITS))
    drawn = _blend(_blend(stylised, SCLERA_RGB, fill), iris_rgb, iris_alpha)
    return _blend(drawn, ink, lid)


def draw_cel_eyes(
    stylised: np.ndarray, photo: np.ndarray, faces: list[Face], ink_rgb: np.ndarray, line_weight: float
) -> np.ndarray:
    """Every open eye of every face drawn webtoon-style onto the teacher's H×W×3 uint8 output; pixels away
    from the eyes are returned unchanged. `line_weight` is in pixels at 512 px, like the teacher's ink."""
    line_px = max(1, round(line_weight * max(photo.shape[:2]) / 512))
    out = stylised.astype(np.float32)
    ink = np.asarray(ink_rgb, np.float32)
    height, width = photo.shape[:2]
    for face in faces:
        for contour, iris in ((RIGHT_EYE, RIGHT_IRIS), (LEFT_EYE, LEFT_IRIS)):
            opening = face.points[list(contour)]
            if np.ptp(opening[:, 1]) < MIN_OPENING_PX:
                continue
            # drawn in the eye's own box (the lid line reaches line_px beyond the contour): whole-frame
            # canvases made this stage cost a quarter of the teacher's time at 512 px
            x0, y0 = np.maximum(np.floor(opening.min(0)).astype(int) - line_px - 2, 0)
            x1, y1 = np.minimum(np.ceil(opening.max(0)).astype(int) + line_px + 3, (width, height))
            if x1 <= x0 or y1 <= y0:
                continue
            corner = np.array([x0, y0], np.float32)
            out[y0:y1, x0:x1] = draw_eye(
                out[y0:y1, x0:x1], photo[y0:y1, x0:x1], opening - corner, face.points[list(iris)] - corner, ink, line_px
            )
    return np.clip(np.round(out), 0, 255).astype(np.uint8)
