"""What the student cannot copy from the teacher: its eyes and face strokes, placed from the face mesh.

Scores a trained student on held-out pairs as it is, and with the teacher's own eyes and mesh strokes drawn
over its picture from a face mesh of the photo (generators/line_art.py, what the teacher draws last), side by
side in one run: how much of the gap to the teacher is those landmark-placed marks, and what drawing them at
run time would cost.

Run: .venv/bin/python benchmarks/bench_student_face_drawing.py MODEL_DIR HELDOUT_PAIRS [--character PACK]
e.g. the base student and its held-out pairs: core/students/default data/base_student/heldout_pairs
--character data/base_student/character/character.yaml
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from celflow.core.character import load_character
from celflow.generators.face_mesh import FaceMeshDetector
from celflow.generators.line_art import draw_line_art
from celflow.pipelines.look_report import pair_images, summarise_look
from celflow.core.pair_folder import read_manifest
from celflow.student.checkpoint import load_student
from celflow.student.metrics import edge_f1, ssim
from celflow.student.stylize import stylize_with_student


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("pairs", type=Path)
    parser.add_argument("--character", default="default")
    args = parser.parse_args()
    pack = load_character(args.character)
    model, _ = load_student(args.model_dir)
    mesh = FaceMeshDetector(max_faces=4)
    outputs: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {"teacher": [], "student": [], "student + drawn face": []}
    targets, drawing_ms = [], []
    for pair_dir in read_manifest(args.pairs).pair_dirs(args.pairs):
        photo, target, mask = pair_images(pair_dir)
        student = stylize_with_student(model, photo)
        started = time.perf_counter()
        faces = mesh(photo)
        drawn = draw_line_art(student, photo, faces, pack.teacher) if faces else student
        drawing_ms.append(1000 * (time.perf_counter() - started))
        targets.append(target)
        for name, image in (("teacher", target), ("student", student), ("student + drawn face", drawn)):
            outputs[name].append((photo, image, mask))
    print(f"\n{len(targets)} held-out pairs; face mesh + drawing: median {np.median(drawing_ms):.1f} ms a photo\n")
    print("| vs the teacher | SSIM | line F1 | closer to teacher than photo | same person | identity distance | ink in strokes ≥ 20 px | flat share |")
    print("|---|---|---|---|---|---|---|---|")
    for name, triples in outputs.items():
        look = summarise_look(triples, pack.geometry)
        scores = [(ssim(out, t), edge_f1(out, t), ssim(out, t) > ssim(out, p)) for (p, out, _), t in zip(triples, targets)]
        ssims, f1s, closer = (np.array(column, float) for column in zip(*scores))
        print(
            f"| {name} | {ssims.mean():.3f} | {f1s.mean():.3f} | {int(closer.sum())} of {len(closer)} | "
            f"{look.same_person} of {look.frontal_faces} | {look.identity_distance_median:.3f} | "
            f"{look.stroke_share_median:.2f} | {look.flat_share_median:.2f} |"
        )


if __name__ == "__main__":
    main()
