"""Where diffusion runs: the best device this machine has, and the dtype that device runs well."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DevicePreference = Literal["auto", "cuda", "mps", "cpu"]


@dataclass(frozen=True)
class DeviceChoice:
    device: str
    dtype_name: str  # "float16" or "float32": a name, so choosing needs no torch import

    @property
    def dtype(self):
        import torch

        return getattr(torch, self.dtype_name)


def choose_device(preference: DevicePreference, cuda: bool, mps: bool) -> DeviceChoice:
    """CUDA in fp16, else Apple MPS (fp16 unet/vae are unstable there, so fp32), else CPU fp32."""
    available = {"cuda": cuda, "mps": mps, "cpu": True}
    if preference != "auto" and not available[preference]:
        raise ValueError(f"device: {preference} was asked for but this machine has none")
    device = preference if preference != "auto" else next(name for name, ok in available.items() if ok)
    return DeviceChoice(device, "float16" if device == "cuda" else "float32")


def detect_device(preference: DevicePreference = "auto") -> DeviceChoice:
    import torch

    return choose_device(preference, cuda=torch.cuda.is_available(), mps=torch.backends.mps.is_available())
