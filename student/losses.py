"""The distillation loss: L1 keeps colours exact, (1 − SSIM) keeps the teacher's lines and flat shading."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from pytorch_msssim import ssim


def stylization_loss(
    prediction: torch.Tensor, target: torch.Tensor, l1_weight: float = 1.0, ssim_weight: float = 0.2
) -> torch.Tensor:
    """Weighted L1 + (1 − SSIM) of N×3×H×W images in [0, 1]."""
    structure = ssim(prediction, target, data_range=1.0, size_average=True)
    return l1_weight * F.l1_loss(prediction, target) + ssim_weight * (1.0 - structure)
