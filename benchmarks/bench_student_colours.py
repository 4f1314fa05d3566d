"""Does the student keep the colours around people? Hue and chroma kept, students side by side.

The teacher draws the background, clothes and hair in the photo's own colours, flattened into bands; a student
that learnt from portraits whose rooms are greyish may paint what it rarely saw (a green lawn, a yellow coat, a
purple wall) in the browns it knows. This runs each student (ONNX files or student folders with student.onnx,
the network alone) on flat patches of eight hues and two near-blacks with camera noise, and on colourful photos
without people that ship with scikit-image (a cat with green eyes, a coffee cup, a rocket on its green pad, a
motorcycle in a workshop, a colour chart), and on celflow's sample portraits beside the teacher's drawing of them (the teacher
keeps the photo's hues; its background is lighter and a little muted), and prints, over the pixels whose CIE Lab
chroma in the photo is at least MIN_CHROMA: the median hue turn (degrees, output minus photo) and the median
chroma kept (output / photo); then, over the near-black, near-grey pixels (hair, suits, shadows), the median
a*, b* each draws there: a tint where the photo had none.

Run: .venv/bin/python benchmarks/bench_student_colours.py [STUDENT ...]   (default: the shipped base student)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
from celflow.cli.native_stderr import drop_native_noise
from celflow.core.defaults import AUTO_BACKEND, STUDENT_ONNX_FILE
from celflow.export.open_stylizer import open_stylizer
from skimage import data

from celflow.core.character import load_character
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.generators.pair import PairMaker
from celflow.pipelines.demo_photos import portraits

BASE_STUDENT = Path(__file__).resolve().parent.parent / "core" / "students" / "default"
MIN_CHROMA = 20.0
DARK_LIGHTNESS, NEUTRAL_CHROMA = 25.0, 12.0  # near-black, near-grey pixels: hair, suits, shadows
PATCHES = {  # sRGB of flat patches, the hues a portrait's surroundings rarely show among them
    "red": (180, 40, 40),
    "orange": (210, 120, 40),
    "yellow": (200, 190, 50),
    "grass": (60, 120, 40),
    "green": (40, 160, 60),
    "teal": (40, 140, 140),
    "blue": (40, 70, 170),
    "purple": (120, 50, 150),
}
NEAR_BLACKS = {"black cloth": (28, 26, 30), "charcoal": (52, 50, 50)}  # for the tint of darks alone


def lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def hue_and_chroma(photo: np.ndarray, drawn: np.ndarray) -> tuple[float, float]:
    """(median hue turn in degrees, median chroma ratio) of `drawn` against `photo` over the photo's colourful
    pixels."""
    before, after = lab(photo), lab(drawn)
    chroma = np.hypot(before[..., 1], before[..., 2])
    colourful = chroma >= MIN_CHROMA
    turn = np.degrees(np.arctan2(after[..., 2], after[..., 1]) - np.arctan2(before[..., 2], before[..., 1]))
    turn = (turn + 180.0) % 360.0 - 180.0
    kept = np.hypot(after[..., 1], after[..., 2]) / np.maximum(chroma, 1e-3)
    return float(np.median(turn[colourful])), float(np.median(kept[colourful]))


def tint_of_darks(photo: np.ndarray, drawn: np.ndarray) -> tuple[float, float] | None:
    """Median (a*, b*) of `drawn` over the photo's near-black, near-grey pixels: a tint the student adds to hair,
    suits and shadows (the teacher's own palette pulls them a little warm); None when the photo has too few."""
    before, after = lab(photo), lab(drawn)
    dark = (before[..., 0] < DARK_LIGHTNESS) & (np.hypot(before[..., 1], before[..., 2]) < NEUTRAL_CHROMA)
    if dark.mean() < 0.02:
        return None
    return float(np.median(after[..., 1][dark])), float(np.median(after[..., 2][dark]))


def scenes() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    found = {
        f"patch {name}": np.clip(np.float32(rgb) + rng.normal(0, 8, (256, 256, 3)), 0, 255).astype(np.uint8)
        for name, rgb in (PATCHES | NEAR_BLACKS).items()
    }
    found["cat"] = data.chelsea()
    found["coffee"] = data.coffee()
    found["rocket"] = data.rocket()
    found["motorcycle"] = data.stereo_motorcycle()[0]
    found["colour chart"] = data.colorwheel()
    return {name: fit(rgb) for name, rgb in found.items()}


def fit(rgb: np.ndarray, side: int = 512) -> np.ndarray:
    scale = min(1.0, side / max(rgb.shape[:2]))
    return cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else rgb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("students", nargs="*", type=Path, default=[BASE_STUDENT])
    args = parser.parse_args()
    stylizers = {}
    for student in args.students:
        onnx = student / STUDENT_ONNX_FILE if student.is_dir() else student
        stylizers[str(student)] = open_stylizer(onnx, AUTO_BACKEND, spin=False)
    photos = scenes()
    teacher = PairMaker(load_character(DEFAULT_CHARACTER))
    drawn = {name: teacher(fit(photo))[0] for name, photo in portraits().items()}
    photos |= {f"portrait {name}": pair.photo for name, pair in drawn.items()}
    print(f"hue turn (°) / chroma kept, over pixels of chroma ≥ {MIN_CHROMA:.0f}")
    print(f"{'scene':<20}{'teacher':>30}" + "".join(f"{Path(name).name[-28:]:>30}" for name in stylizers))
    totals: dict[str, list[tuple[float, float]]] = {name: [] for name in stylizers}
    outputs = {scene: {name: stylize(photo) for name, stylize in stylizers.items()} for scene, photo in photos.items()}
    for scene, photo in photos.items():
        if scene.removeprefix("patch ") in NEAR_BLACKS:  # their few colourful pixels are camera noise
            continue
        row = f"{scene:<20}"
        pair = drawn.get(scene.removeprefix("portrait "))
        row += f"{'':>30}" if pair is None else "{:>+21.1f} / {:>5.2f}".format(*hue_and_chroma(photo, pair.target))
        for name in stylizers:
            turn, kept = hue_and_chroma(photo, outputs[scene][name])
            totals[name].append((abs(turn), kept))
            row += f"{turn:>+21.1f} / {kept:>5.2f}"
        print(row)
    row = f"{'median |turn|, kept':<20}{'':>30}"
    for name in stylizers:
        turns, kept = zip(*totals[name])
        row += f"{np.median(turns):>21.1f} / {np.median(kept):>5.2f}"
    print(row)
    print(f"\nmedian a*, b* over the photo's pixels of L* < {DARK_LIGHTNESS:.0f} and chroma < {NEUTRAL_CHROMA:.0f} (photo | teacher | students)")
    for scene, photo in photos.items():
        own = tint_of_darks(photo, photo)
        if own is None:
            continue
        pair = drawn.get(scene.removeprefix("portrait "))
        cells = [own, None if pair is None else tint_of_darks(photo, pair.target)]
        cells += [tint_of_darks(photo, outputs[scene][name]) for name in stylizers]
        print(f"{scene:<20}" + "".join(f"{'':>16}" if cell is None else "{:>+8.1f}, {:>+5.1f}".format(*cell) for cell in cells))


if __name__ == "__main__":
    drop_native_noise()  # mediapipe's native start-up lines, as the celflow command drops them
    main()
