"""PyTorch eager: the reference backend, run straight from the student folder (on the GPU when there is one)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from celflow.export.backends import Backend
from celflow.export.stylizer import Stylizer
from celflow.student.checkpoint import load_student


class TorchStylizer(Stylizer):
    backend = Backend.TORCH

    def __init__(self, model_dir: Path) -> None:
        model, config = load_student(model_dir)
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model = model.to(self.device)
        self.stride = config.stride

    def run_batch(self, batch: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            output = self.model(torch.from_numpy(batch).to(self.device))
        stylized = output[0] if isinstance(output, tuple) else output  # a second head (alpha) is not the image
        return stylized.cpu().numpy()
