"""Honest latency figures: warm-up calls discarded, then medians and 95th percentiles of wall time."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Latency:
    """Per-call wall time in milliseconds over `iterations` timed calls."""

    p50_ms: float
    p95_ms: float
    iterations: int


def measure_latency(run: Callable[[], object], warmup: int, iterations: int) -> Latency:
    """Call `run` `warmup` times untimed (the first calls plan memory and build kernels), then time each call."""
    return interleaved_latencies([run], warmup, iterations)[0]


def interleaved_latencies(runs: list[Callable[[], object]], warmup: int, iterations: int) -> list[Latency]:
    """Time several candidates in turn, call by call, so a busy neighbour on a shared CPU slows them alike.

    Ratios of medians measured this way are fair even when absolute figures are noisy.
    """
    if iterations < 1:
        raise ValueError(f"iterations={iterations}: need at least one timed call")
    for run in runs:
        for _ in range(warmup):
            run()
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(iterations):
        for run, samples in zip(runs, times):
            started = time.perf_counter()
            run()
            samples.append(1000 * (time.perf_counter() - started))
    return [Latency(float(np.percentile(t, 50)), float(np.percentile(t, 95)), iterations) for t in times]
