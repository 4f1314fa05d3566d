"""Export the trained student to ONNX with dynamic size, and prove the file computes what torch does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from pydantic import BaseModel, ConfigDict

from celflow.atomic import atomic_path
from celflow.export.runtime import INPUT_NAME, OUTPUT_NAME, STRIDE_KEY, open_session
from celflow.student.checkpoint import load_student
from celflow.student.unet import StudentUNet

PARITY_TOLERANCE = 1e-3
# Two batch sizes and two aspect ratios, so a size frozen into the graph by tracing shows up as a failure.
PARITY_SHAPES = ((1, 96, 128), (2, 160, 96))
DYNAMIC_AXES = {0: "batch", 2: "height", 3: "width"}


class ExportReport(BaseModel):
    """Where the ONNX file went and how far its output strays from torch's (max abs diff in [0, 1] units)."""

    model_config = ConfigDict(frozen=True)

    onnx_path: Path
    opset: int
    max_abs_diff: float
    size_bytes: int


class ParityError(RuntimeError):
    """The exported graph does not compute what the torch student computes."""


def export_onnx(model_dir: Path, onnx_path: Path, opset: int = 17) -> ExportReport:
    """Write `onnx_path` only once it passes the checker and matches torch within PARITY_TOLERANCE."""
    model, config = load_student(model_dir)
    onnx_path = Path(onnx_path)
    inputs = _parity_inputs(config.stride)
    with atomic_path(onnx_path) as tmp:
        torch.onnx.export(
            model,
            (inputs[0],),
            str(tmp),
            dynamo=False,  # the default dynamo exporter needs onnxscript, which is not installed
            opset_version=opset,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: DYNAMIC_AXES, OUTPUT_NAME: DYNAMIC_AXES},
        )
        proto = onnx.load(str(tmp))
        onnx.helper.set_model_props(proto, {STRIDE_KEY: str(config.stride)})
        onnx.checker.check_model(proto)
        onnx.save(proto, str(tmp))
        max_abs_diff = _max_abs_diff(model, tmp, inputs)
        if max_abs_diff > PARITY_TOLERANCE:
            raise ParityError(
                f"{onnx_path}: ONNX output differs from torch by {max_abs_diff:.2e} (limit {PARITY_TOLERANCE:.0e})"
            )
    size_bytes = onnx_path.stat().st_size
    return ExportReport(onnx_path=onnx_path, opset=opset, max_abs_diff=max_abs_diff, size_bytes=size_bytes)


def _parity_inputs(stride: int) -> list[torch.Tensor]:
    """Seeded random images of PARITY_SHAPES, each side rounded up to the stride."""
    generator = torch.Generator().manual_seed(0)
    return [
        torch.rand(batch, 3, -(-height // stride) * stride, -(-width // stride) * stride, generator=generator)
        for batch, height, width in PARITY_SHAPES
    ]


def _max_abs_diff(model: StudentUNet, onnx_path: Path, inputs: list[torch.Tensor]) -> float:
    session = open_session(onnx_path)
    with torch.inference_mode():
        return max(
            float(np.abs(session.run([OUTPUT_NAME], {INPUT_NAME: image.numpy()})[0] - model(image).numpy()).max())
            for image in inputs
        )
