"""`celflow export`: student → ONNX, with optional INT8 / FP16 variants judged against FP32."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from celflow.cli.support import fail, user_errors
from celflow.core.defaults import STUDENT_ONNX_FILE


def parse_fixed_shape(text: str) -> tuple[int, int, int]:
    """'4x480x640' (batch × height × width) → (4, 480, 640)."""
    try:
        batch, height, width = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"--fixed-shape {text}: expected BATCHxHEIGHTxWIDTH, e.g. 1x480x640") from None
    return batch, height, width


def export(
    model_dir: Annotated[Path, typer.Argument(help="Student folder made by `celflow train`.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="ONNX file (default: MODEL_DIR/student.onnx).")] = None,
    opset: Annotated[int, typer.Option(help="ONNX opset, 17 or newer.")] = 17,
    fixed_shape: Annotated[
        str | None, typer.Option(help="Freeze the input to BATCHxHEIGHTxWIDTH (default: all three dynamic).")
    ] = None,
    int8: Annotated[
        Literal["cpu", "tensorrt"] | None,
        typer.Option(help="Also write OUTPUT.int8.onnx, calibrated on --pairs: uint8 activations for CPUs, or symmetric int8 for TensorRT."),
    ] = None,
    fp16: Annotated[bool, typer.Option("--fp16", help="Also write OUTPUT.fp16.onnx for GPUs.")] = False,
    pairs: Annotated[Path | None, typer.Option(help="Pairs folder: INT8 calibration photos and the SSIM check.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write a variant even when its SSIM vs FP32 is below 0.97.")] = False,
) -> None:
    """Export the student to ONNX and check it against torch (fails above 1e-3) and TensorRT's operator list."""
    from celflow.student.checkpoint import load_student

    try:
        load_student(model_dir)
        shape = parse_fixed_shape(fixed_shape) if fixed_shape else None
        if (int8 or fp16) and pairs is None:  # checked here too, so no flow run starts only to fail
            raise ValueError("--pairs: INT8 calibration and the SSIM check need a pairs folder")
        from celflow.pipelines.export import export_flow

        report = export_flow(model_dir, output or model_dir / STUDENT_ONNX_FILE, pairs, int8, fp16, force, opset, shape)
    except user_errors() as error:  # includes a refused variant and an operator TensorRT cannot build
        fail(error)
    from celflow.export.report_markdown import export_markdown

    typer.echo(export_markdown(report))
