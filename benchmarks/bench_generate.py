"""How fast pairs are made with the procedural teacher at 512×512: per-stage medians and pairs per second.

Run: .venv/bin/python benchmarks/bench_generate.py [--character default] [--rounds 5] [--workers 2] [--flow-photos 40]
Photos are the real offline portraits (Grace Hopper, the astronaut) and their mirror images. One PairMaker
per worker thread, as the generate flow runs them; the figures are medians over rounds, not best cases.
Last, the whole `generate` flow runs on --flow-photos files (those photos with light and contrast changed, so
every file differs): Prefect tasks, cache, PNG writes, manifest and contact sheet included.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import skimage.data

from celflow.cli.native_stderr import drop_native_noise
from celflow.cli.prefect_defaults import quiet_local_server
from celflow.core.defaults import DEFAULT_CHARACTER

quiet_local_server()  # as the celflow CLI runs Prefect

from celflow.core.character import load_character
from celflow.core.image_files import SAMPLE_PHOTOS
from celflow.generators.pair import PairMaker
from celflow.pipelines.generate import generate_flow
from celflow.pipelines.generate_report import SUMMARY_JSON
from celflow.pipelines.runners import RunnerSpec, with_runner

SAMPLES = SAMPLE_PHOTOS
SIDE = 512


def real_photos() -> list[np.ndarray]:
    """The offline portraits at 512×512, each also mirrored: four distinct photos with one face each."""
    hopper = cv2.cvtColor(cv2.imread(str(SAMPLES / "grace_hopper.jpg")), cv2.COLOR_BGR2RGB)
    photos = [cv2.resize(p, (SIDE, SIDE), interpolation=cv2.INTER_AREA) for p in (hopper, skimage.data.astronaut())]
    return photos + [np.ascontiguousarray(p[:, ::-1]) for p in photos]


def stage_medians(maker: PairMaker, photos: list[np.ndarray], rounds: int) -> dict[str, float]:
    """Median wall milliseconds per stage over every photo and round, after one warm-up pass, plus the CPU
    milliseconds per pair (all threads of this process): the figure that other load on the machine barely moves."""
    for photo in photos:
        maker(photo)
    samples: dict[str, list[float]] = {}
    cpu_started = time.process_time()
    for _ in range(rounds):
        for photo in photos:
            [pair] = maker(photo)
            for stage, ms in {**pair.timings_ms, "total": pair.teacher_ms}.items():
                samples.setdefault(stage, []).append(ms)
    cpu_ms = 1000 * (time.process_time() - cpu_started) / (rounds * len(photos))
    return {**{stage: statistics.median(values) for stage, values in samples.items()}, "cpu per pair": cpu_ms}


def pairs_per_second(character, photos: list[np.ndarray], workers: int, rounds: int) -> float:
    """Median over rounds of pairs made per wall-clock second, one PairMaker per worker thread."""
    makers = [PairMaker(character) for _ in range(workers)]
    try:
        for maker in makers:
            maker(photos[0])  # warm-up
        rates = []
        for _ in range(rounds):
            started = time.perf_counter()
            with ThreadPoolExecutor(workers) as pool:
                jobs = [pool.submit(makers[i % workers], photo) for i, photo in enumerate(photos * workers)]
                made = sum(len(job.result()) for job in jobs)
            rates.append(made / (time.perf_counter() - started))
        return statistics.median(rates)
    finally:
        for maker in makers:
            maker.close()


def flow_pairs_per_second(character: str, photos: list[np.ndarray], count: int, workers: int) -> tuple[int, float, float]:
    """(pairs made, flow seconds, pairs/s) of one `generate` flow run over `count` photo files on threads."""
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        photos_dir, pairs_dir = Path(folder) / "photos", Path(folder) / "pairs"
        photos_dir.mkdir()
        for i in range(count):
            gain, offset = rng.uniform(0.85, 1.15), rng.uniform(-12, 12)
            varied = np.clip(photos[i % len(photos)] * gain + offset, 0, 255).astype(np.uint8)
            cv2.imwrite(str(photos_dir / f"photo{i:03d}.jpg"), cv2.cvtColor(varied, cv2.COLOR_RGB2BGR))
        run = with_runner(generate_flow, RunnerSpec(kind="threads", workers=workers))
        run(photos_dir, pairs_dir, character=character, max_side=SIDE, progress=False)
        summary = json.loads((pairs_dir / SUMMARY_JSON).read_text())
    return summary["pairs"], summary["seconds"], summary["pairs"] / summary["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--character", default=DEFAULT_CHARACTER)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--flow-photos", type=int, default=40, help="photo files for the end-to-end flow run")
    args = parser.parse_args()
    character = load_character(args.character)
    photos = real_photos()
    maker = PairMaker(character)
    try:
        medians = stage_medians(maker, photos, args.rounds)
    finally:
        maker.close()
    print(f"pair synthesis, character {character.name!r}, {len(photos)} real photos at {SIDE}x{SIDE}")
    print("median ms per stage (one thread):")
    for stage, ms in medians.items():
        print(f"  {stage:<12} {ms:8.1f}")
    print(f"  (2 idle cores could make at most {2000 / medians['cpu per pair']:.2f} pairs/s from that CPU time)")
    single = pairs_per_second(character, photos, 1, args.rounds)
    parallel = pairs_per_second(character, photos, args.workers, args.rounds)
    print(f"pairs/s, 1 worker:  {single:.2f}")
    print(f"pairs/s, {args.workers} workers: {parallel:.2f}  (x{parallel / single:.2f} of one worker)")
    made, seconds, rate = flow_pairs_per_second(args.character, photos, args.flow_photos, args.workers)
    print(f"generate flow, {args.workers} threads, {args.flow_photos} photo files: {made} pairs in {seconds:.1f} s = "
          f"{rate:.2f} pairs/s (target ≥ 2; Prefect tasks, cache, PNG writes, manifest, contact sheet included)")


if __name__ == "__main__":
    drop_native_noise()  # mediapipe's native start-up lines, as the celflow command drops them
    main()
