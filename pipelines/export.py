"""The `export` flow: a trained student folder → an ONNX model checked against torch, plus INT8/FP16 variants."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from celflow.export.calibration import pair_photos
from celflow.export.onnx_export import MIN_OPSET, ExportReport, export_onnx
from celflow.export.quantize import Int8Target, QualityRefusedError, QuantizeSettings, VariantReport, make_variant
from celflow.export.report_markdown import export_markdown


@task(name="export-onnx")
def export_task(model_dir: Path, onnx_path: Path, opset: int, fixed_shape: tuple[int, int, int] | None) -> ExportReport:
    return export_onnx(model_dir, onnx_path, opset, fixed_shape)


@task(name="int8-variant")
def int8_task(onnx_path: Path, pairs_dir: Path, target: Int8Target, force: bool) -> VariantReport:
    out_path = onnx_path.with_suffix(".int8.onnx")
    return make_variant("int8", onnx_path, out_path, pair_photos(pairs_dir), QuantizeSettings(target=target), force)


@task(name="fp16-variant")
def fp16_task(onnx_path: Path, pairs_dir: Path, force: bool) -> VariantReport:
    return make_variant("fp16", onnx_path, onnx_path.with_suffix(".fp16.onnx"), pair_photos(pairs_dir), force=force)


@flow(name="export")
def export_flow(
    model_dir: Path,
    onnx_path: Path,
    pairs_dir: Path | None = None,
    int8: Int8Target | None = None,
    fp16: bool = False,
    force: bool = False,
    opset: int = MIN_OPSET,
    fixed_shape: tuple[int, int, int] | None = None,
) -> ExportReport:
    """Export the student (failing loudly if outputs disagree), make the variants asked for, publish the report."""
    if (int8 or fp16) and pairs_dir is None:
        raise ValueError("pairs_dir: INT8 calibration and the SSIM check need a pairs folder (--pairs)")
    report = export_task(Path(model_dir), Path(onnx_path), opset, fixed_shape)
    asked = [lambda: int8_task(report.onnx_path, Path(pairs_dir), int8, force)] if int8 else []
    asked += [lambda: fp16_task(report.onnx_path, Path(pairs_dir), force)] if fp16 else []
    variants, refusals = [], []
    for make in asked:  # a refused variant must not cost the user the other one
        try:
            variants.append(make())
        except QualityRefusedError as refusal:
            refusals.append(str(refusal))
    report = report.model_copy(update={"variants": tuple(variants)})
    create_markdown_artifact(key="export-report", markdown=export_markdown(report), description="celflow export")
    if refusals:
        written = "".join(f"; {variant.onnx_path} written" for variant in variants)
        raise QualityRefusedError("; ".join(refusals) + written)
    return report
