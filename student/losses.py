"""The distillation loss: a weighted sum of terms, each keeping one thing the webtoon style depends on.

L1 keeps colours exact, SSIM / MS-SSIM (pytorch_msssim) keep flat shading and structure, the edge term
keeps the teacher's line art, the ink term its dark strokes themselves (not only their edges), the Lab term
weighs colour differences as people see them; an optional
PatchGAN critic and an optional VGG perceptual term come in when their weights are above zero.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field
from pytorch_msssim import ms_ssim, ssim
from torch import nn

from celflow.student.perceptual import VggFeatures

# pytorch_msssim's 5-scale weights; the library requires the smaller side > (window − 1) · 16.
MS_SSIM_SCALES = 16


class LossWeights(BaseModel):
    """How much each term counts; 0 switches a term off (and skips its cost)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    l1: float = Field(default=1.0, ge=0)
    # 1.0 over 0.5 and 2.0 in exploratory runs with the gated head: 0.5 learnt less SSIM, 2.0 no more SSIM and a worse matte
    ssim: float = Field(default=1.0, ge=0)
    ms_ssim: float = Field(default=0.0, ge=0)
    edge: float = Field(default=0.5, ge=0)
    ink: float = Field(default=2.0, ge=0)
    lab: float = Field(default=0.05, ge=0)
    adversarial: float = Field(default=0.0, ge=0)
    perceptual: float = Field(default=0.0, ge=0)
    alpha: float = Field(default=1.0, ge=0)  # person-matte BCE; used only when the student has an alpha head
    # squared distance of the weights from those training started from (--init-from): fine-tuning on a few people
    # keeps what the base student learnt from many; used only when a run starts from a trained student
    anchor: float = Field(default=0.0, ge=0)


def ms_ssim_window(side: int) -> int:
    """The largest odd Gaussian window ≤ 11 that pytorch_msssim accepts for images whose smaller side is `side`."""
    window = 11
    while window >= 3 and side <= (window - 1) * MS_SSIM_SCALES:
        window -= 2
    if window < 3:
        raise ValueError(f"image side {side}: MS-SSIM needs more than {2 * MS_SSIM_SCALES} pixels")
    return window


def ms_ssim_score(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean MS-SSIM of N×3×H×W images in [0, 1], with the window shrunk to fit small training crops."""
    window = ms_ssim_window(min(prediction.shape[-2:]))
    return ms_ssim(prediction, target, data_range=1.0, win_size=window)


def anchor_penalty(parameters: list[torch.Tensor], start: list[torch.Tensor]) -> torch.Tensor:
    """Sum of squared differences between the weights and those a fine-tuning started from (L2-SP, Li et al.
    2018): weight decay towards the starting point instead of towards zero."""
    return sum(((weight - first) ** 2).sum() for weight, first in zip(parameters, start, strict=True))


_SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8.0
_LUMA = torch.tensor([0.299, 0.587, 0.114])


def sobel_edges(image: torch.Tensor) -> torch.Tensor:
    """N×1×H×W gradient magnitude of the luminance: where the line art is.

    Written here rather than pulled from kornia: a fixed 3×3 convolution is all it is.
    """
    luma = (image * _LUMA.to(image).view(1, 3, 1, 1)).sum(dim=1, keepdim=True)
    kernels = torch.stack([_SOBEL_X, _SOBEL_X.T]).unsqueeze(1).to(image)
    gradients = F.conv2d(F.pad(luma, (1, 1, 1, 1), mode="replicate"), kernels)
    return torch.sqrt((gradients**2).sum(dim=1, keepdim=True) + 1e-12)


INK_REACH_PX = 7  # the closing's window: wider than the teacher's strokes, narrower than an eye or a nostril


def ink_map(image: torch.Tensor) -> torch.Tensor:
    """N×1×H×W darkness of thin strokes: the luminance's black-hat (its grey closing minus itself).

    A stroke is darker than everything a few pixels around it; a flat shadow is not. L1 on this map makes a
    missing or blurred line cost its whole darkness, where per-pixel L1 on the image spreads it over a few
    thin pixels that barely move the mean. Written here, not pulled from kornia: two max-pools are all it is.
    """
    luma = (image * _LUMA.to(image).view(1, 3, 1, 1)).sum(dim=1, keepdim=True)
    pad = INK_REACH_PX // 2
    dilated = F.max_pool2d(F.pad(luma, (pad,) * 4, mode="replicate"), INK_REACH_PX, stride=1)
    closed = -F.max_pool2d(F.pad(-dilated, (pad,) * 4, mode="replicate"), INK_REACH_PX, stride=1)
    return closed - luma


_RGB_TO_XYZ = torch.tensor(
    [[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169], [0.019334, 0.119193, 0.950227]]
)
_D65_WHITE = torch.tensor([0.950456, 1.0, 1.088754])


def rgb_to_lab_tensor(image: torch.Tensor) -> torch.Tensor:
    """sRGB N×3×H×W in [0, 1] → CIE Lab (L in [0, 100]), D65; the same formulas as OpenCV's cvtColor."""
    linear = torch.where(image > 0.04045, ((image + 0.055) / 1.055).clamp(min=1e-8) ** 2.4, image / 12.92)
    xyz = torch.einsum("ij,njhw->nihw", _RGB_TO_XYZ.to(image), linear) / _D65_WHITE.to(image).view(1, 3, 1, 1)
    delta = 6.0 / 29.0
    f = torch.where(xyz > delta**3, xyz.clamp(min=1e-8) ** (1.0 / 3.0), xyz / (3 * delta**2) + 4.0 / 29.0)
    fx, fy, fz = f.unbind(dim=1)
    return torch.stack([116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)], dim=1)


