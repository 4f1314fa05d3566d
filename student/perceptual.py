"""VGG16 features for the perceptual loss, from weights the user supplies by path (nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path
from pickle import UnpicklingError

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file
from torch import nn
from torchvision.models.vgg import cfgs, make_layers

# Up to relu3_3: textures and strokes, before the layers that only care about object identity.
RELU3_3 = 16
_IMAGENET_MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
_IMAGENET_STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """A state dict from .safetensors or a torch file (loaded with weights_only=True); one-line errors."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no VGG weights there")
    try:
        return load_file(str(path)) if path.suffix == ".safetensors" else torch.load(path, weights_only=True)
    except (SafetensorError, UnpicklingError, RuntimeError, EOFError) as error:
        raise ValueError(f"{path}: not a VGG16 state dict ({type(error).__name__})") from error


class VggFeatures(nn.Module):
    """Frozen torchvision VGG16 `features` up to relu3_3, ImageNet-normalised input in [0, 1]."""

    def __init__(self, weights_path: Path) -> None:
        super().__init__()
        state = read_state_dict(weights_path)
        features = make_layers(cfgs["D"])[:RELU3_3]  # VGG16's `features`, without building its 120 M-weight classifier
        wanted = {name.removeprefix("features."): t for name, t in state.items() if name.startswith("features.")}
        try:
            features.load_state_dict({k: v for k, v in wanted.items() if int(k.split(".")[0]) < RELU3_3})
        except RuntimeError as error:
            raise ValueError(f"{weights_path}: not torchvision VGG16 weights (features.* keys do not fit)") from error
        self.features = features.eval().requires_grad_(False)
        self.register_buffer("mean", _IMAGENET_MEAN.clone(), persistent=False)
        self.register_buffer("std", _IMAGENET_STD.clone(), persistent=False)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.features((image - self.mean) / self.std)
