"""Run an exported student on photos with ONNX Runtime: one session held, cheap calls per frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidArgument, InvalidGraph, InvalidProtobuf

from celflow.student.cpu import available_cores
from celflow.student.frames import stylize_rgb

INPUT_NAME = "image"
OUTPUT_NAME = "stylized"
STRIDE_KEY = "celflow.stride"


def execution_providers() -> list[str]:
    """Providers a session runs on, best first.

    Only the CPU provider is used today. This is the one place where CUDA or TensorRT would be chosen,
    from what `onnxruntime.get_available_providers()` offers on the machine.
    """
    return ["CPUExecutionProvider"]


def open_session(onnx_path: Path, threads: int | None = None) -> ort.InferenceSession:
    """An inference session on `threads` cores (default: all this process may use); one-line errors."""
    path = Path(onnx_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no ONNX model there; export one with `celflow export`")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or available_cores()
    options.inter_op_num_threads = 1
    try:
        return ort.InferenceSession(str(path), options, providers=execution_providers())
    except (InvalidProtobuf, InvalidArgument, InvalidGraph, Fail) as error:
        raise ValueError(f"{path}: not an ONNX model ONNX Runtime can load ({type(error).__name__})") from error


class OnnxStylizer:
    """Stylise H×W×3 uint8 RGB photos of any size with an ONNX student made by `export_onnx`."""

    def __init__(self, onnx_path: Path, threads: int | None = None) -> None:
        self.onnx_path = Path(onnx_path)
        self.session = open_session(self.onnx_path, threads)
        stride = self.session.get_modelmeta().custom_metadata_map.get(STRIDE_KEY)
        if stride is None:
            raise ValueError(f"{self.onnx_path}: no '{STRIDE_KEY}' metadata; export it with celflow.export")
        self.stride = int(stride)

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        return stylize_rgb(rgb, self.stride, self._run)

    def _run(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run([OUTPUT_NAME], {INPUT_NAME: batch})[0]
