"""The student: a compact depthwise-separable U-Net that predicts a residual on top of the photo."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, field_validator
from torch import nn


class StudentConfig(BaseModel):
    """Channel widths per level, finest first; each further level halves the resolution once."""

    model_config = ConfigDict(frozen=True)

    widths: tuple[int, ...] = (16, 32, 64, 128)

    @field_validator("widths")
    @classmethod
    def _at_least_two_positive_levels(cls, widths: tuple[int, ...]) -> tuple[int, ...]:
        if len(widths) < 2 or min(widths) < 1:
            raise ValueError(f"widths={widths}: need at least two levels, each at least 1 channel wide")
        return widths

    @property
    def stride(self) -> int:
        """Height and width of an input must be multiples of this (one halving per level below the first)."""
        return 2 ** (len(self.widths) - 1)


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


class StudentUNet(nn.Module):
    """N×3×H×W in [0, 1] → N×3×H×W in [0, 1]; H and W must be multiples of `config.stride`.

    The head is zero-initialised, so an untrained student returns the photo unchanged and training only
    has to learn the stylisation's difference from it.
    """

    def __init__(self, config: StudentConfig) -> None:
        super().__init__()
        self.config = config
        widths = config.widths
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, padding=1), nn.ReLU(inplace=True))
        self.encoder = nn.ModuleList([SeparableConv(widths[0], widths[0])])
        self.encoder.extend(
            nn.Sequential(SeparableConv(coarse_in, coarse_in, stride=2), SeparableConv(coarse_in, width))
            for coarse_in, width in zip(widths[:-1], widths[1:])
        )
        self.decoder = nn.ModuleList(
            nn.Sequential(SeparableConv(coarse + fine, fine), SeparableConv(fine, fine))
            for fine, coarse in zip(widths[:-1], widths[1:])
        )
        self.head = nn.Conv2d(widths[0], 3, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        height, width = image.shape[-2:]
        # Under ONNX tracing the sizes are symbolic; the runtime pads instead (celflow.student.frames).
        if not torch.jit.is_tracing() and (height % self.config.stride or width % self.config.stride):
            raise ValueError(f"image: {height}×{width} is not a multiple of stride {self.config.stride}; pad first")
        skips = []
        features = self.stem(image)
        for level in self.encoder:
            features = level(features)
            skips.append(features)
        features = skips.pop()
        for level in reversed(self.decoder):
            upsampled = F.interpolate(features, scale_factor=2.0, mode="bilinear", align_corners=False)
            features = level(torch.cat([upsampled, skips.pop()], dim=1))
        return torch.clamp(image + self.head(features), 0.0, 1.0)


def count_parameters(model: nn.Module) -> int:
    return sum(parameter.numel() for parameter in model.parameters())
