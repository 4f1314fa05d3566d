"""Training photos made before the teacher: new skin tones change the skin and little else, seeds repeat."""

from __future__ import annotations

import cv2
import numpy as np

from celflow.pipelines.photo_variants import change_skin_tone, photo_variants, skin_likeness


def lightness(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(float) * 100 / 255


def test_a_darker_skin_tone_darkens_the_face_and_leaves_the_blue_background(hopper: np.ndarray) -> None:
    face = (slice(170, 260), slice(200, 310))  # cheeks and nose
    sky = hopper[..., 2].astype(int) > hopper[..., 0].astype(int) + 60  # the blue backdrop

    darker = change_skin_tone(hopper, 0.25)

    assert lightness(hopper)[face].mean() - lightness(darker)[face].mean() > 15
    assert abs(lightness(hopper)[sky].mean() - lightness(darker)[sky].mean()) < 1
    assert skin_likeness(hopper)[face].mean() > 0.8 > 0.05 > skin_likeness(hopper)[sky].mean()


def test_a_lighter_skin_tone_lightens_dark_skin_without_clipping(obama: np.ndarray) -> None:
    lighter = change_skin_tone(obama, 1.8)
    skin = skin_likeness(obama) > 0.9

    assert lightness(lighter)[skin].mean() - lightness(obama)[skin].mean() > 8
    assert (lighter[skin] == 255).mean() <= (obama[skin] == 255).mean() + 0.01


def test_variants_are_square_and_a_function_of_their_seed(astronaut: np.ndarray) -> None:
    first, again, other = (photo_variants(astronaut, 3, seed, side=96) for seed in (7, 7, 8))

    assert all(photo.shape == (96, 96, 3) and photo.dtype == np.uint8 for photo in first)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))
