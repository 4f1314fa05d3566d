"""`celflow bench`: one row per backend, size and batch, with p50 ≤ p95 and honest frames per second."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from celflow.cli import app
from celflow.export.bench import bench_stylizer, format_table
from celflow.export.onnx_export import ExportReport
from celflow.export.runtime import OnnxStylizer


def test_rows_cover_every_size_and_batch(exported: ExportReport) -> None:
    rows = bench_stylizer(OnnxStylizer(exported.onnx_path), "student.onnx", ((20, 30), (64, 64)), (1, 3), 1, 3)

    assert [(r.height, r.width, r.batch) for r in rows] == [(20, 30, 1), (20, 30, 3), (64, 64, 1), (64, 64, 3)]
    for row in rows:
        assert 0 < row.p50_ms <= row.p95_ms and row.iterations == 3 and row.backend == "cpu"
        assert abs(row.fps - 1000 * row.batch / row.p50_ms) < 1e-6
    table = format_table(rows).splitlines()
    assert len(table) == 2 + len(rows) and "| student.onnx | cpu | 30×20 | 3 |" in table[3]


def test_the_command_prints_a_table_and_writes_json(exported: ExportReport, model_dir: Path, tmp_path: Path) -> None:
    args = ["bench", str(exported.onnx_path), str(model_dir), "--backend", "all", "--size", "64x48", "--batch", "2"]
    result = CliRunner().invoke(app, [*args, "--iterations", "2", "--warmup", "0", "--json", str(tmp_path / "b.json")])

    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "b.json").read_text())
    assert {row["backend"] for row in rows} >= {"cpu", "torch"}
    assert all((row["width"], row["height"], row["batch"]) == (64, 48, 2) for row in rows)
    assert "| student.onnx | cpu | 64×48 | 2 |" in result.output


def test_bad_arguments_are_one_line_errors(exported: ExportReport, tmp_path: Path) -> None:
    for args, message in [
        ([str(exported.onnx_path), "--size", "640by480"], "--size 640by480: expected WIDTHxHEIGHT"),
        ([str(tmp_path / "missing.onnx")], "missing.onnx: no model there"),
        ([str(exported.onnx_path), str(tmp_path / "later.onnx")], "later.onnx: no model there"),
        ([str(exported.onnx_path), "--backend", "cuda-ep"], "backend cuda-ep: not available here"),
    ]:
        result = CliRunner().invoke(app, ["bench", *args])
        if "cuda-ep" in args and result.exit_code == 0:
            continue  # this machine has CUDA: nothing to refuse
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
        assert "benchmarking" not in result.output  # refused before any slow measurement
