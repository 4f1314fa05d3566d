"""PSNR and SSIM of uint8 RGB images, as reported to the user."""

from __future__ import annotations

import math

import numpy as np
import pytest

from celflow.student.metrics import edge_f1, mask_iou, ms_ssim, psnr, ssim


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


def test_ms_ssim_is_one_for_a_copy_and_drops_with_noise(astronaut: np.ndarray) -> None:
    noise = np.random.default_rng(0).integers(-40, 41, astronaut.shape)
    noisy = np.clip(astronaut.astype(np.int16) + noise, 0, 255).astype(np.uint8)

    assert ms_ssim(astronaut, astronaut) == pytest.approx(1.0, abs=1e-5)
    assert ms_ssim(noisy, astronaut) < 0.95


def ink_lines(columns: list[int], size: int = 64) -> np.ndarray:
    """White paper with 2-px black vertical lines at `columns`."""
    paper = np.full((size, size, 3), 255, np.uint8)
    for column in columns:
        paper[:, column : column + 2] = 0
    return paper


def test_edge_f1_is_one_for_the_same_lines_and_low_for_moved_ones() -> None:
    drawn = ink_lines([10, 30, 50])

    assert edge_f1(drawn, drawn) == 1.0
    assert edge_f1(ink_lines([11, 31, 51]), drawn) > 0.9  # one pixel off is within tolerance
    assert edge_f1(ink_lines([16, 40]), drawn) < 0.2


def test_edge_f1_counts_missing_and_invented_lines() -> None:
    drawn = ink_lines([10, 30, 50])

    half_missing = edge_f1(ink_lines([10]), drawn)  # precision 1, recall 1/3

    assert half_missing == pytest.approx(0.5, abs=0.05)
    assert edge_f1(np.full_like(drawn, 255), np.full_like(drawn, 255)) == 1.0


def test_mask_iou_of_overlapping_boxes() -> None:
    left, right = np.zeros((10, 10), np.uint8), np.zeros((10, 10), np.uint8)
    left[:, :6], right[:, 4:] = 255, 255

    assert mask_iou(left, right) == pytest.approx(2 / 10)
    assert mask_iou(left, left) == 1.0
    with pytest.raises(ValueError, match="predicted mask: shape"):
        mask_iou(left[:5], right)


def test_ssim_is_the_standard_one_with_an_11_px_gaussian_window_of_sigma_1_5(astronaut: np.ndarray) -> None:
    """Wang et al.'s SSIM, as published figures use it; pytorch_msssim computes that definition independently."""
    import cv2
    import pytorch_msssim
    import torch

    noise = np.random.default_rng(1).normal(0, 12, astronaut.shape)
    degraded = np.clip(cv2.GaussianBlur(astronaut, (0, 0), 1.2) + noise, 0, 255).astype(np.uint8)
    as_batch = lambda rgb: torch.from_numpy(rgb).permute(2, 0, 1)[None].double()
    reference = pytorch_msssim.ssim(as_batch(degraded), as_batch(astronaut), data_range=255, win_size=11, win_sigma=1.5)

    assert ssim(degraded, astronaut) == pytest.approx(float(reference), abs=1e-4)
