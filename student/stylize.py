"""Stylising a photo of any size with the torch student (the reference the ONNX runtime is checked against)."""

from __future__ import annotations

import numpy as np
import torch

from celflow.student.frames import stylize_rgb
from celflow.student.unet import StudentUNet


def stylize_with_student(model: StudentUNet, rgb: np.ndarray) -> np.ndarray:
    """H×W×3 uint8 RGB → the student's H×W×3 uint8 RGB stylisation."""
    with torch.inference_mode():
        return stylize_rgb(rgb, model.config.stride, lambda batch: model(torch.from_numpy(batch)).numpy())
