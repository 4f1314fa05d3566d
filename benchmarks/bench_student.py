"""How big and how fast the default student is on this machine: the numbers behind its StudentConfig.

Run: .venv/bin/python benchmarks/bench_student.py
Prints parameters, ONNX size, median ONNX Runtime latency on 2 threads per frame size, and training
throughput at TrainConfig's default crop and batch (random batches: the model's cost, not PNG decoding).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from celflow.export.onnx_export import export_onnx
from celflow.export.runtime import INPUT_NAME, OUTPUT_NAME, open_session
from celflow.student.checkpoint import save_student
from celflow.student.losses import stylization_loss
from celflow.student.train import TrainConfig
from celflow.student.unet import StudentUNet, count_parameters

THREADS = 2
FRAME_SIZES = [(256, 256), (512, 512), (480, 640)]  # (height, width)
LATENCY_RUNS = 30
TRAIN_STEPS = 5


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of `run` after one warm-up call (the first call pays for memory planning)."""
    run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def onnx_latencies_ms(model: StudentUNet) -> tuple[int, dict[tuple[int, int], float]]:
    """ONNX file size and median latency per frame size."""
    with tempfile.TemporaryDirectory() as folder:
        save_student(model, model.config, Path(folder))
        report = export_onnx(Path(folder), Path(folder) / "student.onnx")
        session = open_session(report.onnx_path, threads=THREADS)
        latencies = {}
        for height, width in FRAME_SIZES:
            frame = np.random.default_rng(0).random((1, 3, height, width), dtype=np.float32)
            latencies[height, width] = 1000 * median_seconds(
                lambda: session.run([OUTPUT_NAME], {INPUT_NAME: frame}), LATENCY_RUNS
            )
    return report.size_bytes, latencies


def training_images_per_second(model: StudentUNet, config: TrainConfig) -> float:
    """Forward, loss, backward and AdamW step, laid out as train_student lays them out."""
    model = model.to(memory_format=torch.channels_last).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    shape = (config.batch_size, 3, config.crop_size, config.crop_size)
    photos = torch.rand(shape).contiguous(memory_format=torch.channels_last)
    targets = torch.rand(shape)

    def step() -> None:
        loss = stylization_loss(model(photos), targets, config.l1_weight, config.ssim_weight)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return config.batch_size / median_seconds(step, TRAIN_STEPS)


def main() -> None:
    torch.set_num_threads(THREADS)
    config = TrainConfig()
    torch.manual_seed(0)
    model = StudentUNet(config.student).eval()
    size_bytes, latencies = onnx_latencies_ms(model)
    print(f"student widths {config.student.widths} (stride {config.student.stride})")
    print(f"parameters     {count_parameters(model):,}")
    print(f"onnx size      {size_bytes / 1e6:.2f} MB")
    for (height, width), milliseconds in latencies.items():
        fps = 1000 / milliseconds
        print(f"ort {width}×{height:<8} {milliseconds:6.1f} ms median ({THREADS} threads, {fps:.0f} frames/s)")
    images_per_second = training_images_per_second(model, config)
    print(f"training       {images_per_second:.1f} images/s at batch {config.batch_size}, crop {config.crop_size}²")


if __name__ == "__main__":
    main()
