"""The `export` flow: a trained student folder → an ONNX model checked against torch."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task

from celflow.export.onnx_export import ExportReport, export_onnx


@task(name="export-onnx")
def export_task(model_dir: Path, onnx_path: Path) -> ExportReport:
    return export_onnx(model_dir, onnx_path)


@flow(name="export")
def export_flow(model_dir: Path, onnx_path: Path) -> ExportReport:
    """Export the student in `model_dir` to `onnx_path` (dynamic size), failing loudly if outputs disagree."""
    return export_task(Path(model_dir), Path(onnx_path))
