"""Style strength: 0 is the photo, 1 the student's picture, and in between a lighter stylisation with its ink lines."""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np
import pytest

from celflow.export.open_stylizer import open_stylizer
from celflow.realtime.strength import LINES_FULL_FROM, apply_strength


@pytest.fixture(scope="module")
def photo(hopper) -> np.ndarray:
    return hopper[:256, 128:384].copy()


@pytest.fixture(scope="module")
def student_picture(photo, characters) -> np.ndarray:
    return open_stylizer(characters["red"], spin=False, with_alpha=True)(photo)


def lightness(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)[..., 0].astype(np.float32) * 100 / 255


def inked(picture: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`picture` with thin black ink strokes drawn on it, and where they are."""
    lines = np.zeros(picture.shape[:2], np.uint8)
    for y in (60, 130, 200):
        cv2.line(lines, (20, y), (236, y + 20), 255, 2)
    out = picture.copy()
    out[lines > 0] = (20, 15, 15)
    return out, cv2.erode(lines, np.ones((2, 2), np.uint8)) > 0  # the strokes' cores, not their anti-aliased rims


def test_zero_is_the_photo_and_one_the_student_exactly(photo, student_picture):
    assert np.array_equal(apply_strength(photo, student_picture, 0.0), photo)
    assert np.array_equal(apply_strength(photo, student_picture, 1.0), student_picture)


def test_more_strength_moves_every_pixel_further_from_the_photo(photo, student_picture):
    picture, _ = inked(student_picture)
    steps = [apply_strength(photo, picture, strength) for strength in np.linspace(0, 1, 11)]
    distances = [np.abs(step.astype(np.int16) - photo).sum(axis=2) for step in steps]

    means = [float(distance.mean()) for distance in distances]
    assert all(later > earlier for earlier, later in pairwise(means))
    for earlier, later in pairwise(distances):  # per pixel, up to the rounding of one colour level
        assert (later >= earlier - 3).all()


def test_half_strength_lies_between_the_two_pictures_in_colour(photo, student_picture):
    half = apply_strength(photo, student_picture, 0.5)

    to_photo = np.abs(half.astype(np.int16) - photo).mean()
    to_student = np.abs(half.astype(np.int16) - student_picture).mean()
    assert to_photo > 5 and to_student > 5
    assert abs(to_photo - to_student) < 0.35 * (to_photo + to_student)


def test_ink_lines_are_fully_dark_from_a_low_strength_on(photo, student_picture):
    picture, strokes = inked(student_picture)
    # where the photo is dark already (the black hat) a stroke is no darker than the photo, and nothing to keep
    on_light = strokes & (cv2.blur(lightness(photo), (7, 7)) > lightness(picture) + 40)
    assert on_light.sum() > 0.5 * strokes.sum()

    for strength in (LINES_FULL_FROM, 0.5):
        mixed = apply_strength(photo, picture, strength)
        assert np.abs(lightness(mixed)[on_light] - lightness(picture)[on_light]).max() < 3
    # below that strength the lines fade in
    faint = apply_strength(photo, picture, LINES_FULL_FROM / 2)
    assert lightness(faint)[on_light].mean() > lightness(picture)[on_light].mean() + 10


def test_wide_dark_areas_fade_with_the_strength_like_any_colour(photo, student_picture):
    picture = student_picture.copy()
    picture[100:180, 60:200] = (20, 15, 15)  # a dark shading area the width of a face, not a line

    half = apply_strength(photo, picture, 0.5)

    inside = (slice(110, 170), slice(70, 190))  # away from its edges, which are thin transitions
    assert lightness(half)[inside].mean() > lightness(picture)[inside].mean() + 10


def test_strength_outside_zero_to_one_names_the_option(photo, student_picture):
    with pytest.raises(ValueError, match=r"--strength 1.5: must be between 0 \(the photo\) and 1"):
        apply_strength(photo, student_picture, 1.5)
