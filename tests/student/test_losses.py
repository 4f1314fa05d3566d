"""The distillation loss: zero on a perfect copy, weighted L1 plus (1 − SSIM) otherwise."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from pytorch_msssim import ssim

from celflow.student.losses import stylization_loss


def images() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return torch.rand(2, 3, 32, 32, generator=generator), torch.rand(2, 3, 32, 32, generator=generator)


def test_a_perfect_copy_costs_nothing() -> None:
    target, _ = images()
    assert stylization_loss(target, target).item() < 1e-6


def test_the_weights_mix_l1_and_structure() -> None:
    prediction, target = images()

    l1_only = stylization_loss(prediction, target, l1_weight=1.0, ssim_weight=0.0)
    ssim_only = stylization_loss(prediction, target, l1_weight=0.0, ssim_weight=1.0)
    mixed = stylization_loss(prediction, target, l1_weight=2.0, ssim_weight=0.5)

    torch.testing.assert_close(l1_only, F.l1_loss(prediction, target))
    torch.testing.assert_close(ssim_only, 1.0 - ssim(prediction, target, data_range=1.0))
    torch.testing.assert_close(mixed, 2.0 * l1_only + 0.5 * ssim_only)


def test_the_loss_has_a_gradient_towards_the_target() -> None:
    prediction, target = images()
    prediction.requires_grad_(True)

    stylization_loss(prediction, target).backward()

    assert prediction.grad is not None and prediction.grad.abs().sum() > 0
