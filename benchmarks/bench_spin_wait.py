"""Why the live loop turns onnxruntime's spin-waiting off: per-frame time of the default student with one
session alone and with two sessions taking turns (two characters), spinning on and off.

Run: .venv/bin/python benchmarks/bench_spin_wait.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from celflow.core.defaults import STUDENT_ONNX_FILE
from celflow.export.onnx_export import export_onnx
from celflow.export.runtime import INPUT_NAME, OUTPUT_NAME, open_session
from celflow.student.checkpoint import save_student
from celflow.student.train import TrainConfig
from celflow.student.unet import StudentUNet

FRAMES = {"640×480 frame": (1, 3, 480, 640), "192×160 person crop": (1, 3, 192, 160)}
PAUSE_S = 0.002  # other work of the frame loop between two runs


def median_ms(sessions: list, frame: np.ndarray, rounds: int) -> float:
    for session in sessions:
        session.run([OUTPUT_NAME], {INPUT_NAME: frame})
    times = []
    for _ in range(rounds):
        for session in sessions:
            started = time.perf_counter()
            session.run([OUTPUT_NAME], {INPUT_NAME: frame})
            times.append(time.perf_counter() - started)
            time.sleep(PAUSE_S)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        torch.manual_seed(0)
        model = StudentUNet(TrainConfig().student).eval()
        torch.nn.init.normal_(model.head.weight, std=0.3)
        save_student(model, model.config, Path(folder))
        onnx_path = export_onnx(Path(folder), Path(folder) / STUDENT_ONNX_FILE).onnx_path
        print("| input | spin-waiting | one session, ms | two sessions taking turns, ms |\n|---|---|---|---|")
        for name, shape in FRAMES.items():
            frame = np.random.default_rng(0).random(shape, dtype=np.float32)
            for spin in (True, False):
                sessions = [open_session(onnx_path, threads=2, spin=spin) for _ in range(2)]
                alone, turns = median_ms(sessions[:1], frame, args.rounds), median_ms(sessions, frame, args.rounds)
                print(f"| {name} | {'on' if spin else 'off'} | {alone:.2f} | {turns:.2f} |")


if __name__ == "__main__":
    main()
