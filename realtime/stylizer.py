"""The one interface the loop needs from a student: RGB uint8 in, RGB uint8 of the same size out.

A student exported with an alpha head has a second ONNX output, `alpha` (N×1×H×W in [0, 1], 1 on the
person); such a student also says where the person is, in the same run, and no segmenter is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from celflow.export.runtime import INPUT_NAME, OUTPUT_NAME, OnnxStylizer
from celflow.student.frames import batch_to_rgb, check_rgb, pad_to_stride, rgb_to_batch

ALPHA_OUTPUT = "alpha"


class Stylizer(Protocol):
    def __call__(self, rgb: np.ndarray) -> np.ndarray: ...


class AlphaStylizer:
    """An ONNX student with an alpha head: one run gives the stylized photo and its person mask."""

    def __init__(self, onnx: OnnxStylizer) -> None:
        self._onnx = onnx

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        return self.stylize_with_alpha(rgb)[0]

    def stylize_with_alpha(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(H×W×3 uint8 stylized, H×W float32 alpha in [0, 1])."""
        check_rgb(rgb)
        height, width = rgb.shape[:2]
        batch = rgb_to_batch(pad_to_stride(rgb, self._onnx.stride))
        stylized, alpha = self._onnx.session.run([OUTPUT_NAME, ALPHA_OUTPUT], {INPUT_NAME: batch})
        return batch_to_rgb(stylized)[:height, :width], np.clip(alpha[0, 0, :height, :width], 0, 1).astype(np.float32)


def load_stylizer(model: Path, threads: int | None = None) -> Stylizer | AlphaStylizer:
    """The backend that runs a character's student; swapping it (CUDA, TensorRT) is this one line."""
    onnx = OnnxStylizer(model, threads)
    has_alpha = any(output.name == ALPHA_OUTPUT for output in onnx.session.get_outputs())
    return AlphaStylizer(onnx) if has_alpha else onnx
