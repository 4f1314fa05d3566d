"""The student: a compact U-Net that predicts a residual on top of the photo.

One configurable module for the whole family: widths set width and depth, blocks are depthwise-separable or
dense 3×3 convolutions, an optional pixel-unshuffle stem runs the U-Net at a fraction of the frame's
resolution, an optional alpha head predicts a person matte.
"""

from __future__ import annotations

import math
from typing import Literal

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field, field_validator
from torch import nn


class StudentConfig(BaseModel):
    """Channel widths per level, finest first; each further level halves the resolution once.

    `unshuffle` folds each f×f pixel block into channels before the first level (PixelUnshuffle), so every
    level costs 1/f² of its full-resolution price; the head unfolds it back (PixelShuffle). `blocks` picks
    depthwise-separable convolutions (fewest multiply-adds) or dense 3×3 ones (nine times as many, which
    INT8 turns into speed on CPUs: see PRESETS). `head`: `residual` adds a learnt difference to the photo;
    `gated` blends the photo towards a painted colour, photo + g·(paint − photo), so flat cel regions need no
    pixel-by-pixel cancelling of the photo's texture (a few full-resolution float operations more).
    `gated_local` paints the photo's local mean colour (averaged over 8×8 pixels, smoothed to the head's grid)
    shifted by a learnt amount, rather than a colour painted from scratch: a small network's own colours drift
    to the skin and hair tones that fill its training portraits, and a green or purple it rarely saw comes out
    brown; a shift from the colour already there keeps hues it never learnt. The shift is in linear colour
    (clamped to [0, 1]), not in logits: a logit shift moves a near-black channel by about its value times the
    shift, so the loss hardly trains darks and they drift in hue (the README's student colours section).
    """

    model_config = ConfigDict(frozen=True)

    widths: tuple[int, ...] = (16, 32, 64, 128)
    unshuffle: int = Field(default=1, ge=1, le=4)
    blocks: Literal["separable", "dense"] = "separable"
    head: Literal["residual", "gated", "gated_local"] = "residual"
    alpha_head: bool = False

    @field_validator("widths")
    @classmethod
    def _at_least_two_positive_levels(cls, widths: tuple[int, ...]) -> tuple[int, ...]:
        if len(widths) < 2 or min(widths) < 1:
            raise ValueError(f"widths={widths}: need at least two levels, each at least 1 channel wide")
        return widths

    @property
    def stride(self) -> int:
        """Height and width of an input must be multiples of this (the stem's fold, then one halving per level)."""
        return self.unshuffle * 2 ** (len(self.widths) - 1)


# The family (benchmarks/bench_student.py, bench_student_quality.py, bench_export.py; figures in the README).
# `small` is the shipped real-time student: the stem's 2× fold runs the U-Net at a quarter of the pixels, and in
# ten CPU minutes it learns the teacher better than `dense`. `dense` is the one to quantize for CPUs: its
# convolutions have enough multiply-adds per byte moved for INT8 to run faster than its FP32, where separable
# blocks are memory-bound and INT8 makes `small` slower; it keeps the residual head, whose output needs no
# full-resolution float operations between the quantized convolutions. Separable widths stay multiples of 16:
# other widths ran much slower in ONNX Runtime.
PRESETS: dict[str, StudentConfig] = {
    "tiny": StudentConfig(widths=(16, 32, 64, 128), unshuffle=4, head="gated_local"),
    "small": StudentConfig(widths=(16, 32, 64, 128), unshuffle=2, head="gated_local"),
    "base": StudentConfig(widths=(32, 64, 128, 256), unshuffle=2, head="gated_local"),
    "dense": StudentConfig(widths=(32, 48, 64, 96), unshuffle=4, blocks="dense"),
}


def student_preset(name: str, alpha_head: bool = False) -> StudentConfig:
    """The preset called `name`, optionally with the alpha head; unknown names are refused by listing the known."""
    if name not in PRESETS:
        raise ValueError(f"preset={name!r}: unknown, choose one of {', '.join(PRESETS)}")
    return PRESETS[name].model_copy(update={"alpha_head": alpha_head})


class SeparableConv(nn.Sequential):
    """Depthwise 3×3 then pointwise 1×1 and ReLU: a 3×3 conv's reach for a ninth of its multiply-adds.

    No normalisation layer: batch statistics at small training batches are noisy, and the export stays a
    plain chain of convolutions that ONNX Runtime fuses.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__(
            nn.Conv2d(in_channels, in_channels, 3, stride=stride, padding=1, groups=in_channels, bias=False),
            nn.Conv2d(in_channels, out_channels, 1),
            nn.ReLU(inplace=True),
        )


class DenseConv(nn.Sequential):
    """A full 3×3 convolution and ReLU: nine times the multiply-adds of SeparableConv, which INT8 turns into speed."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__(nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1), nn.ReLU(inplace=True))


