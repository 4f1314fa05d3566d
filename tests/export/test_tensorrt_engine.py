"""Native TensorRT: the engine cache key and the shape profile, checked everywhere; engine build and run where
TensorRT and a GPU exist."""

from __future__ import annotations

import numpy as np
import pytest

from celflow.export.backends import Backend, availability
from celflow.export.onnx_export import ExportReport
from celflow.export.runtime import INPUT_NAME, OnnxStylizer, engine_cache_dir, engine_profile, execution_providers
from celflow.export.shape_profile import DEFAULT_PROFILE, fixed_profile
from celflow.export.tensorrt_engine import engine_cache_key

TENSORRT = availability(Backend.TENSORRT)
needs_tensorrt = pytest.mark.skipif(not TENSORRT.available, reason=f"native TensorRT unavailable: {TENSORRT.reason}")


def test_the_engine_cache_key_changes_with_gpu_tensorrt_version_profile_and_precision() -> None:
    base = (b"onnx bytes", "NVIDIA H100 80GB HBM3", "10.9.0", DEFAULT_PROFILE, "fp16")
    variants = [
        (b"other onnx bytes", *base[1:]),
        (base[0], "NVIDIA GeForce RTX 4090", *base[2:]),
        (*base[:2], "10.8.0", *base[3:]),
        (*base[:3], fixed_profile((1, 3, 480, 640)), base[4]),
        (*base[:4], "int8"),
    ]

    assert engine_cache_key(*base) == engine_cache_key(*base)
    assert len({engine_cache_key(*base), *(engine_cache_key(*variant) for variant in variants)}) == 6


def test_the_default_profile_covers_the_benchmark_sizes_up_to_batch_4_of_1080p() -> None:
    assert DEFAULT_PROFILE.covers((1, 3, 480, 640)) and DEFAULT_PROFILE.covers((4, 3, 1088, 1920))
    assert not DEFAULT_PROFILE.covers((8, 3, 480, 640)) and not DEFAULT_PROFILE.covers((1, 3, 2160, 3840))


def test_a_fixed_shape_export_is_built_for_that_shape_alone(fixed_export: ExportReport, exported: ExportReport) -> None:
    assert engine_profile(fixed_export.onnx_path) == fixed_profile((1, 3, 64, 96))
    assert engine_profile(exported.onnx_path) == DEFAULT_PROFILE


@pytest.mark.parametrize(("export", "shapes"), [("fixed", ["1x3x64x96"] * 3), ("dynamic", ["1x3x16x16", "1x3x480x640", "4x3x1088x1920"])])
def test_the_tensorrt_ep_profile_is_the_files_own(
    export: str, shapes: list[str], fixed_export: ExportReport, exported: ExportReport
) -> None:
    onnx_path = (fixed_export if export == "fixed" else exported).onnx_path
    [(_, options), *_] = execution_providers(Backend.TENSORRT_EP, onnx_path, fp16=False)

    profile = [options[f"trt_profile_{name}_shapes"] for name in ("min", "opt", "max")]
    assert profile == [f"{INPUT_NAME}:{shape}" for shape in shapes]


@needs_tensorrt
def test_a_fixed_shape_engine_has_one_shape(fixed_export: ExportReport) -> None:
    from celflow.export.tensorrt_engine import TensorRTStylizer

    engine = TensorRTStylizer(fixed_export.onnx_path).engine
    assert [tuple(shape) for shape in engine.get_tensor_profile_shape(INPUT_NAME, 0)] == [(1, 3, 64, 96)] * 3


@needs_tensorrt
@pytest.mark.parametrize("fp16", [False, True])
def test_a_tensorrt_engine_matches_onnxruntime_and_is_cached(exported: ExportReport, astronaut: np.ndarray, fp16: bool) -> None:
    from celflow.export.tensorrt_engine import TensorRTStylizer

    photo = np.ascontiguousarray(astronaut[:240, :320])
    stylized = TensorRTStylizer(exported.onnx_path, fp16=fp16)(photo)

    assert np.abs(stylized.astype(np.int16) - OnnxStylizer(exported.onnx_path)(photo)).max() <= (4 if fp16 else 2)
    engines = sorted(engine_cache_dir(exported.onnx_path).glob("*.engine"))
    TensorRTStylizer(exported.onnx_path, fp16=fp16)  # a second open reads the cache instead of building again
    assert sorted(engine_cache_dir(exported.onnx_path).glob("*.engine")) == engines and engines


@needs_tensorrt
def test_a_batch_outside_the_profile_is_refused(exported: ExportReport) -> None:
    from celflow.export.tensorrt_engine import TensorRTStylizer

    with pytest.raises(ValueError, match=r"outside the engine's profile"):
        TensorRTStylizer(exported.onnx_path).run_batch(np.zeros((8, 3, 64, 64), np.float32))

