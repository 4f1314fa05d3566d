"""`celflow export` through the real Prefect flow: the files written and the printed report."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from celflow.cli import app


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
