"""The base student shipped with celflow: it loads, it has its record, and training starts from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from celflow.core.base_students import BASE_STUDENTS
from celflow.student.base import (
    BASE_PRESET,
    BASE_RECORD_FILE,
    FINE_TUNE_ANCHOR,
    FINE_TUNE_LEARNING_RATE,
    fine_tuning,
    shipped_base_student,
)
from celflow.student.checkpoint import load_student
from celflow.student.losses import LossWeights
from celflow.student.train import TrainConfig
from celflow.student.unet import PRESETS, student_preset


def test_the_default_character_s_base_student_ships_with_its_record() -> None:
    folder = shipped_base_student(PRESETS[BASE_PRESET])

    assert folder == BASE_STUDENTS / "default"
    _, config = load_student(folder)
    assert config == PRESETS[BASE_PRESET]
    record = json.loads((folder / BASE_RECORD_FILE).read_text())
    assert record["train_identities"] >= 40 and record["steps"] > 0 and record["hardware"]
    assert record["heldout_identities"] >= 5 and 0 < record["heldout"]["ssim_vs_teacher"] <= 1


def test_training_the_base_preset_starts_from_the_base_student_at_the_fine_tuning_rate() -> None:
    config = fine_tuning(TrainConfig(student=student_preset(BASE_PRESET, alpha_head=True)))

    assert config.init_from == BASE_STUDENTS / "default"
    assert config.learning_rate == FINE_TUNE_LEARNING_RATE
    assert config.loss.anchor == FINE_TUNE_ANCHOR > 0


def test_another_preset_trains_from_scratch_with_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    config = TrainConfig(student=PRESETS["dense"])

    with caplog.at_level("INFO", logger="celflow.student.base"):
        assert fine_tuning(config) == config
    assert "trains from scratch" in caplog.text


def test_a_chosen_start_rate_and_anchor_win(tmp_path: Path) -> None:
    config = fine_tuning(TrainConfig(loss=LossWeights(anchor=0.0)), init_from=tmp_path, learning_rate=1e-3)

    assert config.init_from == tmp_path and config.learning_rate == 1e-3 and config.loss.anchor == 0.0


def test_the_shipped_onnx_student_is_the_shipped_weights(astronaut) -> None:
    """`stylize`, `convert` and `live` open the shipped student through its ONNX file (no torch, the fastest
    backend); it must draw exactly what the weights that `celflow train` starts from draw, line art included."""
    from celflow.core.defaults import STUDENT_ONNX_FILE
    from celflow.export.open_stylizer import read_student_line_art
    from celflow.export.runtime import OnnxStylizer
    from celflow.export.torch_stylizer import TorchStylizer

    folder = BASE_STUDENTS / "default"
    photo = astronaut[:256, 128:384]
    drawn_by_onnx = OnnxStylizer(folder / STUDENT_ONNX_FILE)(photo)
    drawn_by_weights = TorchStylizer(folder)(photo)

    assert abs(drawn_by_onnx.astype(int) - drawn_by_weights.astype(int)).max() <= 1  # rounding to uint8 only
    assert read_student_line_art(folder / STUDENT_ONNX_FILE) == read_student_line_art(folder)


def test_the_shipped_student_draws_the_default_character_s_face_geometry() -> None:
    """It learnt drawings aligned with the photo, so the run time warps its faces to the default pack's proportions,
    as the default teacher's own pictures show them."""
    from celflow.core.character import load_character
    from celflow.core.line_art import read_line_art
    from celflow.generators.line_art import line_art_of

    shipped = read_line_art(BASE_STUDENTS / "default")

    assert shipped == line_art_of(load_character("default"))
    assert shipped.warp_at_run_time and shipped.geometry == load_character("default").geometry
