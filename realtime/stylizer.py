"""The one interface the loop needs from a student: RGB uint8 in, RGB uint8 of the same size out.

A student exported with an alpha head has a second ONNX output, `alpha` (N×1×H×W in [0, 1], 1 on the
person); such a student also says where the person is, in the same run, and no segmenter is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from celflow.core.defaults import AUTO_BACKEND
from celflow.export.open_stylizer import open_stylizer
from celflow.export.runtime import INPUT_NAME, OUTPUT_NAME, OnnxStylizer
from celflow.core.frames import batch_to_rgb, check_rgb, pad_to_stride, rgb_to_batch

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


def load_stylizer(model: Path, threads: int | None = None, backend: str = AUTO_BACKEND) -> Stylizer | AlphaStylizer:
    """A character's student on `backend` (`auto`: the fastest present, logged with the reason).

    The alpha output is read through onnxruntime (CPU, CUDA or TensorRT EP); a native TensorRT engine gives
    the picture only, and the person mask then comes from selfie segmentation. onnxruntime does not spin
    between runs here: the detector, the segmenter, the codec and other characters' sessions share the cores."""
    stylizer = open_stylizer(model, backend, threads, spin=False)
    if isinstance(stylizer, OnnxStylizer) and any(o.name == ALPHA_OUTPUT for o in stylizer.session.get_outputs()):
        return AlphaStylizer(stylizer)
    return stylizer
