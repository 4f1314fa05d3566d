"""The export report as markdown: what the Prefect UI shows as an artifact and what `celflow export` prints."""

from __future__ import annotations

from celflow.export.onnx_export import ExportReport
from celflow.export.quantize import SSIM_FLOOR


def export_markdown(report: ExportReport) -> str:
    shape = "dynamic batch, height and width" if report.fixed_shape is None else f"fixed {report.fixed_shape}"
    lines = [
        f"## {report.onnx_path.name}",
        "",
        f"- opset {report.opset}, {shape}, {report.size_bytes / 1e6:.2f} MB, outputs {', '.join(report.outputs)}",
        f"- parity vs torch: max abs diff {report.max_abs_diff:.1e}",
        f"- operators (all in TensorRT's ONNX support matrix): {', '.join(report.operators)}",
    ]
    if report.variants:
        lines += [
            "",
            f"| variant | file | MB | SSIM vs FP32 (floor {SSIM_FLOOR}) | FP32 p50 ms | variant p50 ms | speed-up | TensorRT-buildable |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {v.kind}{' (forced)' if v.forced else ''} | {v.onnx_path.name} | {v.size_bytes / 1e6:.2f} | "
            f"{v.ssim_vs_fp32:.4f} ({v.check_photos} photos) | {v.fp32_p50_ms:.1f} | {v.variant_p50_ms:.1f} | "
            f"{v.speedup:.2f}× | {'yes' if v.tensorrt_buildable else 'no'} |"
            for v in report.variants
        ]
        width, height = report.variants[0].speed_shape[3], report.variants[0].speed_shape[2]
        lines += ["", f"Speeds: onnxruntime CPU provider, one {width}×{height} frame, medians of interleaved runs."]
    return "\n".join(lines)
