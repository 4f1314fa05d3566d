"""The distillation loss: each term zero on a perfect copy, weighted as configured, pulling towards the target."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from pytorch_msssim import ssim
from safetensors.torch import save_file
from torchvision.models.vgg import cfgs, make_layers

from celflow.student.losses import (
    DistillationLoss,
    LossWeights,
    PatchDiscriminator,
    critic_loss,
    fooling_loss,
    ink_map,
    ms_ssim_window,
    rgb_to_lab_tensor,
    sobel_edges,
)

EVERY_TERM = LossWeights(l1=1.0, ssim=1.0, ms_ssim=1.0, edge=1.0, ink=1.0, lab=1.0)


def images(side: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return torch.rand(2, 3, side, side, generator=generator), torch.rand(2, 3, side, side, generator=generator)


def test_a_perfect_copy_costs_nothing_in_every_term() -> None:
    target, _ = images()

    terms = DistillationLoss(EVERY_TERM)(target, target)

    assert set(terms) == {"l1", "ssim", "ms_ssim", "edge", "ink", "lab"}
    assert all(value.item() < 1e-4 for value in terms.values())


def test_weights_scale_their_terms_and_zero_switches_a_term_off() -> None:
    prediction, target = images()

    single = DistillationLoss(LossWeights(l1=1.0, ssim=1.0, edge=0.0, ink=0.0, lab=0.0))(prediction, target)
    double = DistillationLoss(LossWeights(l1=2.0, ssim=0.5, edge=0.0, ink=0.0, lab=0.0))(prediction, target)

    assert set(single) == {"l1", "ssim"}
    torch.testing.assert_close(single["l1"], F.l1_loss(prediction, target))
    torch.testing.assert_close(single["ssim"], 1.0 - ssim(prediction, target, data_range=1.0))
    torch.testing.assert_close(double["l1"], 2.0 * single["l1"])
    torch.testing.assert_close(double["ssim"], 0.5 * single["ssim"])


def test_every_term_has_a_gradient_towards_the_target() -> None:
    prediction, target = images()
    prediction.requires_grad_(True)

    for name, term in DistillationLoss(EVERY_TERM)(prediction, target).items():
        (gradient,) = torch.autograd.grad(term, prediction)
        assert gradient.abs().sum() > 0, name


def test_sobel_edges_find_a_vertical_line() -> None:
    image = torch.ones(1, 3, 16, 16)
    image[..., 8] = 0.0  # a dark ink line down column 8

    edges = sobel_edges(image)[0, 0]

    assert edges[:, [7, 9]].min() > 0.1  # both sides of the line
    assert edges[:, :5].max() < 1e-5 and edges[:, 12:].max() < 1e-5  # flat paper has no edges


def test_the_edge_term_is_what_sees_a_moved_line() -> None:
    drawn, moved = torch.ones(1, 3, 32, 32), torch.ones(1, 3, 32, 32)
    drawn[..., 10], moved[..., 14] = 0.0, 0.0

    loss = DistillationLoss(LossWeights(l1=0, ssim=0, edge=1.0, lab=0))

    assert loss(moved, drawn)["edge"] > loss(drawn, drawn)["edge"] + 0.01


def test_lab_matches_opencv(astronaut: np.ndarray) -> None:
    rgb = astronaut[::8, ::8].astype(np.float32) / 255

    ours = rgb_to_lab_tensor(torch.from_numpy(rgb).permute(2, 0, 1)[None])[0].permute(1, 2, 0).numpy()

    np.testing.assert_allclose(ours, cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab), atol=0.5)


def test_mixed_precision_training_gets_float32_terms_and_gradients(astronaut: np.ndarray) -> None:
    """GPU training runs the student under bfloat16 autocast; SSIM in bfloat16 turns −inf on smooth photos."""
    target = torch.from_numpy(astronaut[:256, 128:384].transpose(2, 0, 1)[None].astype(np.float32) / 255)
    noise = 0.01 * torch.randn(target.shape, generator=torch.Generator().manual_seed(0))
    prediction = (target + noise).clamp(0, 1).requires_grad_()
    loss = DistillationLoss(EVERY_TERM)

    exact = loss(prediction, target)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        mixed = loss(prediction, target)

    for name, term in exact.items():
        assert mixed[name].dtype == torch.float32, name
        torch.testing.assert_close(mixed[name], term, rtol=1e-6, atol=1e-7, msg=name)
    exact_gradient, = torch.autograd.grad(sum(exact.values()), prediction)
    mixed_gradient, = torch.autograd.grad(sum(mixed.values()), prediction)
    torch.testing.assert_close(mixed_gradient, exact_gradient)


@pytest.mark.parametrize(("side", "window"), [(256, 11), (128, 7), (64, 3)])
def test_ms_ssim_shrinks_its_window_to_fit_training_crops(side: int, window: int) -> None:
    assert ms_ssim_window(side) == window


def test_ms_ssim_refuses_images_too_small_for_its_scales() -> None:
    with pytest.raises(ValueError, match="image side 32"):
        ms_ssim_window(32)


def test_the_critic_learns_to_tell_teacher_from_student() -> None:
    torch.manual_seed(0)
    critic = PatchDiscriminator(width=16)
    optimizer = torch.optim.Adam(critic.parameters(), lr=2e-3)
    teacher, student = images(32)
    student = student * 0.3  # darker: something a critic can pick up

    for _ in range(30):
        optimizer.zero_grad()
        critic_loss(critic, teacher, student).backward()
        optimizer.step()

    with torch.no_grad():
        assert critic(teacher).mean() > critic(student).mean() + 0.5  # least squares: teacher → 1, student → 0
    assert fooling_loss(critic, student).item() > fooling_loss(critic, teacher).item()


@pytest.fixture(scope="module")
def vgg_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A torchvision VGG16 state dict with seeded random values (real weights are not available offline)."""
    torch.manual_seed(0)
    state = {f"features.{k}": v for k, v in make_layers(cfgs["D"]).state_dict().items()}  # VGG16 `features`
    path = tmp_path_factory.mktemp("vgg") / "vgg16.safetensors"
    save_file(state, str(path))
    return path


