"""Is the teacher itself stable enough to learn? SSIM of the teacher's target against the teacher's target
for the same photo after a change no viewer would see. The ceiling any student's SSIM vs teacher can reach.

Run: .venv/bin/python benchmarks/bench_teacher_stability.py [--pairs /tmp/celflow-bench-quality/heldout_pairs]
(the held-out pairs bench_student_quality.py makes; any pairs folder of the default character works).
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import cv2
import numpy as np

from celflow.cli.native_stderr import drop_native_noise
from celflow.core.character import load_character
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.core.image_files import read_rgb
from celflow.core.pair_folder import INPUT_FILE, read_manifest
from celflow.generators.pair import PairMaker
from celflow.student.metrics import ssim


def jpeg_q95(rgb: np.ndarray) -> np.ndarray:
    _, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def one_level_noise(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(rgb + rng.normal(0, 1.0, rgb.shape), 0, 255).astype(np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=Path("/tmp/celflow-bench-quality/heldout_pairs"))
    args = parser.parse_args()
    maker = PairMaker(load_character(DEFAULT_CHARACTER), max_faces=1)
    rng = np.random.default_rng(0)
    scores: dict[str, list[float]] = {"JPEG q95 re-encode": [], "Gaussian noise, sigma 1 level": [], "target blurred, sigma 0.7 px": []}
    try:
        for pair_dir in read_manifest(args.pairs).pair_dirs(args.pairs)[::2]:
            photo = read_rgb(pair_dir / INPUT_FILE)
            [base] = maker(photo)
            [re_encoded] = maker(jpeg_q95(photo))
            [noisy] = maker(one_level_noise(photo, rng))
            scores["JPEG q95 re-encode"].append(ssim(re_encoded.target, base.target))
            scores["Gaussian noise, sigma 1 level"].append(ssim(noisy.target, base.target))
            scores["target blurred, sigma 0.7 px"].append(ssim(cv2.GaussianBlur(base.target, (0, 0), 0.7), base.target))
    finally:
        maker.close()
    print(f"teacher vs teacher on {len(scores['JPEG q95 re-encode'])} held-out photos of {args.pairs}")
    print("| change | SSIM median | SSIM mean |\n|---|---|---|")
    for change, values in scores.items():
        print(f"| {change} | {statistics.median(values):.4f} | {np.mean(values):.4f} |")


if __name__ == "__main__":
    drop_native_noise()  # mediapipe's native start-up lines, as the celflow command drops them
    main()
