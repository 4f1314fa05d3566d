"""Photo ↔ network tensor conversion, shared by the torch student and the ONNX runtime so both pad alike."""

from __future__ import annotations

from collections.abc import Callable

import cv2
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
    """H×W×3 uint8 → 1×3×H×W float32 in [0, 1], each channel divided straight into its place: every frame of a
    video goes through here, and a transposed float copy, then divided, is one pass more."""
    batch = np.empty((1, 3, *rgb.shape[:2]), np.float32)
    for channel in range(3):
        np.divide(rgb[..., channel], np.float32(255), out=batch[0, channel])
    return batch


def batch_to_rgb(batch: np.ndarray) -> np.ndarray:
    """1×3×H×W float in [0, 1] → H×W×3 uint8, rounded to the nearest level (half to even, as numpy's rint) and
    clipped. Plane by plane in OpenCV: negatives to 0, then scaled, rounded and saturated in one pass each, where
    numpy makes four passes over a float copy of the frame."""
    planes = [np.ascontiguousarray(plane, dtype=np.float32) for plane in batch[0]]
    return cv2.merge([cv2.convertScaleAbs(cv2.threshold(p, 0, 0, cv2.THRESH_TOZERO)[1], alpha=255) for p in planes])


def stylize_rgb(rgb: np.ndarray, stride: int, run: BatchRunner) -> np.ndarray:
    """Run a network (`run`: 1×3×H×W float → same) on a photo of any size and return a photo of that size."""
    check_rgb(rgb)
    height, width = rgb.shape[:2]
    stylized = batch_to_rgb(run(rgb_to_batch(pad_to_stride(rgb, stride))))
    return stylized[:height, :width]
