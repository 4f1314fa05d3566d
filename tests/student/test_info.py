"""`celflow student info`: parameters, GFLOPs per frame size and ONNX size of a preset or a trained student."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from celflow.cli import app
from celflow.student.checkpoint import save_student
from celflow.student.info import student_cost
from celflow.student.unet import PRESETS, StudentUNet, count_parameters
from tests.student.conftest import randomised_student


def test_cost_counts_flops_that_grow_with_the_frame() -> None:
    cost = student_cost(StudentUNet(PRESETS["small"]))

    assert list(cost.gflops) == ["256×256", "512×512", "480×640"]
    assert cost.gflops["512×512"] == pytest.approx(4 * cost.gflops["256×256"], rel=0.01)
    assert cost.gflops["256×256"] < cost.gflops["512×512"] < cost.gflops["480×640"]


def test_info_prints_parameters_gflops_and_onnx_size_of_a_preset() -> None:
    result = CliRunner().invoke(app, ["student", "info", "--preset", "tiny"])

    assert result.exit_code == 0, result.output
    assert f"parameters   {count_parameters(StudentUNet(PRESETS['tiny'])):,}" in result.output
    assert len(re.findall(r"GFLOPs\s+\d+\.\d+ at", result.output)) == 3
    assert float(re.search(r"ONNX size\s+(\d+\.\d+) MB", result.output).group(1)) > 0


def test_info_describes_a_trained_student(tmp_path: Path) -> None:
    model = randomised_student()
    save_student(model, model.config, tmp_path)

    result = CliRunner().invoke(app, ["student", "info", "--model", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert f"parameters   {count_parameters(model):,}" in result.output and "unshuffle 1" in result.output


def test_info_on_a_folder_without_a_student_fails_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["student", "info", "--model", str(tmp_path)])

    assert result.exit_code == 1 and result.output.count("\n") == 1 and "student.json: missing" in result.output
