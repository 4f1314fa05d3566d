"""Native TensorRT: build an engine from the ONNX file once per GPU, TensorRT version and shape profile.

Written against the TensorRT 10 Python API (Builder → OnnxParser → BuilderConfig with an optimization
profile → build_serialized_network; Runtime.deserialize_cuda_engine; set_input_shape / set_tensor_address /
execute_async_v3). `tensorrt` is imported only inside these functions: it is an optional extra. Device
buffers and the CUDA stream come from torch, already a dependency, instead of a second CUDA binding.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Literal

import numpy as np
import onnx

from celflow.core.atomic import write_bytes_atomic
from celflow.export.backends import Backend, cuda_device_name
from celflow.export.runtime import (
    INPUT_NAME,
    OUTPUT_NAME,
    engine_cache_dir,
    engine_profile,
    has_quantize_nodes,
    stride_from_metadata,
)
from celflow.export.shape_profile import ShapeProfile
from celflow.export.stylizer import Stylizer

log = logging.getLogger(__name__)

Precision = Literal["fp32", "fp16", "int8"]
WORKSPACE_BYTES = 1 << 30


def engine_cache_key(onnx_bytes: bytes, gpu_name: str, tensorrt_version: str, profile: ShapeProfile, precision: str) -> str:
    """Engines are specific to the GPU model and TensorRT release; the model bytes and profile pick the build."""
    text = "|".join([hashlib.sha256(onnx_bytes).hexdigest(), gpu_name, tensorrt_version, profile.key(), precision])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def build_engine(onnx_bytes: bytes, onnx_path: Path, profile: ShapeProfile, precision: Precision) -> bytes:
    """A serialized engine; parser errors are raised naming the ONNX file."""
    import tensorrt as trt

    logger = trt.Logger(trt.Logger.WARNING)
    builder = trt.Builder(logger)
    network = builder.create_network(0)  # TensorRT 10: every network has an explicit batch dimension
    parser = trt.OnnxParser(network, logger)
    if not parser.parse(onnx_bytes):
        errors = "; ".join(str(parser.get_error(index)) for index in range(parser.num_errors))
        raise ValueError(f"{onnx_path}: TensorRT cannot parse this model: {errors}")
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, WORKSPACE_BYTES)
    if precision == "fp16":
        config.set_flag(trt.BuilderFlag.FP16)
    if precision == "int8":  # explicit quantization: scales come from the Q/DQ nodes, no calibrator
        config.set_flag(trt.BuilderFlag.INT8)
        config.set_flag(trt.BuilderFlag.FP16)  # layers left unquantized may still run in half precision
    optimization_profile = builder.create_optimization_profile()
    optimization_profile.set_shape(INPUT_NAME, profile.min, profile.opt, profile.max)
    config.add_optimization_profile(optimization_profile)
    serialized = builder.build_serialized_network(network, config)
    if serialized is None:
        raise ValueError(f"{onnx_path}: TensorRT failed to build an engine ({precision}, profile {profile.key()})")
    return bytes(serialized)


def cached_engine(onnx_path: Path, profile: ShapeProfile, precision: Precision) -> bytes:
    """The engine for this file, GPU, TensorRT version and profile: read from the cache or built and cached."""
    import tensorrt as trt

    onnx_bytes = Path(onnx_path).read_bytes()
    key = engine_cache_key(onnx_bytes, cuda_device_name() or "no-gpu", trt.__version__, profile, precision)
    engine_path = engine_cache_dir(onnx_path) / f"{Path(onnx_path).stem}.{precision}.{key}.engine"
    if engine_path.is_file():
        log.info("%s: TensorRT engine from cache %s", onnx_path, engine_path)
        return engine_path.read_bytes()
    log.info("%s: building a TensorRT %s engine (profile %s); cached as %s", onnx_path, precision, profile.key(), engine_path)
    engine = build_engine(onnx_bytes, Path(onnx_path), profile, precision)
    write_bytes_atomic(engine_path, engine)
    return engine


class TensorRTStylizer(Stylizer):
    """The student as a native TensorRT engine; FP16 on request, INT8 when the ONNX file holds Q/DQ nodes; built
    for the file's own input shape when the export fixed one."""

    backend = Backend.TENSORRT

    def __init__(self, onnx_path: Path, fp16: bool = False) -> None:
        import tensorrt as trt
        import torch

        self.onnx_path = Path(onnx_path)
        if not self.onnx_path.is_file():
            raise FileNotFoundError(f"{self.onnx_path}: no ONNX model there; export one with `celflow export`")
        proto = onnx.load(str(self.onnx_path), load_external_data=False)
        self.stride = stride_from_metadata({p.key: p.value for p in proto.metadata_props}, self.onnx_path)
        precision: Precision = "int8" if has_quantize_nodes(self.onnx_path) else "fp16" if fp16 else "fp32"
        self.profile = engine_profile(self.onnx_path)
        self.engine = trt.Runtime(trt.Logger(trt.Logger.WARNING)).deserialize_cuda_engine(
            cached_engine(self.onnx_path, self.profile, precision)
        )
        self.context = self.engine.create_execution_context()
        names = [self.engine.get_tensor_name(index) for index in range(self.engine.num_io_tensors)]
        # Every output needs a buffer, the stylised image and any further head (an alpha matte) alike.
        self.output_names = [n for n in names if self.engine.get_tensor_mode(n) == trt.TensorIOMode.OUTPUT]
        self.stream = torch.cuda.Stream()

    def run_batch(self, batch: np.ndarray) -> np.ndarray:
        import torch

        if not self.profile.covers(batch.shape):
            raise ValueError(f"{self.onnx_path}: batch {batch.shape} is outside the engine's profile {self.profile.key()}")
        with torch.cuda.stream(self.stream):
            image = torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32)).cuda()
            self.context.set_input_shape(INPUT_NAME, tuple(image.shape))
            self.context.set_tensor_address(INPUT_NAME, image.data_ptr())
            outputs = {
                name: torch.empty(tuple(self.context.get_tensor_shape(name)), device="cuda") for name in self.output_names
            }
            for name, tensor in outputs.items():
                self.context.set_tensor_address(name, tensor.data_ptr())
            if not self.context.execute_async_v3(self.stream.cuda_stream):
                raise RuntimeError(f"{self.onnx_path}: TensorRT execution failed")
            stylized = outputs[OUTPUT_NAME].cpu()  # waits for the stream
        return stylized.numpy()
