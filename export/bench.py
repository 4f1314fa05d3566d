"""`celflow bench`: p50/p95 latency and frames per second per backend, frame size and batch size."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from celflow.export.latency import measure_latency
from celflow.export.stylizer import Stylizer

# (height, width) as users name them: square crops, a webcam frame, full HD.
BENCH_SIZES = ((256, 256), (512, 512), (480, 640), (1080, 1920))
BENCH_BATCHES = (1, 4)


class BenchRow(BaseModel):
    """One measured configuration. `fps` counts frames (batch × calls per second at the median latency)."""

    model_config = ConfigDict(frozen=True)

    model: str
    backend: str
    height: int
    width: int
    batch: int
    p50_ms: float
    p95_ms: float
    fps: float
    iterations: int


def padded(size: int, stride: int) -> int:
    return -(-size // stride) * stride


def bench_stylizer(
    stylizer: Stylizer,
    model: str,
    sizes: tuple[tuple[int, int], ...] = BENCH_SIZES,
    batches: tuple[int, ...] = BENCH_BATCHES,
    warmup: int = 2,
    iterations: int = 10,
) -> list[BenchRow]:
    """Time the network on random frames (padded to the stride as the runtime pads them; colour conversion excluded)."""
    rows = []
    generator = np.random.default_rng(0)
    for height, width in sizes:
        for batch in batches:
            frames = generator.random((batch, 3, padded(height, stylizer.stride), padded(width, stylizer.stride)), np.float32)
            latency = measure_latency(lambda: stylizer.run_batch(frames), warmup, iterations)
            rows.append(
                BenchRow(
                    model=model,
                    backend=stylizer.backend.value,
                    height=height,
                    width=width,
                    batch=batch,
                    p50_ms=latency.p50_ms,
                    p95_ms=latency.p95_ms,
                    fps=1000 * batch / latency.p50_ms,
                    iterations=iterations,
                )
            )
    return rows


def format_table(rows: list[BenchRow]) -> str:
    """A markdown table, one line per row, ready to paste into the README."""
    lines = [
        "| model | backend | size (W×H) | batch | p50 ms | p95 ms | frames/s |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.model} | {r.backend} | {r.width}×{r.height} | {r.batch} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.fps:.1f} |"
        for r in rows
    ]
    return "\n".join(lines)
