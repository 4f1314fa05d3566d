"""Does painting a large picture smaller cost its look? The paint side, side by side.

A whole frame or still longer than realtime.modes.PAINT_SIDE is painted by the student at that side and scaled
back along the photo's own edges (realtime/compose.run_scaled), while the line art is drawn at full size. This
scores a student as `celflow stylize` runs it on held-out pairs (SSIM and line F1 vs the teacher, closer to the
teacher than to the photo, the teacher issue's look metrics) with each paint side asked for — `full` paints at the
picture's own size, as before the paint side existed — and times, in one interleaved run, the whole still on the
pairs, on 1600-px stills (`stylize`'s default size) and on 960×540 frames (`convert`'s default size for a 1080p
clip), each scaled up from the pairs' photos.

Run: .venv/bin/python benchmarks/bench_paint_side.py MODEL PAIRS [--sides full 640 512]
e.g. the shipped base student on the base set's held-out people drawn large:
    celflow generate data/base_photos/heldout HP --max-side 1280
    .venv/bin/python benchmarks/bench_paint_side.py core/students/default HP
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np
from celflow.cli.native_stderr import drop_native_noise
from celflow.core.defaults import CONVERT_MAX_SIDE, STILL_MAX_SIDE
from celflow.core.pair_folder import read_manifest
from celflow.export.open_stylizer import read_student_line_art
from celflow.pipelines.look_report import pair_images, summarise_look
from celflow.realtime.characters import find_character
from celflow.realtime.modes import PAINT_SIDE
from celflow.realtime.still import PhotoStylizer, open_photo_stylizer
from celflow.student.metrics import edge_f1, ssim

FULL = "full"
ROUNDS = 3  # timed passes over every picture, after one to warm up


def scaled_to(photo: np.ndarray, side: int) -> np.ndarray:
    """`photo` scaled so its long side is `side` (up or down)."""
    scale = side / max(photo.shape[:2])
    return cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)


def open_at(model: str, side: str) -> PhotoStylizer:
    stylizer = open_photo_stylizer(model)
    stylizer.renderer.paint_side = 1 << 30 if side == FULL else int(side)
    return stylizer


def look(model: str, pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray]], sides: list[str]) -> None:
    lines = read_student_line_art(find_character(model).model)
    print(
        "| paint side | SSIM | line F1 | closer to teacher than photo | same person | identity distance | "
        "skin \\|ΔITA°\\| vs photo, median / worst | ink in strokes ≥ 20 px | flat share |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for side in sides:
        stylizer = open_at(model, side)
        triples = [(photo, stylizer(photo), mask) for photo, _, mask in pairs]
        scores = [
            (ssim(out, t), edge_f1(out, t), ssim(out, t) > ssim(out, p))
            for (p, out, _), (_, t, _) in zip(triples, pairs)
        ]
        ssims, f1s, closer = (np.array(column, float) for column in zip(*scores))
        summary = summarise_look(triples, lines.geometry)
        print(
            f"| {side} | {ssims.mean():.3f} | {f1s.mean():.3f} | {int(closer.sum())} of {len(closer)} | "
            f"{summary.same_person} of {summary.frontal_faces} | {summary.identity_distance_median:.3f} | "
            f"{summary.delta_ita_median:.1f} / {summary.delta_ita_worst:.1f} | "
            f"{summary.stroke_share_median:.2f} | {summary.flat_share_median:.2f} |"
        )


def speed(model: str, photos: list[np.ndarray], sides: list[str]) -> None:
    sets = {
        "the pairs' photos, at their size": photos,
        f"stills {STILL_MAX_SIDE} px long": [scaled_to(photo, STILL_MAX_SIDE) for photo in photos],
        f"frames {CONVERT_MAX_SIDE} px long": [scaled_to(photo, CONVERT_MAX_SIDE) for photo in photos],
    }
    stylizers = {side: open_at(model, side) for side in sides}
    times: dict[tuple[str, str], list[float]] = {(name, side): [] for name in sets for side in sides}
    for round_ in range(ROUNDS + 1):
        for name, pictures in sets.items():
            for picture in pictures:
                for side, stylizer in stylizers.items():  # interleaved: a busy moment slows every side alike
                    started = time.perf_counter()
                    stylizer(picture)
                    if round_:
                        times[name, side].append(1000 * (time.perf_counter() - started))
    print("\n| whole still, median ms | " + " | ".join(f"paint side {side}" for side in sides) + " |")
    print("|---|" + "---|" * len(sides))
    for name in sets:
        print(f"| {name} | " + " | ".join(f"{np.median(times[name, side]):.0f}" for side in sides) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="an ONNX student, a student folder, or a shipped character's name")
    parser.add_argument("pairs", type=Path, help="held-out pairs of people the student never trained on")
    parser.add_argument(
        "--sides",
        nargs="+",
        default=[FULL, str(PAINT_SIDE)],
        help=f"paint sides to compare: {FULL} or pixels (default: {FULL} {PAINT_SIDE}, the default)",
    )
    args = parser.parse_args()
    pairs = [pair_images(pair_dir) for pair_dir in read_manifest(args.pairs).pair_dirs(args.pairs)]
    print(f"\n{len(pairs)} held-out pairs of {args.pairs}; student {args.model}\n")
    look(args.model, pairs, args.sides)
    speed(args.model, [photo for photo, _, _ in pairs], args.sides)


if __name__ == "__main__":
    drop_native_noise()  # mediapipe's native start-up lines, as the celflow command drops them
    main()
