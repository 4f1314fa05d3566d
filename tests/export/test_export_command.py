"""`celflow export` through the real Prefect flow: the files written and the printed report."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from celflow.cli import app
from celflow.export import quantize


@pytest.mark.usefixtures("prefect_server")
def test_export_with_int8_writes_both_files_and_prints_the_report(model_dir: Path, pairs_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "student.onnx"
    result = CliRunner().invoke(app, ["export", str(model_dir), "-o", str(out), "--int8", "cpu", "--pairs", str(pairs_dir)])

    assert result.exit_code == 0, result.output
    assert out.is_file() and (tmp_path / "student.int8.onnx").is_file()
    assert "| int8 | student.int8.onnx |" in result.output and "parity vs torch: max abs diff" in result.output


def test_variants_without_pairs_and_a_bad_shape_are_one_line_errors(model_dir: Path, tmp_path: Path) -> None:
    for args, message in [
        (["--int8", "cpu"], "--pairs: INT8 calibration and the SSIM check need a pairs folder"),
        (["--fixed-shape", "1x480"], "--fixed-shape 1x480: expected BATCHxHEIGHTxWIDTH"),
    ]:
        result = CliRunner().invoke(app, ["export", str(model_dir), "-o", str(tmp_path / "s.onnx"), *args])
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


@pytest.mark.usefixtures("prefect_server")
def test_a_refused_int8_keeps_the_fp16_variant_and_fails_in_one_line(
    model_dir: Path,
    pairs_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quantize, "SSIM_FLOOR", 0.9999)  # this student: FP16 0.99998, INT8 0.9996 vs FP32
    out = tmp_path / "student.onnx"
    args = ["export", str(model_dir), "-o", str(out), "--int8", "cpu", "--fp16", "--pairs", str(pairs_dir)]

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("celflow: error: ") and "int8 SSIM vs FP32" in error
    assert error.endswith(f"{tmp_path / 'student.fp16.onnx'} written")
    assert (tmp_path / "student.fp16.onnx").is_file() and not (tmp_path / "student.int8.onnx").exists()
