"""Export the trained student to ONNX, and prove the file computes what torch does and that TensorRT can build it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from celflow.core.atomic import atomic_path
from celflow.core.line_art import LINE_ART_METADATA_KEY, read_line_art
from celflow.export.quantize import VariantReport
from celflow.export.runtime import INPUT_NAME, OUTPUT_NAME, STRIDE_KEY, open_session
from celflow.export.tensorrt_ops import check_tensorrt_buildable
from celflow.student.checkpoint import load_student
from celflow.student.unet import StudentUNet
from pydantic import BaseModel, ConfigDict

PARITY_TOLERANCE = 1e-3
MIN_OPSET = 17  # the first opset with everything the student and TensorRT's parser agree on (e.g. Resize modes)
# Two batch sizes and two aspect ratios, so a size frozen into the graph by tracing shows up as a failure.
PARITY_SHAPES = ((1, 96, 128), (2, 160, 96))
DYNAMIC_AXES = {0: "batch", 2: "height", 3: "width"}
# Names of the student's outputs in order: the image, then an optional alpha matte in [0, 1].
OUTPUT_NAMES = (OUTPUT_NAME, "alpha")


class ExportReport(BaseModel):
    """Where the ONNX file went and how far its output strays from torch's (max abs diff in [0, 1] units)."""

    model_config = ConfigDict(frozen=True)

    onnx_path: Path
    opset: int
    max_abs_diff: float
    size_bytes: int
    fixed_shape: tuple[int, int, int] | None = None  # (batch, height, width), or None for dynamic
    operators: tuple[str, ...] = ()
    outputs: tuple[str, ...] = (OUTPUT_NAME,)
    variants: tuple[VariantReport, ...] = ()  # INT8 / FP16 files made beside it, filled in by the export flow


class WithMatte(torch.nn.Module):
    """A student with an alpha head exports both outputs: the stylised image, then the matte as a probability.

    The sigmoid is part of the graph so runtimes read `alpha` as N×1×H×W in [0, 1], 1 on the person.
    """

    def __init__(self, student: StudentUNet) -> None:
        super().__init__()
        self.student = student

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        stylized, matte_logits = self.student.stylize_and_matte(image)
        return stylized, torch.sigmoid(matte_logits)


class ParityError(RuntimeError):
    """The exported graph does not compute what the torch student computes."""


def export_onnx(
    model_dir: Path, onnx_path: Path, opset: int = MIN_OPSET, fixed_shape: tuple[int, int, int] | None = None
) -> ExportReport:
    """Write `onnx_path` only once it passes the checker, TensorRT's operator list and parity with torch.

    `fixed_shape` (batch, height, width) freezes the input size; otherwise batch, height and width are dynamic.
    """
    if opset < MIN_OPSET:
        raise ValueError(f"opset={opset}: celflow exports opset {MIN_OPSET} or newer")
    student, config = load_student(model_dir)
    model = WithMatte(student) if config.alpha_head else student
    onnx_path = Path(onnx_path)
    inputs = _parity_inputs(config.stride, fixed_shape)
    output_names = list(OUTPUT_NAMES[: 2 if config.alpha_head else 1])
    with atomic_path(onnx_path) as tmp:
        torch.onnx.export(
            model,
            (inputs[0],),
            str(tmp),
            dynamo=False,  # the default dynamo exporter needs onnxscript, which is not installed
            opset_version=opset,
            input_names=[INPUT_NAME],
            output_names=output_names,
            dynamic_axes=None if fixed_shape else {name: DYNAMIC_AXES for name in [INPUT_NAME, *output_names]},
        )
        proto = onnx.load(str(tmp))
        props = {STRIDE_KEY: str(config.stride)}
        line_art = read_line_art(model_dir)
        if line_art is not None:  # the line art the run time draws over this student's picture
            props[LINE_ART_METADATA_KEY] = line_art.model_dump_json()
        onnx.helper.set_model_props(proto, props)
        onnx.checker.check_model(proto)
        check_tensorrt_buildable(proto, str(onnx_path))
        onnx.save(proto, str(tmp))
        max_abs_diff = _max_abs_diff(model, tmp, inputs, output_names)
        if max_abs_diff > PARITY_TOLERANCE:
            raise ParityError(
                f"{onnx_path}: ONNX output differs from torch by {max_abs_diff:.2e} (limit {PARITY_TOLERANCE:.0e})"
            )
    return ExportReport(
        onnx_path=onnx_path,
        opset=opset,
        max_abs_diff=max_abs_diff,
        size_bytes=onnx_path.stat().st_size,
        fixed_shape=fixed_shape,
        operators=tuple(sorted({node.op_type for node in proto.graph.node})),
        outputs=tuple(output_names),
    )


def _parity_inputs(stride: int, fixed_shape: tuple[int, int, int] | None) -> list[torch.Tensor]:
    """Seeded random images of PARITY_SHAPES (each side rounded up to the stride), or of the fixed shape."""
    if fixed_shape and (fixed_shape[1] % stride or fixed_shape[2] % stride):
        raise ValueError(f"fixed_shape={fixed_shape}: height and width must be multiples of the stride {stride}")
    generator = torch.Generator().manual_seed(0)
    shapes = [fixed_shape] if fixed_shape else PARITY_SHAPES
    return [
        torch.rand(batch, 3, -(-height // stride) * stride, -(-width // stride) * stride, generator=generator)
        for batch, height, width in shapes
    ]


def _as_tuple(output: torch.Tensor | tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    return output if isinstance(output, tuple) else (output,)


def _max_abs_diff(model: torch.nn.Module, onnx_path: Path, inputs: list[torch.Tensor], output_names: list[str]) -> float:
    """The largest difference over every output and every parity input."""
    session = open_session(onnx_path)
    differences = []
    with torch.inference_mode():
        for image in inputs:
            onnx_outputs = session.run(output_names, {INPUT_NAME: image.numpy()})
            for onnx_output, torch_output in zip(onnx_outputs, _as_tuple(model(image)), strict=True):
                differences.append(float(np.abs(onnx_output - torch_output.numpy()).max()))
    return max(differences)
