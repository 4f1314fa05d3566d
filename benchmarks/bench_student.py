"""How big and how fast each student preset is on this machine: the numbers behind the presets.

Run: .venv/bin/python benchmarks/bench_student.py [--threads 2]
Prints, per preset, for the walking skeleton's full-resolution U-Net (16, 32, 64, 128) as a baseline and for
`small` with the previous release's head, which paints its own colour (gated) rather than a shift from the photo's
local mean (gated_local, the presets'):
parameters, GFLOPs, ONNX size, and median ONNX Runtime latency per frame size, measured interleaved so
load on a shared machine hits every model alike; then training throughput of the `small` preset at
TrainConfig's crop and batch (random batches: the model's cost, not PNG decoding).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from celflow.core.defaults import STUDENT_ONNX_FILE
from celflow.export.onnx_export import export_onnx
from celflow.export.runtime import INPUT_NAME, OUTPUT_NAME, open_session
from celflow.student.checkpoint import save_student
from celflow.student.info import gflops
from celflow.student.losses import DistillationLoss
from celflow.student.train import TrainConfig
from celflow.student.unet import PRESETS, StudentConfig, StudentUNet, count_parameters

FRAME_SIZES = [(256, 256), (512, 512), (480, 640)]  # (height, width)
LATENCY_ROUNDS = 20
TRAIN_STEPS = 5
BASELINE = "full-res (16,32,64,128)"
PAINTING_HEAD = "small, painting head"  # the previous release's head: its own colour, not a shift from the photo's


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of `run` after one warm-up call (the first call pays for memory planning)."""
    run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def onnx_latencies_ms(models: dict[str, StudentUNet], threads: int, folder: Path) -> tuple[dict[str, int], dict[tuple[str, tuple[int, int]], float]]:
    """ONNX sizes, and median latency per (model, frame size) over rounds that visit every model in turn."""
    sessions, sizes = {}, {}
    for index, (name, model) in enumerate(models.items()):
        model_dir = folder / str(index)
        save_student(model, model.config, model_dir)
        report = export_onnx(model_dir, model_dir / STUDENT_ONNX_FILE)
        sessions[name], sizes[name] = open_session(report.onnx_path, threads=threads, spin=False), report.size_bytes
    times: dict[tuple[str, tuple[int, int]], list[float]] = {}
    for height, width in FRAME_SIZES:
        frame = np.random.default_rng(0).random((1, 3, height, width), dtype=np.float32)
        for session in sessions.values():
            session.run([OUTPUT_NAME], {INPUT_NAME: frame})  # warm-up
        for _ in range(LATENCY_ROUNDS):
            for name, session in sessions.items():
                started = time.perf_counter()
                session.run([OUTPUT_NAME], {INPUT_NAME: frame})
                times.setdefault((name, (height, width)), []).append(time.perf_counter() - started)
    return sizes, {key: 1000 * statistics.median(values) for key, values in times.items()}


def training_images_per_second(config: TrainConfig) -> float:
    """Forward, loss, backward and AdamW step, laid out as train_student lays them out."""
    model = StudentUNet(config.student).to(memory_format=torch.channels_last).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    loss = DistillationLoss(config.loss)
    shape = (config.batch_size, 3, config.crop_size, config.crop_size)
    photos = torch.rand(shape).contiguous(memory_format=torch.channels_last)
    targets = torch.rand(shape)

    def step() -> None:
        total = sum(loss(model(photos), targets).values())
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        optimizer.step()

    return config.batch_size / median_seconds(step, TRAIN_STEPS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    models = {
        BASELINE: StudentUNet(StudentConfig()).eval(),
        **{name: StudentUNet(c).eval() for name, c in PRESETS.items()},
        PAINTING_HEAD: StudentUNet(PRESETS["small"].model_copy(update={"head": "gated"})).eval(),
    }
    with tempfile.TemporaryDirectory() as folder:
        sizes, latencies = onnx_latencies_ms(models, args.threads, Path(folder))
    columns = [f"{w}×{h} ms" for h, w in FRAME_SIZES]
    print(f"| student | blocks, widths, unshuffle, head | parameters | GFLOPs 640×480 | ONNX MB | {' | '.join(columns)} | 640×480 vs baseline |")
    print("|---|---|---|---|---|" + "---|" * len(columns) + "---|")
    baseline_ms = latencies[BASELINE, FRAME_SIZES[-1]]
    for name, model in models.items():
        cells = [f"{latencies[name, size]:.1f}" for size in FRAME_SIZES]
        ratio = latencies[name, FRAME_SIZES[-1]] / baseline_ms
        config = model.config
        print(
            f"| {name} | {config.blocks}, {config.widths}, {config.unshuffle}, {config.head} | {count_parameters(model):,} | {gflops(model, 480, 640):.2f} | "
            f"{sizes[name] / 1e6:.2f} | {' | '.join(cells)} | {ratio:.2f}× |"
        )
    print(f"\nonnxruntime CPU, {args.threads} threads, medians of {LATENCY_ROUNDS} interleaved rounds, no spin-waiting")
    config = TrainConfig()
    print(f"training (small preset): {training_images_per_second(config):.1f} images/s at batch {config.batch_size}, crop {config.crop_size}²")


if __name__ == "__main__":
    main()
