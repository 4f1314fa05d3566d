"""INT8 and FP16 variants of an exported student, each judged against FP32 on real photos before it ships.

INT8 uses onnxruntime's static quantizer (QDQ format, calibrated on pair photos); FP16 uses
onnxconverter-common's float16 conversion with FP32 inputs and outputs kept, for GPUs. A variant whose
SSIM against FP32 falls below SSIM_FLOOR is refused unless forced.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

import numpy as np
import onnx
from onnxruntime.quantization import QuantFormat, QuantType, quant_pre_process, quantize_static
from pydantic import BaseModel, ConfigDict

from celflow.core.atomic import atomic_path
from celflow.core.frames import batch_to_rgb
from celflow.export.calibration import PhotoCalibrationReader, fixed_shape_batch, split_calibration_and_check
from celflow.export.latency import interleaved_latencies
from celflow.export.runtime import OnnxStylizer, fixed_input_shape
from celflow.export.shape_profile import Shape
from celflow.export.tensorrt_ops import tensorrt_problems
from celflow.student.metrics import ssim

SSIM_FLOOR = 0.97
SPEED_SHAPE = (1, 3, 480, 640)  # a webcam frame, the figure users compare; a fixed-shape export is timed at its own
Int8Target = Literal["cpu", "tensorrt"]


class QuantizeSettings(BaseModel):
    """How the static quantizer runs; the defaults are the fastest on x86 CPUs (the README's measured table)."""

    model_config = ConfigDict(frozen=True)

    quant_format: Literal["QDQ", "QOperator"] = "QDQ"
    per_channel: bool = False
    # TensorRT needs zero points of 0, so INT8 activations symmetric around 0; the CPU is faster with uint8.
    target: Int8Target = "cpu"
    op_types: tuple[str, ...] | None = None  # None: every op type the quantizer knows
    exclude_nodes: tuple[str, ...] = ()  # node names left in FP32


class VariantReport(BaseModel):
    """A quantized or half-precision variant: its quality against FP32 and its speed, as measured here."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["int8", "fp16"]
    onnx_path: Path
    size_bytes: int
    ssim_vs_fp32: float
    check_photos: int
    fp32_p50_ms: float
    variant_p50_ms: float
    speedup: float
    speed_shape: tuple[int, int, int, int]
    tensorrt_buildable: bool
    forced: bool


class QualityRefusedError(ValueError):
    """A variant strays too far from FP32 to ship without --force."""


def quantize_int8(
    fp32_path: Path, out_path: Path, photos: list[np.ndarray], stride: int, settings: QuantizeSettings
) -> None:
    """Static INT8 quantization calibrated on `photos` (H×W×3 uint8 RGB)."""
    with tempfile.TemporaryDirectory() as folder:
        prepared = Path(folder) / "prepared.onnx"
        # Symbolic shape inference cannot follow the U-Net's size-dependent Resize; ONNX's own inference can.
        quant_pre_process(str(fp32_path), str(prepared), skip_symbolic_shape=True)
        symmetric = settings.target == "tensorrt"
        quantize_static(
            str(prepared),
            str(out_path),
            PhotoCalibrationReader(photos, stride, fixed_input_shape(fp32_path)),
            quant_format=QuantFormat[settings.quant_format],
            per_channel=settings.per_channel,
            op_types_to_quantize=list(settings.op_types) if settings.op_types else None,
            nodes_to_exclude=list(settings.exclude_nodes),
            activation_type=QuantType.QInt8 if symmetric else QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            # TensorRT dequantizes INT8 only: biases quantized to INT32 would stop its parser, so they stay float.
            extra_options={"ActivationSymmetric": symmetric, "WeightSymmetric": True, "QuantizeBias": not symmetric},
        )
    _keep_metadata(fp32_path, out_path)


def convert_fp16(fp32_path: Path, out_path: Path) -> None:
    """Half-precision weights and activations, FP32 at the edges so callers feed the same arrays."""
    from onnxconverter_common import float16

    model = float16.convert_float_to_float16(onnx.load(str(fp32_path)), keep_io_types=True)
    onnx.checker.check_model(model)
    onnx.save(model, str(out_path))
    _keep_metadata(fp32_path, out_path)


def _keep_metadata(source: Path, target: Path) -> None:
    """The stride (and any other celflow metadata) travels with every variant."""
    model = onnx.load(str(target))
    props = {prop.key: prop.value for prop in onnx.load(str(source), load_external_data=False).metadata_props}
    onnx.helper.set_model_props(model, props)
    onnx.save(model, str(target))


def compare_to_fp32(
    fp32_path: Path, variant_path: Path, photos: list[np.ndarray], warmup: int = 3, iterations: int = 20
) -> tuple[float, float, float, Shape]:
    """Mean SSIM of the variant's stylisations against FP32's, both median latencies (ms), and the shape timed:
    SPEED_SHAPE, or the one shape a fixed-shape export takes (photos are then resized to it as well).

    Timed interleaved on the CPU provider, so a busy machine slows both alike and the ratio stays fair; without
    spin-waiting, or each session's idle threads would slow the other.
    """
    reference, variant = OnnxStylizer(fp32_path, spin=False), OnnxStylizer(variant_path, spin=False)
    fixed_shape = fixed_input_shape(fp32_path)
    if fixed_shape is None:
        drawings = [(variant(photo), reference(photo)) for photo in photos]
    else:
        batches = [fixed_shape_batch(photo, fixed_shape) for photo in photos]
        drawings = [(batch_to_rgb(variant.run_batch(batch)), batch_to_rgb(reference.run_batch(batch))) for batch in batches]
    mean_ssim = float(np.mean([ssim(*pair) for pair in drawings]))
    speed_shape = fixed_shape or SPEED_SHAPE
    frame = np.random.default_rng(0).random(speed_shape, dtype=np.float32)
    fp32_latency, variant_latency = interleaved_latencies(
        [lambda: reference.run_batch(frame), lambda: variant.run_batch(frame)], warmup, iterations
    )
    return mean_ssim, fp32_latency.p50_ms, variant_latency.p50_ms, speed_shape


def make_variant(
    kind: Literal["int8", "fp16"],
    fp32_path: Path,
    out_path: Path,
    photos: list[np.ndarray],
    settings: QuantizeSettings = QuantizeSettings(),
    force: bool = False,
    warmup: int = 3,
    iterations: int = 20,
) -> VariantReport:
    """Write the variant to `out_path` only if its SSIM vs FP32 reaches SSIM_FLOOR (or `force`); report either way.

    `photos` are split: INT8 calibrates on half and is judged on the other half.
    """
    calibration, check = split_calibration_and_check(photos)
    stride = OnnxStylizer(fp32_path).stride
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        if kind == "int8":
            quantize_int8(fp32_path, tmp, calibration, stride, settings)
        else:
            convert_fp16(fp32_path, tmp)
        mean_ssim, fp32_ms, variant_ms, speed_shape = compare_to_fp32(fp32_path, tmp, check, warmup, iterations)
        if mean_ssim < SSIM_FLOOR and not force:
            raise QualityRefusedError(
                f"{out_path}: {kind} SSIM vs FP32 is {mean_ssim:.4f}, below {SSIM_FLOOR}; not written (--force ships it)"
            )
        buildable = not tensorrt_problems(onnx.load(str(tmp)))
    return VariantReport(
        kind=kind,
        onnx_path=out_path,
        size_bytes=out_path.stat().st_size,
        ssim_vs_fp32=mean_ssim,
        check_photos=len(check),
        fp32_p50_ms=fp32_ms,
        variant_p50_ms=variant_ms,
        speedup=fp32_ms / variant_ms,
        speed_shape=speed_shape,
        tensorrt_buildable=buildable,
        forced=mean_ssim < SSIM_FLOOR,
    )
