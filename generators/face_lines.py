"""Line art of a face drawn from its mesh: the nose, the line between the lips, the lower lip and the jaw.

Edge detectors draw a face as speckle (pores, stubble, the edges of shadows); a webtoon artist draws a few
deliberate strokes at the features that make the face this person's. The mesh says where those features are
on every face, so each gets one smooth stroke that swells and tapers (generators/strokes.py). Brows and an
open mouth are not redrawn: they stay the person's own shapes in flat colour (generators/face_features.py),
since a face-recognition model stops recognising people whose brows or teeth are replaced by strokes.
"""

from __future__ import annotations

import cv2
import numpy as np
from celflow.core.line_art import REFERENCE_SIDE
from celflow.generators.face_mesh import CHIN, FACE_OVAL, Face
from celflow.generators.strokes import ink_over, spline_through, stroke_coverage, taper

NOSE_BASE = (97, 2, 326)  # under the tip of the nose
UPPER_LIP_INNER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LOWER_LIP_INNER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
LOWER_LIP_OUTER = (181, 84, 17, 314, 405)
JAW = FACE_OVAL[FACE_OVAL.index(361) : FACE_OVAL.index(132) + 1]  # under the chin, from nose-base level
NOSE_INK = 0.35  # the nose is drawn lighter than the other lines: a hint, as webtoons draw it
HIDDEN_JAW = 0.03  # of the face's width: a jaw point this far inside the face's outline is behind the face
FULL_WEIGHT_FACE = 0.25  # of the image's long side: a face this wide or wider gets the full line weight
THINNEST = 0.5  # a smaller face's lines are thinned with its width, down to this share of the full weight


def face_line_px(line_weight: float, image_shape: tuple[int, ...], face: Face) -> float:
    """The widest stroke on this face, in pixels: `line_weight` (pixels at 512 px) at the image's size, thinned
    for a face narrower than FULL_WEIGHT_FACE of the image, down to THINNEST of it.

    A webtoon draws a distant face with finer lines than a close-up: the small faces of a group photo drawn with
    a portrait's weight read as beards and masks, their jaw stroke as wide as their lips.
    """
    side = max(image_shape[:2])
    full = line_weight * side / REFERENCE_SIDE
    return max(1.0, full * float(np.clip(face.width / (FULL_WEIGHT_FACE * side), THINNEST, 1.0)))


def _stroke(points: np.ndarray, width: float, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    curve = spline_through(points)
    return curve, width * taper(len(curve), start, end)


def visible_jaw(face: Face) -> np.ndarray:
    """The jaw points on the face's outline, as one run through the chin.

    On a turned head the mesh's far jaw lies behind the cheek and the nose: drawn, it is a line down the
    middle of the face. Its points then lie inside the outline of the whole mesh (its convex hull), so the
    stroke stops at the first such point on either side of the chin.
    """
    hull = cv2.convexHull(face.points.astype(np.float32))
    jaw = face.points[list(JAW)]
    depth = np.array([cv2.pointPolygonTest(hull, (float(x), float(y)), True) for x, y in jaw])
    hidden = depth > HIDDEN_JAW * face.width
    chin = JAW.index(CHIN)
    start = chin - int(np.argmax(hidden[chin::-1])) + 1 if hidden[: chin + 1].any() else 0
    end = chin + int(np.argmax(hidden[chin:])) if hidden[chin:].any() else len(JAW)
    return jaw[start:end]


def ink_strokes(face: Face, line_px: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Mouth, lower lip and jaw strokes of one face, `line_px` at their widest."""
    points = face.points
    upper, lower = points[list(UPPER_LIP_INNER)], points[list(LOWER_LIP_INNER)]
    mouth_line = (upper + lower) / 2
    strokes = [
        _stroke(mouth_line, 1.1 * line_px, 0.2, 0.2),
        _stroke(points[list(LOWER_LIP_OUTER)], 0.6 * line_px, 0.1, 0.1),
    ]
    jaw = visible_jaw(face)
    return strokes + [_stroke(jaw, line_px, 0.15, 0.15)] if len(jaw) >= 3 else strokes


def nose_stroke(face: Face, line_px: float) -> tuple[np.ndarray, np.ndarray]:
    """A short light stroke under the tip of the nose."""
    return _stroke(face.points[list(NOSE_BASE)], 0.7 * line_px, 0.1, 0.1)


def draw_face_lines(
    stylised: np.ndarray, faces: list[Face], ink: np.ndarray, line_weight: float, darkness: float
) -> np.ndarray:
    """Every face's nose, mouth, lower lip and jaw drawn onto the teacher's H×W×3 uint8 output.

    `line_weight` is the widest stroke in pixels at 512 px, as for the teacher's other lines (thinner on a
    small face: face_line_px).
    """
    out = stylised.copy()
    height, width = stylised.shape[:2]
    for face in faces:
        line_px = face_line_px(line_weight, stylised.shape, face)
        strokes, nose = ink_strokes(face, line_px), [nose_stroke(face, line_px)]
        # drawn in the strokes' own box: the run time draws these on every frame, where whole-frame canvases
        # cost more than the strokes themselves
        points = np.concatenate([curve for curve, _ in strokes + nose])
        reach = int(np.ceil(line_px)) + 2
        x0, y0 = np.maximum(np.floor(points.min(0)).astype(int) - reach, 0)
        x1, y1 = np.minimum(np.ceil(points.max(0)).astype(int) + reach + 1, (width, height))
        if x1 <= x0 or y1 <= y0:
            continue
        corner = np.array([x0, y0], np.float64)
        shape = (y1 - y0, x1 - x0)
        lines = stroke_coverage(shape, [(c - corner, w) for c, w in strokes]) * darkness
        nose_ink = stroke_coverage(shape, [(c - corner, w) for c, w in nose]) * darkness * NOSE_INK
        alpha = 1 - (1 - lines) * (1 - nose_ink)  # the nose stroke over the others, both in the same ink
        ink_over(out[y0:y1, x0:x1], alpha, ink)
    return out
