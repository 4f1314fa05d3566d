"""The export report as markdown: every figure a user needs to pick a file, one row per variant."""

from __future__ import annotations

from pathlib import Path

from celflow.export.onnx_export import ExportReport
from celflow.export.quantize import VariantReport
from celflow.export.report_markdown import export_markdown


def test_the_report_names_parity_operators_and_each_variant() -> None:
    variant = VariantReport(
        kind="int8", onnx_path=Path("m/student.int8.onnx"), size_bytes=100_000, ssim_vs_fp32=0.9851, check_photos=4,
        fp32_p50_ms=50.0, variant_p50_ms=25.0, speedup=2.0, speed_shape=(1, 3, 480, 640), tensorrt_buildable=False,
        forced=False,
    )
    report = ExportReport(
        onnx_path=Path("m/student.onnx"), opset=17, max_abs_diff=1.5e-7, size_bytes=190_000,
        operators=("Conv", "Resize"), variants=(variant,),
    )

    markdown = export_markdown(report)

    assert "opset 17, dynamic batch, height and width, 0.19 MB" in markdown
    assert "max abs diff 1.5e-07" in markdown and "Conv, Resize" in markdown
    assert "| int8 | student.int8.onnx | 0.10 | 0.9851 (4 photos) | 50.0 | 25.0 | 2.00× | no |" in markdown
    assert "one 640×480 frame" in markdown
