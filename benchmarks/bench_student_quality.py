"""Does the student draw what the teacher draws, on people it never saw? Train `small` on the demo's kind of
pairs for at most 10 minutes twice, side by side on the same pairs: from scratch, and fine-tuned from the base
student shipped with celflow; then measure, in this one run, what the student issue asks for.

Run: .venv/bin/python benchmarks/bench_student_quality.py [--out DIR] [--minutes 10] [--threads 2]
A rerun with the same --out reuses the pairs already made (and the trained students, unless --retrain).

Photos (real, offline): training = new photos (framing, light, white balance, skin tone, noise, JPEG) of NASA's
astronaut portrait and the first half of the carphone clip's frames; held out = photos of Grace Hopper and
President Obama (celflow's samples), people neither student nor the base student ever trained on. The clip's
second half (same talking head, later frames) measures flicker only.
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

from celflow.core.character import Character, load_character
from celflow.core.defaults import DEFAULT_CHARACTER, STUDENT_ONNX_FILE
from celflow.core.image_files import list_photos, write_image
from celflow.core.pair_folder import Manifest, read_manifest, write_manifest
from celflow.export.onnx_export import export_onnx
from celflow.export.runtime import OnnxStylizer
from celflow.pipelines.demo_photos import (
    HELDOUT_PEOPLE,
    augmented_variants,
    clip_frames,
    demo_clip_path,
    portraits,
)
from celflow.pipelines.evaluate import look_task, measure_flicker
from celflow.pipelines.generate import assemble_manifest, generate_pair
from celflow.student.base import fine_tuning
from celflow.student.checkpoint import load_student
from celflow.student.dataset import PairDataset, sample_batch
from celflow.student.evaluate import evaluate_model
from celflow.student.losses import DistillationLoss
from celflow.student.train import TrainConfig, train_student
from celflow.student.unet import StudentUNet, student_preset

CHARACTER = DEFAULT_CHARACTER
FRAME = (480, 640)  # (height, width): the latency targets are stated at 640×480
TIMING_RUNS = 15
FLICKER_FRAMES = 60  # the clip's second half (it has 120 frames), never trained on


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
    for offset, person in enumerate(HELDOUT_PEOPLE, start=1):
        photos[heldout_dir / f"{person}__000.jpg"] = stills[person]
        for index, image in enumerate(augmented_variants(stills[person], 8, seed + offset), start=1):
            photos[heldout_dir / f"{person}__{index:03d}.jpg"] = image
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


def train_one(name: str, config: TrainConfig, out: Path, args: argparse.Namespace) -> Path:
    """Train (or reuse) one student into out/NAME; returns its folder."""
    from celflow.student.train import TrainReport

    model_dir = out / name
    if args.retrain or not (model_dir / "train_report.json").exists():
        for stale in model_dir.glob("*"):
            if stale.is_file():
                stale.unlink()
        train_student(out / "pairs", model_dir, config, out / "heldout_pairs", progress=False, threads=args.threads)
    TrainReport.model_validate_json((model_dir / "train_report.json").read_text())
    return model_dir


def figures_of(model_dir: Path, out: Path, args: argparse.Namespace) -> dict[str, str]:
    """Everything measured on one trained student, as table cells."""
    from celflow.student.train import TrainReport

    trained = TrainReport.model_validate_json((model_dir / "train_report.json").read_text())
    model, _ = load_student(model_dir)
    torch.set_num_threads(args.threads)
    heldout_dirs = read_manifest(out / "heldout_pairs").pair_dirs(out / "heldout_pairs")
    scores = evaluate_model(model, heldout_dirs)
    by_person = {
        person: float(np.mean([p.ssim for p in scores.per_pair if p.pair_id.startswith(person)])) for person in HELDOUT_PEOPLE
    }
    look_teacher, look_student = look_task.fn(model_dir, out / "heldout_pairs", CHARACTER)
    student = OnnxStylizer(export_onnx(model_dir, model_dir / STUDENT_ONNX_FILE).onnx_path, threads=args.threads)
    frame = cv2.resize(clip_frames(every=1, limit=61)[60], (FRAME[1], FRAME[0]), interpolation=cv2.INTER_CUBIC)
    flicker = measure_flicker(model_dir, demo_clip_path(), clip_frames(every=1, limit=120)[-FLICKER_FRAMES:], load_character(CHARACTER))
    flat_gap = look_student.flat_share_median / look_teacher.flat_share_median - 1
    return {
        "training (batch 8, crop 128², 2 threads)": f"{trained.steps} steps in {trained.seconds / 60:.1f} min",
        "held-out SSIM vs teacher (≥ 0.85)": f"{scores.ssim:.3f} ({', '.join(f'{k} {v:.3f}' for k, v in by_person.items())})",
        "held-out PSNR / line F1 (F1 ≥ 0.75)": f"{scores.psnr:.1f} dB / {scores.edge_f1:.3f}",
        "closer to the teacher than to the photo (every pair)": f"{scores.closer_to_teacher} of {scores.pairs}",
        "flat share, student / teacher (within 10 %)": f"{look_student.flat_share_median:.2f} / {look_teacher.flat_share_median:.2f} ({100 * flat_gap:+.0f} %)",
        "ink in strokes ≥ 20 px, student / teacher": f"{look_student.stroke_share_median:.2f} / {look_teacher.stroke_share_median:.2f}",
        "same person as the photo, student / teacher": f"{look_student.same_person} of {look_student.frontal_faces} / {look_teacher.same_person} of {look_teacher.frontal_faces}",
        "identity distance median, student / teacher": f"{look_student.identity_distance_median:.3f} / {look_teacher.identity_distance_median:.3f}",
        "|ΔITA| vs photo median, student / teacher (≤ 8°)": f"{look_student.delta_ita_median:.1f}° / {look_teacher.delta_ita_median:.1f}°",
        "alpha IoU vs person masks": f"{scores.alpha_iou:.3f}",
        "student ONNX 640×480, median (≤ 25 ms)": f"{median_ms(student, frame):.1f} ms",
        f"flicker on {flicker.frames} clip frames, student / teacher": f"{flicker.student:.2f} / {flicker.teacher:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/celflow-bench-quality"))
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", type=int, default=110, help="new astronaut photos (clip frames add 240)")
    parser.add_argument("--retrain", action="store_true")
    args = parser.parse_args()
    out: Path = args.out
    character = load_character(CHARACTER)

    started = time.perf_counter()
    train_photos, heldout_photos = write_photos(out / "photos", args.variants)
    train_pairs = make_pairs(train_photos, out / "pairs", character)
    heldout_pairs = make_pairs(heldout_photos, out / "heldout_pairs", character)
    print(f"pairs: {len(train_pairs.pairs)} to train on ({len(train_pairs.rejected)} photos rejected), "
          f"{len(heldout_pairs.pairs)} held out, {time.perf_counter() - started:.0f} s")

    scratch = TrainConfig(student=student_preset("small", alpha_head=True), max_minutes=args.minutes, checkpoint_every=250)
    scratch = scratch.model_copy(update={"steps": steps_for(args.minutes, scratch, out / "pairs", args.threads)})
    runs = {"from scratch": scratch, "fine-tuned from the base student": fine_tuning(scratch)}
    columns = {name: figures_of(train_one(name.replace(" ", "_"), config, out, args), out, args) for name, config in runs.items()}
    rows = list(next(iter(columns.values())))
    print("\n| student quality, same pairs | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for row in rows:
        print(f"| {row} | " + " | ".join(column[row] for column in columns.values()) + " |")
    (out / "bench_student_quality.json").write_text(json.dumps(columns, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
