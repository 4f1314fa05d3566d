"""Specks are cleared from the teacher's picture; strokes and what the caller keeps are not."""

import cv2
import numpy as np

from celflow.generators.drawing_metrics import stroke_share
from celflow.generators.specks import clear_specks

CLOTH, INK = (120, 90, 160), (30, 25, 25)


def speckled(side: int) -> np.ndarray:
    """Cloth in one colour with a long stroke across it and dark flecks a pixel or two wide."""
    image = np.full((side, side, 3), CLOTH, np.uint8)
    scale = side / 512
    cv2.line(
        image, (int(40 * scale), int(60 * scale)), (int(470 * scale), int(90 * scale)), INK, max(1, round(2 * scale))
    )
    rng = np.random.default_rng(0)
    for x, y in rng.integers(int(150 * scale), int(500 * scale), (150, 2)):
        cv2.circle(image, (int(x), int(y)), max(1, round(scale)), INK, -1)
    return image


def test_flecks_are_filled_with_the_colour_around_them_and_the_stroke_stays():
    image = speckled(512)
    assert stroke_share(image) < 0.7

    cleared = clear_specks(image)

    assert stroke_share(cleared) > 0.95
    below_stroke = cleared[150:, :]
    assert np.abs(below_stroke.astype(int) - CLOTH).max() <= 12  # no dark fleck left, no halo around one
    assert (cleared[:140] == image[:140]).all()  # the stroke and the cloth around it untouched


def test_specks_are_judged_at_the_size_of_the_picture():
    assert stroke_share(clear_specks(speckled(1024))) > 0.95


def test_specks_inside_keep_are_left_as_they_are():
    image = speckled(512)
    keep = np.zeros(image.shape[:2], bool)
    keep[140:, :] = True
    assert (clear_specks(image, keep) == image).all()