def _unshuffle_stem(out_channels: int, factor: int, view: int) -> nn.Module:
    """PixelUnshuffle(f) then a view×view convolution, computed as the one equivalent (view·f)² convolution of stride f.

    Both see the same pixels with the same zero padding; the strided form skips the 6-D transpose that
    PixelUnshuffle becomes in ONNX, a pass over the whole frame.
    """
    conv = nn.Conv2d(3, out_channels, view * factor, stride=factor, padding=(view // 2) * factor)
    return nn.Sequential(conv, nn.ReLU(inplace=True))


def stem_weight_from_unshuffled(weight: torch.Tensor, factor: int) -> torch.Tensor:
    """The strided stem's weight computing what `weight`, a convolution over PixelUnshuffle(factor)'s channels,
    did: students saved before the strided stem stored it that way.

    PixelUnshuffle puts pixel (dy, dx) of each f×f block of colour c into channel c·f² + dy·f + dx.
    """
    out, view = weight.shape[0], weight.shape[-1]
    blocks = weight.reshape(out, 3, factor, factor, view, view).permute(0, 1, 4, 2, 5, 3)
    return blocks.reshape(out, 3, view * factor, view * factor)


GATE_START = -3.0  # an untrained gated head shows 95 % of the photo
LOCAL_MEAN_BLOCK = 8  # pixels averaged per side for a gated_local head's starting colour (at most)


def _local_mean(image: torch.Tensor, size: tuple[int, int], block: int) -> torch.Tensor:
    """The photo's colour averaged over block² squares, bilinearly resized to `size`.

    `block` divides the image's sides (a divisor of the student's stride): ONNX Runtime's pooling is several
    times slower with ceil_mode's partial squares.
    """
    return F.interpolate(F.avg_pool2d(image, block), size=size, mode="bilinear", align_corners=False)


def _paint_from_local_mean(out: torch.Tensor, image: torch.Tensor, block: int) -> torch.Tensor:
    """The gated head's output (before unfolding) with the photo's local mean colour added to its paint.

    Added on the head's grid, before the pixel shuffle: the mean is smooth, so neither the resize nor the sum
    needs the full resolution. The shuffle turns channel c·f² + k into colour c, so the paint of
    colour c is a run of f² channels and the four runs (paint, then gate) are one axis of a reshape, to which
    one broadcast sum adds the means (cheaper in ONNX Runtime than slicing the paint out and back in).
    """
    batch, _, height, width = out.shape
    runs = out.reshape(batch, 4, -1, height, width)
    local = _local_mean(image, (height, width), block)
    shift = torch.cat([local, torch.zeros_like(local[:, :1])], dim=1).unsqueeze(2)  # no shift for the gate
    return (runs + shift).reshape(batch, -1, height, width)


def _unfold(factor: int) -> nn.Module:
    return nn.PixelShuffle(factor) if factor > 1 else nn.Identity()


class StudentUNet(nn.Module):
    """N×3×H×W in [0, 1] → N×3×H×W in [0, 1]; H and W must be multiples of `config.stride`.

    The colour head is zero-initialised (a gated head's gate nearly closed), so an untrained student returns
    the photo (nearly) unchanged and training only has to learn the stylisation's difference from it.
    `forward` gives the stylised image alone (what is exported); `stylize_and_matte` also gives the alpha
    head's person-matte logits.
    """

    def __init__(self, config: StudentConfig) -> None:
        super().__init__()
        self.config = config
        widths, fold = config.widths, config.unshuffle
        block = DenseConv if config.blocks == "dense" else SeparableConv
        self.unfold = _unfold(fold)
        # A separable block mixes no neighbours before its depthwise step, so the stem keeps a 3×3 view; a dense
        # block's first 3×3 convolution gathers them, so its stem only folds (cheaper, and no im2col for INT8).
        self.stem = _unshuffle_stem(widths[0], fold, view=1 if config.blocks == "dense" else 3)
        self.encoder = nn.ModuleList([block(widths[0], widths[0])])
        self.encoder.extend(
            nn.Sequential(block(coarse_in, coarse_in, stride=2), block(coarse_in, width))
            for coarse_in, width in zip(widths[:-1], widths[1:])
        )
        self.decoder = nn.ModuleList(
            nn.Sequential(block(coarse + fine, fine), block(fine, fine))
            for fine, coarse in zip(widths[:-1], widths[1:])
        )
        gated = config.head != "residual"
        self.head = nn.Conv2d(widths[0], (4 if gated else 3) * fold * fold, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)
        if gated:
            nn.init.constant_(self.head.bias[3 * fold * fold :], GATE_START)
        self.alpha = nn.Conv2d(widths[0], fold * fold, 1) if config.alpha_head else None

    def _check_size(self, image: torch.Tensor) -> None:
        height, width = image.shape[-2:]
        # Under ONNX tracing the sizes are symbolic; the runtime pads instead (celflow.core.frames).
        if not torch.jit.is_tracing() and (height % self.config.stride or width % self.config.stride):
            raise ValueError(f"image: {height}×{width} is not a multiple of stride {self.config.stride}; pad first")

    def _features(self, image: torch.Tensor) -> torch.Tensor:
        self._check_size(image)
        skips = []
        features = self.stem(image)
        for level in self.encoder:
            features = level(features)
            skips.append(features)
        features = skips.pop()
        for level in reversed(self.decoder):
            upsampled = F.interpolate(features, scale_factor=2.0, mode="bilinear", align_corners=False)
            features = level(torch.cat([upsampled, skips.pop()], dim=1))
        return features

    def _colour(self, image: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        out = self.head(features)
        if self.config.head == "gated_local":
            out = _paint_from_local_mean(out, image, math.gcd(LOCAL_MEAN_BLOCK, self.config.stride))
        out = self.unfold(out)
        if self.config.head == "residual":
            return torch.clamp(image + out, 0.0, 1.0)
        paint, gate = out[:, :3], out[:, 3:]
        paint = paint.clamp(0.0, 1.0) if self.config.head == "gated_local" else torch.sigmoid(paint)
        return image + torch.sigmoid(gate) * (paint - image)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self._colour(image, self._features(image))

    def stylize_and_matte(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The stylised image and N×1×H×W person-matte logits (sigmoid → probability of 'person')."""
        if self.alpha is None:
            raise ValueError("student: built without alpha_head; set StudentConfig.alpha_head=True to train a matte")
        features = self._features(image)
        return self._colour(image, features), self.unfold(self.alpha(features))


def count_parameters(model: nn.Module) -> int:
    return sum(parameter.numel() for parameter in model.parameters())
