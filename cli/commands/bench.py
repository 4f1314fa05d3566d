"""`celflow bench`: latency and frames per second of exported students, per backend, size and batch."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

from celflow.cli.support import fail, user_errors
from celflow.core.defaults import AUTO_BACKEND

DEFAULT_SIZES = ["256x256", "512x512", "640x480", "1920x1080"]


def parse_size(text: str) -> tuple[int, int]:
    """'640x480' (width × height, as cameras name it) → (height, width)."""
    try:
        width, height = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ValueError(f"--size {text}: expected WIDTHxHEIGHT, e.g. 640x480") from None
    if width < 1 or height < 1:
        raise ValueError(f"--size {text}: width and height must be positive")
    return height, width


def backends_for(model: Path, backend: str, available: list) -> list[str]:
    """A student folder runs on torch; `all` runs an ONNX file on every present onnxruntime/TensorRT backend."""
    if model.is_dir():
        return ["torch"]
    if backend == "all":
        return [found.value for found in available if found.value != "torch"]
    return [backend]


def bench(
    models: Annotated[list[Path], typer.Argument(help="ONNX files from `celflow export` (or a student folder for torch).")],
    backend: Annotated[
        str, typer.Option(help="auto (fastest present), all (every present one), cpu, cuda-ep, tensorrt-ep, tensorrt, torch.")
    ] = AUTO_BACKEND,
    size: Annotated[list[str] | None, typer.Option("--size", help="Frame WIDTHxHEIGHT; repeat for several.")] = None,
    batch: Annotated[list[int] | None, typer.Option("--batch", help="Batch size; repeat for several (default 1 and 4).")] = None,
    warmup: Annotated[int, typer.Option(help="Untimed calls before timing each configuration.")] = 2,
    iterations: Annotated[int, typer.Option(help="Timed calls per configuration (p50/p95 over these).")] = 10,
    threads: Annotated[int | None, typer.Option(help="CPU threads for onnxruntime (default: all cores).")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the rows as JSON here.")] = None,
) -> None:
    """Print a markdown table of p50/p95 latency and frames/s per model, backend, frame size and batch."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from celflow.core.atomic import write_text_atomic
    from celflow.export.backends import available_backends
    from celflow.export.bench import BENCH_BATCHES, bench_stylizer, format_table
    from celflow.export.open_stylizer import open_stylizer

    rows = []
    try:
        sizes = tuple(parse_size(text) for text in size or DEFAULT_SIZES)
        for model in models:  # every model checked before the first (slow) measurement
            if not model.exists():
                raise FileNotFoundError(f"{model}: no model there")
        for model in models:
            for name in backends_for(model, backend, available_backends()):
                stylizer = open_stylizer(model, name, threads)
                typer.echo(f"benchmarking {model.name} on {stylizer.backend.value} …", err=True)
                rows += bench_stylizer(stylizer, model.name, sizes, tuple(batch or BENCH_BATCHES), warmup, iterations)
    except user_errors() as error:
        fail(error)
    typer.echo(format_table(rows))
    if json_path:
        write_text_atomic(json_path, json.dumps([row.model_dump() for row in rows], indent=2))
        typer.echo(f"wrote {json_path}", err=True)
