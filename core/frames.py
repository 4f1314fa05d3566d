"""Photo ↔ network tensor conversion, shared by the torch student and the ONNX runtime so both pad alike."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

BatchRunner = Callable[[np.ndarray], np.ndarray]


def check_rgb(rgb: np.ndarray, name: str = "rgb") -> None:
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or rgb.size == 0:
        raise ValueError(f"{name}: expected a non-empty H×W×3 uint8 RGB image, got {rgb.shape} {rgb.dtype}")


def pad_to_stride(rgb: np.ndarray, stride: int) -> np.ndarray:
    """Reflect-pad bottom and right up to multiples of `stride`, the sizes the U-Net accepts."""
    height, width = rgb.shape[:2]
    return np.pad(rgb, ((0, -height % stride), (0, -width % stride), (0, 0)), mode="reflect")


def rgb_to_batch(rgb: np.ndarray) -> np.ndarray:
    """H×W×3 uint8 → 1×3×H×W float32 in [0, 1]."""
    return np.ascontiguousarray(rgb.transpose(2, 0, 1)[None], dtype=np.float32) / 255.0


def batch_to_rgb(batch: np.ndarray) -> np.ndarray:
    """1×3×H×W float in [0, 1] → H×W×3 uint8, rounded to the nearest level."""
    return np.clip(np.rint(batch[0].transpose(1, 2, 0) * 255.0), 0, 255).astype(np.uint8)


def stylize_rgb(rgb: np.ndarray, stride: int, run: BatchRunner) -> np.ndarray:
    """Run a network (`run`: 1×3×H×W float → same) on a photo of any size and return a photo of that size."""
    check_rgb(rgb)
    height, width = rgb.shape[:2]
    stylized = batch_to_rgb(run(rgb_to_batch(pad_to_stride(rgb, stride))))
    return stylized[:height, :width]
