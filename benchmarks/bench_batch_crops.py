"""Would people's crops run faster through the student as one batch? Side by side on this machine.

In per-person and person-only modes each person's crop (at most 192 px long, realtime/modes.py) goes through
their character's student on its own. The real-time issue asks for the crops of all people as one batch at a
fixed crop size. This prints, for 2, 3 and 6 people, the median time of the shipped student (onnxruntime, this
machine's backend) on: each crop on its own; all crops as one batch when they happen to share a size; and all
crops letterboxed to one fixed square size as one batch, which is what a batch of people of different shapes
needs. Rounds interleave the three ways, so a busy machine slows all alike.

Run: .venv/bin/python benchmarks/bench_batch_crops.py [--rounds 40] [--crop 192x144] [--square 192]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from celflow.core.defaults import AUTO_BACKEND, STUDENT_ONNX_FILE
from celflow.export.open_stylizer import open_stylizer

BASE_STUDENT = Path(__file__).resolve().parent.parent / "core" / "students" / "default"
PEOPLE = (2, 3, 6)


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return 1000 * (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--crop", default="192x144", help="a person's crop, WIDTHxHEIGHT (a head and shoulders)")
    parser.add_argument("--square", type=int, default=192, help="the fixed size a batch of crops is letterboxed to")
    args = parser.parse_args()
    width, height = (int(v) for v in args.crop.lower().split("x"))
    student = open_stylizer(BASE_STUDENT / STUDENT_ONNX_FILE, AUTO_BACKEND, spin=False)
    session = student.session
    name = session.get_inputs()[0].name
    rng = np.random.default_rng(0)

    def run(batch: np.ndarray) -> None:
        session.run(None, {name: batch})

    print(f"student: {BASE_STUDENT.name} ({session.get_providers()[0]}); crops {width}×{height}, letterboxed "
          f"{args.square}×{args.square}; medians of {args.rounds} interleaved rounds")
    print(f"{'people':>6} {'each on its own':>16} {'one batch, same size':>21} {'one batch, letterboxed':>23}")
    for people in PEOPLE:
        crops = [rng.random((1, 3, height, width), dtype=np.float32) for _ in range(people)]
        same = np.concatenate(crops)
        square = np.zeros((people, 3, args.square, args.square), np.float32)
        square[:, :, :height, :width] = same
        ways = {
            "own": lambda: [run(crop) for crop in crops],
            "same": lambda: run(same),
            "square": lambda: run(square),
        }
        for way in ways.values():  # warm-up: onnxruntime plans each new shape once
            way()
        times: dict[str, list[float]] = {key: [] for key in ways}
        for _ in range(args.rounds):
            for key, way in ways.items():
                times[key].append(timed(way))
        own, same_ms, square_ms = (statistics.median(times[key]) for key in ("own", "same", "square"))
        print(f"{people:>6} {own:>13.1f} ms {same_ms:>18.1f} ms {square_ms:>20.1f} ms")


if __name__ == "__main__":
    main()
