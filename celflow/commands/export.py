"""`celflow export`: student → ONNX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from celflow.cli_support import fail, user_errors

def export(
    model_dir: Annotated[Path, typer.Argument(help="Student folder made by `celflow train`.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="ONNX file (default: MODEL_DIR/student.onnx).")] = None,
) -> None:
    """Export the student to ONNX (dynamic size) and check it against torch; fails above 1e-3."""
    from celflow.student.checkpoint import load_student

    try:
        load_student(model_dir)
    except user_errors() as error:
        fail(error)
    from celflow.pipelines.export import export_flow

    report = export_flow(model_dir, output or model_dir / "student.onnx")
    typer.echo(f"wrote {report.onnx_path} ({report.size_bytes / 1e6:.2f} MB); max abs diff vs torch {report.max_abs_diff:.1e}")
