"""Underfitting or capacity? Train students of growing size on the quality benchmark's pairs for a fixed
number of steps and score each on the held-out pairs and on pairs it trained on.

Meant for a CUDA GPU, where `celflow train` runs in bfloat16 autocast with channels-last and a large student
trains in minutes; on CPU, pass small --steps. Run bench_student_quality.py first: it makes the pairs.

Run: .venv/bin/python benchmarks/bench_student_capacity.py [--pairs /tmp/celflow-bench-quality] [--out DIR]
     [--variants small,small-long,wide] [--steps 4000] [--threads 2] [--minutes M] [--loader-workers N]
On one GPU, variants may run side by side as separate processes (one --variants each), as for the README's table.
A training gap (train ≈ held-out, both low) that closes with size says capacity; with steps, optimisation.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch

from celflow.core.pair_folder import read_manifest
from celflow.student.checkpoint import load_student
from celflow.student.evaluate import evaluate_model
from celflow.student.train import TrainConfig, train_student
from celflow.student.unet import StudentConfig, student_preset

TRAIN_SCORED = 40  # training pairs scored (every fifth)
# name: (student, batch, learning rate, steps multiplier); `wide` is a full-resolution dense U-Net, 5.5 M parameters
VARIANTS: dict[str, tuple[StudentConfig, int, float, int]] = {
    "small": (student_preset("small", alpha_head=True), 8, 2e-3, 1),
    "small-long": (student_preset("small", alpha_head=True), 16, 2e-3, 4),
    "base-long": (student_preset("base", alpha_head=True), 16, 2e-3, 4),
    "wide": (StudentConfig(widths=(64, 128, 256, 512), blocks="dense", head="gated", alpha_head=True), 16, 1e-3, 4),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=Path("/tmp/celflow-bench-quality"), help="bench_student_quality.py's --out")
    parser.add_argument("--out", type=Path, default=Path("/tmp/celflow-bench-capacity"))
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of {', '.join(VARIANTS)}")
    parser.add_argument("--steps", type=int, default=4000, help="steps of `small` (the others train a multiple)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=None, help="stop each variant after this long (the table says so)")
    parser.add_argument("--loader-workers", type=int, default=None, help="batch-drawing processes (default: train_student's)")
    args = parser.parse_args()
    train_pairs, heldout_pairs = args.pairs / "pairs", args.pairs / "heldout_pairs"
    train_dirs = read_manifest(train_pairs).pair_dirs(train_pairs)
    heldout_dirs = read_manifest(heldout_pairs).pair_dirs(heldout_pairs)
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else f"CPU, {args.threads} threads"

    rows = []
    for name in args.variants.split(","):
        student, batch, learning_rate, multiplier = VARIANTS[name]
        config = TrainConfig(
            student=student, steps=args.steps * multiplier, batch_size=batch, learning_rate=learning_rate,
            checkpoint_every=1000, max_minutes=args.minutes,
        )
        model_dir = args.out / name
        shutil.rmtree(model_dir, ignore_errors=True)
        report = train_student(
            train_pairs, model_dir, config, heldout_pairs, progress=False, threads=args.threads, loader_workers=args.loader_workers
        )
        model, _ = load_student(model_dir)
        torch.set_num_threads(args.threads)
        trained_on = evaluate_model(model, train_dirs[::5][:TRAIN_SCORED])
        rows.append({
            "variant": name, "parameters": sum(p.numel() for p in model.parameters()), "steps": report.steps,
            "of_steps": config.steps, "batch": batch, "minutes": round(report.seconds / 60, 1),
            "heldout_ssim": report.val_ssim, "heldout_psnr": report.val_psnr, "alpha_iou": report.val_alpha_iou,
            "train_ssim": trained_on.ssim,
        })
        print(json.dumps(rows[-1]), flush=True)

    print(f"\n{device}; held out: {len(heldout_dirs)} pairs, trained on: {TRAIN_SCORED} of {len(train_dirs)} pairs")
    print("| variant | parameters | steps × batch | minutes | held-out SSIM | PSNR | alpha IoU | SSIM on trained pairs |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['variant']} | {row['parameters']:,} | {row['steps']} of {row['of_steps']} × {row['batch']} | {row['minutes']} | "
            f"{row['heldout_ssim']:.4f} | {row['heldout_psnr']:.2f} | {row['alpha_iou']:.3f} | {row['train_ssim']:.4f} |"
        )


if __name__ == "__main__":
    main()