def test_perceptual_term_uses_the_given_vgg_weights(vgg_weights: Path) -> None:
    prediction, target = images(32)
    loss = DistillationLoss(LossWeights(l1=0, ssim=0, edge=0, lab=0, perceptual=1.0), vgg_weights)

    assert loss(target, target)["perceptual"].item() == 0.0
    assert loss(prediction, target)["perceptual"].item() > 0.0
    assert not any(p.requires_grad for p in loss.vgg.parameters())


def test_weights_that_are_not_vgg16_are_named(tmp_path: Path) -> None:
    path = tmp_path / "other.safetensors"
    save_file({"features.0.weight": torch.zeros(3, 3)}, str(path))

    with pytest.raises(ValueError, match="other.safetensors: not torchvision VGG16 weights"):
        DistillationLoss(LossWeights(perceptual=1.0), path)


def test_the_ink_map_sees_a_thin_dark_stroke_and_not_a_broad_shadow() -> None:
    image = torch.full((1, 3, 48, 48), 0.8)
    image[..., 10:12, 4:44] = 0.1  # a two-pixel stroke
    image[..., 24:44, 4:44] = 0.3  # a broad shadow

    ink = ink_map(image)[0, 0]

    assert ink[10:12, 8:40].min() > 0.6  # the stroke's whole darkness
    assert ink[28:40, 8:40].abs().max() < 1e-6  # nothing inside the shadow
    assert ink[0:8].abs().max() < 1e-6


def test_the_ink_term_charges_a_missing_stroke_and_not_a_shading_difference() -> None:
    target = torch.full((1, 3, 64, 64), 0.8)
    target[..., 30:32, 8:56] = 0.1
    without_line = torch.full_like(target, 0.8)
    other_shading = target.clone()
    other_shading[..., 40:, :] -= 0.2
    loss = DistillationLoss(LossWeights(l1=1.0, ssim=0.0, edge=0.0, ink=1.0, lab=0.0))

    missing, shaded = loss(without_line, target), loss(other_shading, target)

    assert missing["ink"] > 0.01
    assert shaded["ink"] < 1e-6 < shaded["l1"]
