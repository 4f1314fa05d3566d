"""PSNR and SSIM of uint8 RGB images, as reported to the user."""

from __future__ import annotations

import math

import numpy as np
import pytest

from celflow.student.metrics import psnr, ssim


def test_a_uniform_error_of_five_levels_gives_the_textbook_psnr(astronaut: np.ndarray) -> None:
    photo = np.clip(astronaut, 0, 250)  # so that +5 never clips and the error is exactly 5 everywhere
    brighter = photo + 5

    assert psnr(brighter, photo) == pytest.approx(10 * math.log10(255**2 / 25))


def test_identical_images_score_perfectly(astronaut: np.ndarray) -> None:
    with np.errstate(divide="ignore"):  # skimage divides by the zero error
        assert psnr(astronaut, astronaut) == math.inf
    assert ssim(astronaut, astronaut) == pytest.approx(1.0)


def test_ssim_drops_with_noise(astronaut: np.ndarray) -> None:
    noise = np.random.default_rng(0).integers(-40, 41, astronaut.shape)
    noisy = np.clip(astronaut.astype(np.int16) + noise, 0, 255).astype(np.uint8)

    assert ssim(noisy, astronaut) < 0.8


def test_images_of_different_sizes_are_refused(astronaut: np.ndarray) -> None:
    with pytest.raises(ValueError, match="prediction: shape"):
        psnr(astronaut[:100], astronaut)
