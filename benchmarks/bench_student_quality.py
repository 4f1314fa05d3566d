"""Is the student good enough to ship? Train a preset (`small`) on ≥ 200 teacher pairs from real photos for
at most 10 minutes, then measure, in this one run, everything the student-quality issue asks for.

Run: .venv/bin/python benchmarks/bench_student_quality.py [--out DIR] [--minutes 10] [--threads 2] [--preset small]
A rerun with the same --out reuses the pairs already made (and the trained student, unless --retrain).

Photos (real, offline): training = augmented crops/flips/colour jitter of NASA's astronaut portrait and
of the first half of the carphone clip's frames; held out = crops of Grace Hopper's portrait (a person
never seen in training) and the clip's second half (frames never seen in training, same talking head).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
import torch

from celflow.character import Character, load_character
from celflow.export.onnx_export import export_onnx
from celflow.export.runtime import OnnxStylizer
from celflow.generators.pair import PairMaker
from celflow.pipelines.demo_photos import augmented_variants, clip_frames, demo_clip_path, portraits
from celflow.pipelines.evaluate import measure_flicker
from celflow.pipelines.generate import assemble_manifest, generate_pair
from celflow.pipelines.pair_store import list_photos
from celflow.pipelines.image_files import write_image
from celflow.records import Manifest, read_manifest, write_manifest
from celflow.student.checkpoint import load_student
from celflow.student.dataset import PairDataset, sample_batch
from celflow.student.evaluate import evaluate_model
from celflow.student.losses import DistillationLoss, LossWeights
from celflow.student.train import TrainConfig, train_student
from celflow.student.unet import PRESETS, StudentUNet, student_preset

CHARACTER = "default"
FRAME = (480, 640)  # (height, width): the latency targets are stated at 640×480
TIMING_RUNS = 15
FLICKER_FRAMES = 60  # the clip's held-out second half (it has 120 frames)


def write_photos(out_dir: Path, variants: int, seed: int = 0) -> tuple[Path, Path]:
    """Training and held-out photo folders (JPEG), disjoint by source as the module docstring says."""
    train_dir, heldout_dir = out_dir / "train", out_dir / "heldout"
    frames = clip_frames(every=2)
    half = len(frames) // 2
    stills = portraits()
    photos = {train_dir / f"astronaut__{i:03d}.jpg": img for i, img in enumerate(augmented_variants(stills["astronaut"], variants, seed))}
    for index, frame in enumerate(frames[:half]):
        for variant, image in enumerate([frame, *augmented_variants(frame, 3, seed + 100 + index)]):
            photos[train_dir / f"carphone__{index:03d}_{variant}.jpg"] = image
    for index, image in enumerate(augmented_variants(stills["hopper"], 12, seed + 1)):
        photos[heldout_dir / f"hopper__{index:03d}.jpg"] = image
    for index, frame in enumerate(frames[half:]):
        photos[heldout_dir / f"carphone__{half + index:03d}.jpg"] = frame
    for path, rgb in photos.items():
        if not path.exists():
            write_image(path, rgb)
    return train_dir, heldout_dir


def make_pairs(photos_dir: Path, pairs_dir: Path, character: Character) -> Manifest:
    """The generate flow's own per-photo step, in this process (no Prefect server to start on a busy machine)."""
    outcomes = [generate_pair(photo, photos_dir, pairs_dir, character, 384, 4) for photo in list_photos(photos_dir)]
    manifest = assemble_manifest(character, outcomes)
    write_manifest(pairs_dir, manifest)
    return manifest


