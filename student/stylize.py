"""Stylising a photo of any size with the torch student (the reference the ONNX runtime is checked against)."""

from __future__ import annotations

import numpy as np
import torch

from celflow.core.frames import batch_to_rgb, check_rgb, pad_to_stride, rgb_to_batch, stylize_rgb
from celflow.student.unet import StudentUNet


def stylize_with_student(model: StudentUNet, rgb: np.ndarray) -> np.ndarray:
    """H×W×3 uint8 RGB → the student's H×W×3 uint8 RGB stylisation."""
    with torch.inference_mode():
        return stylize_rgb(rgb, model.config.stride, lambda batch: model(torch.from_numpy(batch)).numpy())


def stylize_and_matte_with_student(model: StudentUNet, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The stylisation and the alpha head's person matte (H×W uint8, 255 = person) of a photo of any size."""
    check_rgb(rgb)
    height, width = rgb.shape[:2]
    with torch.inference_mode():
        stylized, logits = model.stylize_and_matte(torch.from_numpy(rgb_to_batch(pad_to_stride(rgb, model.config.stride))))
    matte = np.rint(torch.sigmoid(logits)[0, 0].numpy() * 255).astype(np.uint8)
    return batch_to_rgb(stylized.numpy())[:height, :width], matte[:height, :width]
