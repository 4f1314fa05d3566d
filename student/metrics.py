"""Image quality of a stylised photo against the teacher's, as reported to the user."""

from __future__ import annotations

import cv2
import numpy as np
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from celflow.core.frames import check_rgb, rgb_to_batch
from celflow.student.losses import ms_ssim_score

# Canny thresholds for ink lines on 8-bit grey, and how far (px) a student line may sit from the teacher's.
EDGE_THRESHOLDS = (60, 150)
EDGE_TOLERANCE_PX = 1
# The standard SSIM window: a Gaussian of this σ, which skimage truncates at 3.5 σ, i.e. 11×11 pixels.
SSIM_SIGMA = 1.5


def psnr(prediction: np.ndarray, target: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of two H×W×3 uint8 RGB images (infinite when identical)."""
    _check_comparable(prediction, target)
    return float(peak_signal_noise_ratio(target, prediction, data_range=255))


def ssim(prediction: np.ndarray, target: np.ndarray) -> float:
    """Structural similarity in [-1, 1] of two H×W×3 uint8 RGB images, averaged over channels.

    Wang et al.'s definition, as published figures use it: an 11×11 Gaussian window of σ = 1.5 and population
    statistics (skimage's own default is a 7×7 uniform window, whose figures do not compare).
    """
    _check_comparable(prediction, target)
    return float(
        structural_similarity(
            target, prediction, data_range=255, channel_axis=2,
            gaussian_weights=True, sigma=SSIM_SIGMA, use_sample_covariance=False,
        )
    )


def ms_ssim(prediction: np.ndarray, target: np.ndarray) -> float:
    """Multi-scale SSIM (pytorch_msssim) of two H×W×3 uint8 RGB images; the smaller side must exceed 32 px."""
    _check_comparable(prediction, target)
    with torch.inference_mode():
        return float(ms_ssim_score(torch.from_numpy(rgb_to_batch(prediction)), torch.from_numpy(rgb_to_batch(target))))


def line_map(rgb: np.ndarray) -> np.ndarray:
    """H×W bool: Canny edges of the grey image, the lines a reader of the comic sees."""
    return cv2.Canny(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), *EDGE_THRESHOLDS) > 0


def edge_f1(prediction: np.ndarray, target: np.ndarray) -> float:
    """F1 of the student's lines against the teacher's, a line pixel counting when within EDGE_TOLERANCE_PX.

    1.0 when neither image has lines (nothing to miss, nothing invented).
    """
    _check_comparable(prediction, target)
    predicted, wanted = line_map(prediction), line_map(target)
    if not predicted.any() and not wanted.any():
        return 1.0
    near = np.ones((2 * EDGE_TOLERANCE_PX + 1,) * 2, np.uint8)
    precision = (predicted & cv2.dilate(wanted.astype(np.uint8), near).astype(bool)).sum() / max(predicted.sum(), 1)
    recall = (wanted & cv2.dilate(predicted.astype(np.uint8), near).astype(bool)).sum() / max(wanted.sum(), 1)
    return float(2 * precision * recall / (precision + recall)) if precision + recall else 0.0


def mask_iou(predicted: np.ndarray, target: np.ndarray) -> float:
    """Intersection over union of two H×W masks (bool, or uint8 with 255 = person); 1.0 when both are empty."""
    if predicted.shape != target.shape:
        raise ValueError(f"predicted mask: shape {predicted.shape} differs from target {target.shape}")
    a, b = _as_bool(predicted), _as_bool(target)
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 1.0


def _as_bool(mask: np.ndarray) -> np.ndarray:
    return mask if mask.dtype == bool else mask >= 128


def _check_comparable(prediction: np.ndarray, target: np.ndarray) -> None:
    check_rgb(prediction, "prediction")
    check_rgb(target, "target")
    if prediction.shape != target.shape:
        raise ValueError(f"prediction: shape {prediction.shape} differs from target {target.shape}")
