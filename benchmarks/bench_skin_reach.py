"""Is skin in other light than the face (a lit arm, a neck in shade) drawn in the person's own colours?

Run: .venv/bin/python benchmarks/bench_skin_reach.py [--photos DIR ...] [--sheet sheet.jpg]
Each photo that gives one whole pair is drawn twice by the default character's teacher: with the skin mask
as it is, and without its hue step (skin found by colour distance to the cheeks alone; `skin._smooth_in_skin_hue`
switched off for that run). On the pixels the hue step adds, each row compares both drawings with the photo:
the ITA° of their median CIE Lab colour and the median per-pixel ΔE (CIE76). Without the step those pixels are
left to the cel palette. Photos: as bench_teacher_look.py (default ../shared/photos beside the repo).
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import numpy as np
from bench_teacher_look import real_photos, write_sheet  # the same photos and sheets as the look benchmark
from celflow.cli.native_stderr import drop_native_noise
from celflow.core.character import load_character
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.generators import skin
from celflow.generators.pair import PairMaker
from celflow.generators.quality import PairRejected

REPO = Path(__file__).resolve().parent.parent
MIN_ADDED_PX = 200  # fewer added pixels than this: no colour worth comparing
SHEET_CELL_PX = 360


def _ita(lab: np.ndarray) -> float:
    lightness, _, b = np.median(lab, axis=0)
    return float(np.degrees(np.arctan2(lightness - 50, b)))


def _without_hue_step(maker: PairMaker, photo: np.ndarray):
    kept = skin._smooth_in_skin_hue
    skin._smooth_in_skin_hue = lambda lab, *_: np.zeros(lab.shape[:2], bool)
    try:
        return maker(photo)
    finally:
        skin._smooth_in_skin_hue = kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_folders = [p for p in [REPO.parent / "shared" / "photos"] if p.is_dir()]
    parser.add_argument("--photos", type=Path, nargs="*", default=default_folders)
    parser.add_argument("--sheet", type=Path, help="write photo | without | with for each photo here")
    args = parser.parse_args()

    character = load_character(DEFAULT_CHARACTER)  # the skin check off: a changed skin is measured, not dropped
    character = character.model_copy(update={"quality": character.quality.model_copy(update={"max_skin_change": 360})})
    maker = PairMaker(character)
    print(f"{'photo':<32}{'added px':>9}{'ITA photo':>11}{'without':>9}{'with':>7}{'ΔE without':>12}{'with':>7}")
    itas, errors, sheet = [], [], []
    for name, photo in real_photos(args.photos).items():
        try:
            with_step, without_step = maker(photo), _without_hue_step(maker, photo)
        except PairRejected:
            continue
        if len(with_step) != 1 or len(without_step) != 1:
            continue  # group photos give crops: compared on whole photos only
        added = (with_step[0].skin_mask > 127) & (without_step[0].skin_mask <= 127)
        if added.sum() < MIN_ADDED_PX:
            continue
        pairs = (without_step[0], with_step[0])
        drawings = [pair.drawing if pair.drawing is not None else pair.target for pair in pairs]
        shot = skin._lab(photo)[added]
        drawn = [skin._lab(drawing)[added] for drawing in drawings]
        ita = [_ita(shot)] + [_ita(lab) for lab in drawn]
        delta_e = [float(np.median(np.linalg.norm(lab - shot, axis=1))) for lab in drawn]
        itas.append(ita)
        errors.append(delta_e)
        print(
            f"{name:<32}{int(added.sum()):>9}{ita[0]:>11.1f}{ita[1]:>9.1f}{ita[2]:>7.1f}{delta_e[0]:>12.1f}{delta_e[1]:>7.1f}"
        )
        sheet.append((name, np.hstack([photo, *drawings])))
    maker.close()
    if not itas:
        print("no photo gave a whole pair with skin the hue step adds")
        return
    for label, column in (("without the hue step", 1), ("with it", 2)):
        off = [abs(row[column] - row[0]) for row in itas]
        print(
            f"{label:<22}: |ΔITA| photo → drawing median {statistics.median(off):.1f}°, worst {max(off):.1f}°; "
            f"ΔE median {statistics.median(e[column - 1] for e in errors):.1f} ({len(itas)} photos)"
        )
    if args.sheet:
        write_sheet(args.sheet, sheet, SHEET_CELL_PX, columns=1)


if __name__ == "__main__":
    drop_native_noise()  # mediapipe's native start-up lines, as the celflow command drops them
    main()