class PatchDiscriminator(nn.Sequential):
    """pix2pix's PatchGAN critic, narrowed: a map of real/fake logits, one per ~34-pixel patch."""

    def __init__(self, width: int = 32) -> None:
        super().__init__(
            nn.Conv2d(3, width, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(width, 2 * width, 4, stride=2, padding=1),
            nn.GroupNorm(8, 2 * width),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(2 * width, 4 * width, 4, padding=1),
            nn.GroupNorm(8, 4 * width),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(4 * width, 1, 4, padding=1),
        )


def critic_loss(discriminator: nn.Module, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Least-squares GAN loss that teaches the critic teacher targets → 1, student outputs → 0."""
    logits = discriminator(torch.cat([real, fake.detach()]))  # one forward: DDP expects one per backward
    real_logits, fake_logits = logits.chunk(2)
    return 0.5 * (F.mse_loss(real_logits, torch.ones_like(real_logits)) + F.mse_loss(fake_logits, torch.zeros_like(fake_logits)))


def fooling_loss(discriminator: nn.Module, fake: torch.Tensor) -> torch.Tensor:
    """The student's side of the least-squares GAN: make the critic call its output a teacher target."""
    logits = discriminator(fake)
    return F.mse_loss(logits, torch.ones_like(logits))


class DistillationLoss(nn.Module):
    """Weighted terms of student output vs teacher target (N×3×H×W in [0, 1]); returns each weighted term.

    The adversarial term needs the critic, so the training loop adds it; this module owns the rest.
    """

    def __init__(self, weights: LossWeights, vgg_weights: Path | None = None) -> None:
        super().__init__()
        self.weights = weights
        if weights.perceptual > 0 and vgg_weights is None:
            raise ValueError("loss.perceptual > 0 needs vgg_weights: the path of a torchvision VGG16 state dict")
        self.vgg = VggFeatures(vgg_weights) if weights.perceptual > 0 else None

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> dict[str, torch.Tensor]:
        # Float32 even inside the training step's bfloat16 autocast: SSIM's variances (E[x²] − E[x]²) cancel
        # catastrophically in bfloat16 (its loss on a real pair became −inf, and students trained on an H100
        # scored SSIM 0.0005 against their teacher).
        with torch.autocast(prediction.device.type, enabled=False):
            return self._terms(prediction.float(), target.float())

    def _terms(self, prediction: torch.Tensor, target: torch.Tensor) -> dict[str, torch.Tensor]:
        w, terms = self.weights, {}
        if w.l1:
            terms["l1"] = w.l1 * F.l1_loss(prediction, target)
        if w.ssim:
            terms["ssim"] = w.ssim * (1.0 - ssim(prediction, target, data_range=1.0))
        if w.ms_ssim:
            terms["ms_ssim"] = w.ms_ssim * (1.0 - ms_ssim_score(prediction, target))
        if w.edge:
            terms["edge"] = w.edge * F.l1_loss(sobel_edges(prediction), sobel_edges(target))
        if w.ink:
            terms["ink"] = w.ink * F.l1_loss(ink_map(prediction), ink_map(target))
        if w.lab:
            terms["lab"] = w.lab * F.l1_loss(rgb_to_lab_tensor(prediction), rgb_to_lab_tensor(target)) / 100.0
        if self.vgg is not None:
            terms["perceptual"] = w.perceptual * F.l1_loss(self.vgg(prediction), self.vgg(target))
        return terms


def alpha_loss(matte_logits: torch.Tensor, person_mask: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of the alpha head's logits against the teacher's person mask (N×1×H×W in [0, 1])."""
    return F.binary_cross_entropy_with_logits(matte_logits, person_mask)
