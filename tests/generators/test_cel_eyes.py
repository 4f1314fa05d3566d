"""Webtoon eyes: a white eye and a dark iris where the mesh says the eye is, and nothing touched elsewhere."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from celflow.core.character import load_character
from celflow.generators.cel_eyes import draw_cel_eyes
from celflow.generators.cel_shading import cel_shade, ink_colour
from celflow.generators.face_mesh import LEFT_EYE, LEFT_IRIS, RIGHT_EYE, RIGHT_IRIS, Face, FaceMeshDetector
from celflow.generators.palette import rgb_to_lab
from celflow.pipelines.demo_photos import clip_frames

STYLE = load_character("default").teacher


@pytest.fixture(scope="module")
def portrait():
    """The demo clip's wide-eyed face, where cel shading alone turned the eyes into brown blobs; enlarged
    ×2 again so each eye holds enough pixels to judge its white and its iris."""
    return cv2.resize(clip_frames(every=1, limit=1)[0], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)


@pytest.fixture(scope="module")
def drawn(portrait):
    detector = FaceMeshDetector(max_faces=1)
    faces = detector(portrait)
    detector.close()
    shaded = cel_shade(portrait, STYLE)
    return shaded, faces, draw_cel_eyes(shaded, portrait, faces, ink_colour(STYLE), STYLE.line_weight)


def _region(shape, points) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 1)
    return mask.astype(bool)


def _disc(shape, iris, share: float) -> np.ndarray:
    """Pixels within `share` × the iris radius of its centre."""
    radius = np.linalg.norm(iris[1:] - iris[0], axis=1).mean()
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    return np.hypot(xx - iris[0][0], yy - iris[0][1]) < share * radius


def test_the_eyes_get_white_whites_and_dark_irises(drawn):
    _, (face,), eyes = drawn
    lightness = rgb_to_lab(eyes)[..., 0] * 100 / 255
    irises, whites = np.zeros(eyes.shape[:2], bool), np.zeros(eyes.shape[:2], bool)
    for contour, iris in ((RIGHT_EYE, RIGHT_IRIS), (LEFT_EYE, LEFT_IRIS)):
        # clear of the inked lid line (1.6 px at 512, 2 px at this size)
        opening = cv2.erode(_region(eyes.shape, face.points[list(contour)]).astype(np.uint8), np.ones((5, 5))).astype(bool)
        irises |= _disc(eyes.shape, face.points[list(iris)], 0.7) & opening
        whites |= opening & ~_disc(eyes.shape, face.points[list(iris)], 1.3)
    assert irises.sum() >= 10 and whites.sum() >= 10
    assert np.median(lightness[whites]) > 85  # paper white
    assert np.median(lightness[irises]) < 40  # dark iris


def test_pixels_away_from_the_eyes_are_untouched(drawn):
    shaded, (face,), eyes = drawn
    near_eyes = np.zeros(eyes.shape[:2], np.uint8)
    for contour in (RIGHT_EYE, LEFT_EYE):
        near_eyes |= _region(eyes.shape, face.points[list(contour)]).astype(np.uint8)
    near_eyes = cv2.dilate(near_eyes, np.ones((9, 9), np.uint8)).astype(bool)
    assert np.array_equal(eyes[~near_eyes], shaded[~near_eyes])
    assert not np.array_equal(eyes[near_eyes], shaded[near_eyes])


def test_a_closed_eye_is_left_as_the_teacher_drew_it(drawn, portrait):
    shaded, (face,), _ = drawn
    points = face.points.copy()
    for contour in (RIGHT_EYE, LEFT_EYE):
        points[list(contour), 1] = points[list(contour), 1].mean()  # lids shut: no opening
    closed = Face(points=points)
    assert np.array_equal(draw_cel_eyes(shaded, portrait, [closed], ink_colour(STYLE), STYLE.line_weight), shaded)


def test_eyes_behind_dark_glasses_are_left_as_the_photo_shows_them(portrait, drawn):
    """Dark lenses over both eyes: the mesh still places eyes there, but webtoon eyes drawn on the lenses read as
    eyes painted on sunglasses, so a face whose eyes show no white keeps what the teacher drew."""
    shaded, faces, with_eyes = drawn
    glasses = portrait.copy()
    for contour in (RIGHT_EYE, LEFT_EYE):
        points = faces[0].points[list(contour)]
        centre = points.mean(0)
        lens = np.round(centre + (points - centre) * 1.6).astype(np.int32)  # a lens larger than the eye
        cv2.fillPoly(glasses, [lens], (18, 18, 22))

    assert not np.array_equal(with_eyes, shaded)  # open eyes are drawn
    assert np.array_equal(draw_cel_eyes(shaded, glasses, faces, ink_colour(STYLE), STYLE.line_weight), shaded)
