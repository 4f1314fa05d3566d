import cv2
import numpy as np

from celflow.generators.drawing_metrics import flat_share, ink_mask, stroke_share


def _paper(side=512):
    return np.full((side, side, 3), 235, np.uint8)


def test_long_lines_count_as_strokes_and_specks_do_not():
    lines = _paper()
    for y in range(60, 460, 40):
        cv2.line(lines, (40, y), (470, y + 20), (30, 25, 25), 2, cv2.LINE_AA)
    specks = _paper()
    rng = np.random.default_rng(0)
    for x, y in rng.integers(10, 500, (400, 2)):
        cv2.circle(specks, (int(x), int(y)), 1, (30, 25, 25), -1)
    assert stroke_share(lines) >= 0.95
    assert stroke_share(specks) <= 0.05


def test_dark_regions_are_not_ink_only_their_thin_marks_are():
    image = _paper()
    image[100:400, 100:400] = (40, 30, 30)  # a big dark shape: hair, a suit
    assert ink_mask(image).mean() < 0.01


def test_flat_colour_is_flat_and_photo_texture_is_not(astronaut):
    mask = np.ones(astronaut.shape[:2], np.float32)
    flat = np.zeros_like(astronaut)
    flat[:256], flat[256:] = (200, 150, 120), (60, 80, 160)
    assert flat_share(flat, mask) >= 0.95
    assert flat_share(astronaut, mask) <= 0.5
