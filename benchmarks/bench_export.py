"""Export figures behind the README: FP32 size, INT8/FP16 quality and speed against FP32, and `celflow bench`.

Run: .venv/bin/python benchmarks/bench_export.py [--student DIR --pairs DIR | --preset NAME] [--iterations N] [--json OUT]
Without --student it exports a seeded random student of --preset (default: TrainConfig().student) and
calibrates on crops of the two offline photos; quality figures then describe the quantizer, not a trained
look. Speeds are medians of interleaved runs on this machine's CPU; rerun on a quiet machine for the README.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import cv2
import numpy as np
import skimage.data
import torch

from celflow.core.defaults import STUDENT_ONNX_FILE
from celflow.core.image_files import SAMPLE_PHOTOS
from celflow.export.bench import bench_stylizer, format_table
from celflow.export.calibration import pair_photos
from celflow.export.onnx_export import export_onnx
from celflow.export.open_stylizer import open_stylizer
from celflow.export.quantize import SSIM_FLOOR, QuantizeSettings, make_variant
from celflow.student.checkpoint import save_student
from celflow.student.train import TrainConfig
from celflow.student.unet import PRESETS, StudentConfig, StudentUNet, student_preset

SAMPLES = SAMPLE_PHOTOS
INT8_SETTINGS = {
    "int8 QDQ per-tensor u8/s8 (default)": QuantizeSettings(),
    "int8 QDQ per-channel": QuantizeSettings(per_channel=True),
    "int8 QOperator": QuantizeSettings(quant_format="QOperator"),
    "int8 QDQ Conv only": QuantizeSettings(op_types=("Conv",)),
    "int8 QDQ symmetric s8 (TensorRT)": QuantizeSettings(target="tensorrt"),
}


def offline_photos() -> list[np.ndarray]:
    """Eighteen 384² crops (a 3×3 grid each) of the astronaut and Grace Hopper portraits, both public domain."""
    hopper = cv2.cvtColor(cv2.imread(str(SAMPLES / "grace_hopper.jpg")), cv2.COLOR_BGR2RGB)
    photos = []
    for image in (skimage.data.astronaut(), hopper):
        side = min(image.shape[:2]) * 2 // 3
        for top in np.linspace(0, image.shape[0] - side, 3).astype(int):
            for left in np.linspace(0, image.shape[1] - side, 3).astype(int):
                crop = image[top : top + side, left : left + side]
                photos.append(cv2.resize(crop, (384, 384), interpolation=cv2.INTER_AREA))
    return photos


def random_student(folder: Path, config: StudentConfig) -> Path:
    """A preset with seeded weights and a non-zero head (an untrained head returns the photo)."""
    torch.manual_seed(0)
    model = StudentUNet(config).eval()
    torch.nn.init.normal_(model.head.weight, std=0.3)
    return save_student(model, model.config, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--student", type=Path, help="trained student folder (default: a random --preset)")
    parser.add_argument("--preset", choices=list(PRESETS), help="preset of the random student (default: TrainConfig's)")
    parser.add_argument("--pairs", type=Path, help="pairs folder for calibration (default: offline photo crops)")
    parser.add_argument("--iterations", type=int, default=10, help="timed calls per configuration")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        preset = student_preset(args.preset) if args.preset else TrainConfig().student
        student = args.student or random_student(work / "student", preset)
        photos = pair_photos(args.pairs) if args.pairs else offline_photos()
        report = export_onnx(student, work / STUDENT_ONNX_FILE)
        print(f"student {student}: FP32 ONNX {report.size_bytes / 1e6:.3f} MB (limit 2 MB), parity {report.max_abs_diff:.1e}")
        print("\n| variant | MB | SSIM vs FP32 | FP32 p50 ms | variant p50 ms | speed-up at 640×480 | TensorRT-buildable |")
        print("|---|---|---|---|---|---|---|")
        variants = {}
        candidates = [*INT8_SETTINGS.items(), ("fp16 (onnxconverter-common)", None)]
        for index, (name, settings) in enumerate(candidates):
            kind = "int8" if settings else "fp16"
            out = work / f"variant{index}.onnx"
            variant = make_variant(kind, report.onnx_path, out, photos, settings or QuantizeSettings(), force=True,
                                   iterations=2 * args.iterations)
            variants[name] = variant
            print(f"| {name} | {variant.size_bytes / 1e6:.3f} | {variant.ssim_vs_fp32:.4f} | {variant.fp32_p50_ms:.1f} | "
                  f"{variant.variant_p50_ms:.1f} | {variant.speedup:.2f}× | {'yes' if variant.tensorrt_buildable else 'no'} |")
        best = variants[next(iter(INT8_SETTINGS))]
        print(f"\nDone-when check (default INT8): speed-up {best.speedup:.2f}× (target ≥ 1.5×), "
              f"SSIM {best.ssim_vs_fp32:.4f} (floor {SSIM_FLOOR})")
        rows = []
        for path, name in ((report.onnx_path, STUDENT_ONNX_FILE), (best.onnx_path, "student.int8.onnx")):
            rows += bench_stylizer(open_stylizer(path, "cpu"), name, iterations=args.iterations)
        print(f"\n{format_table(rows)}")
        if args.json:
            figures = {
                "export": report.model_dump(mode="json"),
                "variants": {name: v.model_dump(mode="json") for name, v in variants.items()},
                "bench": [row.model_dump() for row in rows],
            }
            args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
