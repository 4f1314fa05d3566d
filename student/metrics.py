"""Image quality of a stylised photo against the teacher's, as reported to the user."""

from __future__ import annotations

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from celflow.student.frames import check_rgb


def psnr(prediction: np.ndarray, target: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of two H×W×3 uint8 RGB images (infinite when identical)."""
    _check_comparable(prediction, target)
    return float(peak_signal_noise_ratio(target, prediction, data_range=255))


def ssim(prediction: np.ndarray, target: np.ndarray) -> float:
    """Structural similarity in [-1, 1] of two H×W×3 uint8 RGB images, averaged over channels."""
    _check_comparable(prediction, target)
    return float(structural_similarity(target, prediction, data_range=255, channel_axis=2))


def _check_comparable(prediction: np.ndarray, target: np.ndarray) -> None:
    check_rgb(prediction, "prediction")
    check_rgb(target, "target")
    if prediction.shape != target.shape:
        raise ValueError(f"prediction: shape {prediction.shape} differs from target {target.shape}")