def median_ms(run, argument, repeats: int = TIMING_RUNS) -> float:
    run(argument)  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run(argument)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def steps_for(minutes: float, config: TrainConfig, pairs_dir: Path, threads: int) -> int:
    """How many steps fit in `minutes` at this machine's current speed (median of 8 real steps, 90 % margin)."""
    torch.set_num_threads(threads)
    dataset = PairDataset(read_manifest(pairs_dir).pair_dirs(pairs_dir)[:32], config.crop_size, augment=True)
    for index in range(len(dataset)):  # training decodes each pair once: time steps on decoded pairs, as it runs
        dataset[index]
    model = StudentUNet(config.student).to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters())
    loss = DistillationLoss(config.loss)
    times = []
    for seed in range(9):
        started = time.perf_counter()
        photos, targets, _ = sample_batch(dataset, config.batch_size, seed)
        total = sum(loss(model(photos.contiguous(memory_format=torch.channels_last)), targets).values())
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        times.append(time.perf_counter() - started)
    return max(1, int(0.9 * 60 * minutes / statistics.median(times[1:])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/celflow-bench-quality"))
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--preset", choices=list(PRESETS), default="small", help="student preset (trained with its alpha head)")
    parser.add_argument("--variants", type=int, default=110, help="augmented astronaut crops (clip frames add 120)")
    parser.add_argument("--steps", type=int, default=None, help="training steps (default: as many as fit in --minutes, timed here)")
    parser.add_argument("--learning-rate", type=float, default=TrainConfig().learning_rate, help="peak rate of the cosine schedule")
    parser.add_argument("--retrain", action="store_true")
    args = parser.parse_args()
    out: Path = args.out
    character = load_character(CHARACTER)

    started = time.perf_counter()
    train_photos, heldout_photos = write_photos(out / "photos", args.variants)
    train_pairs = make_pairs(train_photos, out / "pairs", character)
    heldout_pairs = make_pairs(heldout_photos, out / "heldout_pairs", character)
    generate_s = time.perf_counter() - started

    model_dir = out / "student"
    base = TrainConfig(
        student=student_preset(args.preset, alpha_head=True),
        max_minutes=args.minutes,
        learning_rate=args.learning_rate,
        checkpoint_every=250,
        loss=LossWeights(),
    )
    if args.retrain or not (model_dir / "train_report.json").exists():
        for stale in model_dir.glob("*"):
            if stale.is_file():
                stale.unlink()
        steps = args.steps or steps_for(args.minutes, base, out / "pairs", args.threads)
        config = base.model_copy(update={"steps": steps})
        trained = train_student(out / "pairs", model_dir, config, out / "heldout_pairs", progress=False, threads=args.threads)
    else:
        from celflow.student.train import TrainReport

        trained = TrainReport.model_validate_json((model_dir / "train_report.json").read_text())

    model, _ = load_student(model_dir)
    torch.set_num_threads(args.threads)
    heldout_dirs = read_manifest(out / "heldout_pairs").pair_dirs(out / "heldout_pairs")
    scores = evaluate_model(model, heldout_dirs)
    by_source = {
        source: float(np.mean([p.ssim for p in scores.per_pair if p.pair_id.startswith(source)]))
        for source in ("hopper", "carphone")
    }

    onnx = export_onnx(model_dir, out / "student.onnx")
    student = OnnxStylizer(onnx.onnx_path, threads=args.threads)
    teacher = PairMaker(character, max_faces=1)
    frame = cv2.resize(clip_frames(every=1, limit=61)[60], (FRAME[1], FRAME[0]), interpolation=cv2.INTER_CUBIC)
    student_ms, teacher_ms = median_ms(student, frame), median_ms(teacher, frame)
    teacher.close()
    # the held-out half of the clip, every frame, enlarged ×2 as for training (the teacher needs faces ≥ its minimum)
    heldout_frames = clip_frames(every=1, limit=120)[-FLICKER_FRAMES:]
    flicker = measure_flicker(model_dir, demo_clip_path(), heldout_frames, character)

    figures = {
        "train pairs (rejected photos)": f"{len(train_pairs.pairs)} ({len(train_pairs.rejected)})",
        "held-out pairs": f"{len(heldout_pairs.pairs)} (hopper {sum(p.pair_id.startswith('hopper') for p in scores.per_pair)}, carphone {sum(p.pair_id.startswith('carphone') for p in scores.per_pair)})",
        "pair generation, this run (pairs already on disk are reused)": f"{generate_s:.0f} s",
        "training": f"{args.preset}: {trained.steps} steps in {trained.seconds / 60:.1f} min, batch {base.batch_size}, crop {base.crop_size}², lr {base.learning_rate:g}, {args.threads} threads",
        "held-out SSIM vs teacher (target ≥ 0.90)": f"{scores.ssim:.4f} (hopper {by_source['hopper']:.4f}, carphone {by_source['carphone']:.4f})",
        "held-out PSNR / MS-SSIM / line F1": f"{scores.psnr:.2f} dB / {scores.ms_ssim:.4f} / {scores.edge_f1:.4f}",
        "alpha IoU vs person masks (target ≥ 0.9)": f"{scores.alpha_iou:.4f}",
        "student ONNX 640×480, median (target ≤ 25 ms)": f"{student_ms:.1f} ms ({args.threads} threads)",
        "full teacher 640×480, median": f"{teacher_ms:.1f} ms (face mesh, mask, skin, cel shading, warp)",
        "student speed-up (target ≥ 10×)": f"{teacher_ms / student_ms:.1f}×",
        f"flicker, {flicker.frames} clip frames, student / teacher (target student ≤ teacher)": f"{flicker.student:.2f} / {flicker.teacher:.2f} ({flicker.frames_teacher_rejected} frames rejected by teacher)",
    }
    print("\n| student quality benchmark | measured |\n|---|---|")
    for name, value in figures.items():
        print(f"| {name} | {value} |")
    (out / "bench_student_quality.json").write_text(
        json.dumps({"figures": figures, "evaluation": scores.model_dump(exclude={"per_pair"}), "flicker": flicker.model_dump(mode="json")}, indent=2)
    )


if __name__ == "__main__":
    main()
