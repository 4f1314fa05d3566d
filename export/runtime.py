"""Run an exported student with ONNX Runtime on the CPU, CUDA or TensorRT execution provider."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import onnxruntime as ort
from celflow.core.frames import batch_to_rgb, check_rgb, pad_to_stride, rgb_to_batch
from celflow.export.backends import ORT_PROVIDERS, Backend
from celflow.export.shape_profile import (
    DEFAULT_PROFILE,
    Shape,
    ShapeProfile,
    fixed_profile,
)
from celflow.export.stylizer import Stylizer
from celflow.student.cpu import available_cores
from onnxruntime.capi.onnxruntime_pybind11_state import (
    Fail,
    InvalidArgument,
    InvalidGraph,
    InvalidProtobuf,
)

log = logging.getLogger(__name__)

INPUT_NAME = "image"
OUTPUT_NAME = "stylized"
# A student exported with an alpha head has this second output: N×1×H×W in [0, 1], 1 on the person.
ALPHA_OUTPUT = "alpha"
STRIDE_KEY = "celflow.stride"


def execution_providers(backend: Backend, onnx_path: Path, fp16: bool) -> list:
    """Providers for `backend`, best first, each GPU one backed by the next (ORT places what it cannot run)."""
    if backend is Backend.TENSORRT_EP:
        profile = engine_profile(onnx_path)
        shape = {name: f"{INPUT_NAME}:{'x'.join(map(str, getattr(profile, name)))}" for name in ("min", "opt", "max")}
        tensorrt_options = {
            "trt_engine_cache_enable": True,
            "trt_engine_cache_path": str(engine_cache_dir(onnx_path)),
            "trt_timing_cache_enable": True,
            "trt_fp16_enable": fp16,
            # Explicit INT8: the Q/DQ nodes carry the scales, so no calibration table is needed.
            "trt_int8_enable": has_quantize_nodes(onnx_path),
            "trt_profile_min_shapes": shape["min"],
            "trt_profile_opt_shapes": shape["opt"],
            "trt_profile_max_shapes": shape["max"],
        }
        return [(ORT_PROVIDERS[backend], tensorrt_options), ORT_PROVIDERS[Backend.CUDA_EP], "CPUExecutionProvider"]
    if backend is Backend.CUDA_EP:
        return [ORT_PROVIDERS[backend], "CPUExecutionProvider"]
    if backend is Backend.CPU:
        return ["CPUExecutionProvider"]
    raise ValueError(f"backend {backend.value}: not an onnxruntime backend")


def engine_cache_dir(onnx_path: Path) -> Path:
    """Engines built for an ONNX file live beside it, so deleting the model folder deletes them too."""
    return Path(onnx_path).parent / "engine-cache"


def fixed_input_shape(onnx_path: Path) -> Shape | None:
    """The N×3×H×W input a `--fixed-shape` export froze, or None when batch, height and width are dynamic."""
    import onnx  # imported where a graph is read: onnx costs a second to import, which the CPU run time never needs

    graph = onnx.load(str(onnx_path), load_external_data=False).graph
    [image] = [value for value in graph.input if value.name == INPUT_NAME]
    dims = image.type.tensor_type.shape.dim
    return tuple(dim.dim_value for dim in dims) if all(dim.HasField("dim_value") for dim in dims) else None


def engine_profile(onnx_path: Path) -> ShapeProfile:
    """The input shapes a GPU engine for this file is built for: the one shape a `--fixed-shape` export takes
    (a range would build kernels for sizes the graph refuses), else DEFAULT_PROFILE."""
    shape = fixed_input_shape(onnx_path)
    return fixed_profile(shape) if shape else DEFAULT_PROFILE


def has_quantize_nodes(onnx_path: Path) -> bool:
    import onnx
    from celflow.export.tensorrt_ops import QDQ_OPS

    return any(node.op_type in QDQ_OPS for node in onnx.load(str(onnx_path), load_external_data=False).graph.node)


def open_session(
    onnx_path: Path,
    threads: int | None = None,
    backend: Backend = Backend.CPU,
    fp16: bool = False,
    spin: bool = True,
) -> ort.InferenceSession:
    """An inference session on `threads` cores (default: all this process may use); one-line errors.

    `spin`: worker threads busy-wait for the next run, the fastest for one session alone on the cores. Turn it
    off where several sessions, or other libraries' threads, share the cores: each session's spinning
    threads steal them from the next (benchmarks/bench_spin_wait.py measures the difference).
    """
    path = Path(onnx_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no ONNX model there; export one with `celflow export`")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or available_cores()
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    providers = execution_providers(backend, path, fp16)
    try:
        session = ort.InferenceSession(str(path), options, providers=providers)
    except (InvalidProtobuf, InvalidArgument, InvalidGraph, Fail) as error:
        raise ValueError(f"{path}: not an ONNX model ONNX Runtime can load ({type(error).__name__})") from error
    if session.get_providers()[0] != ORT_PROVIDERS[backend]:
        # ORT falls back silently when a GPU provider fails to start; say so instead.
        log.warning("%s: asked for %s, onnxruntime runs %s", path, backend.value, session.get_providers()[0])
    return session


def stride_from_metadata(metadata: dict[str, str], onnx_path: Path) -> int:
    if STRIDE_KEY not in metadata:
        raise ValueError(f"{onnx_path}: no '{STRIDE_KEY}' metadata; export it with celflow.export")
    return int(metadata[STRIDE_KEY])


class OnnxStylizer(Stylizer):
    """Stylise H×W×3 uint8 RGB photos of any size with an ONNX student made by `export_onnx`."""

    def __init__(
        self,
        onnx_path: Path,
        threads: int | None = None,
        backend: Backend = Backend.CPU,
        fp16: bool = False,
        spin: bool = True,
    ) -> None:
        self.onnx_path = Path(onnx_path)
        self.backend = Backend(backend)
        self.session = open_session(self.onnx_path, threads, self.backend, fp16=fp16, spin=spin)
        self.stride = stride_from_metadata(self.session.get_modelmeta().custom_metadata_map, self.onnx_path)

    def run_batch(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run([OUTPUT_NAME], {INPUT_NAME: batch})[0]


class AlphaStylizer:
    """An ONNX student with an alpha head: one run gives the stylized photo and its person mask, so the
    realtime loop needs no segmenter."""

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
