"""`celflow train` and `celflow evaluate` through real Prefect flows: reports, contact sheet, flicker, artifacts."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest
from typer.testing import CliRunner

from celflow.cli import app
from celflow.pipelines.demo_photos import demo_clip_path
from celflow.pipelines.evaluate import REPORT_FILE, SHEET_FILE, Evaluation, evaluate_flow
from celflow.pipelines.train import train_flow, train_markdown
from celflow.student.train import TrainConfig
from celflow.student.unet import StudentConfig
from tests.student.conftest import pairs_dir  # noqa: F401  (fixture: eight astronaut pairs)

CONFIG = TrainConfig(steps=4, batch_size=2, crop_size=32, checkpoint_every=2, val_fraction=0.25, student=StudentConfig(widths=(8, 16, 32)))


@pytest.fixture(scope="module")
def trained(prefect_server, pairs_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    model_dir = tmp_path_factory.mktemp("student")
    state = train_flow(pairs_dir, model_dir, CONFIG, return_state=True)
    return model_dir, state


# The artifacts' text is checked through the functions the flows publish with: on this machine's Prefect
# 3.8.8 test server, stored artifacts cannot be read back (its /artifacts/filter returns none).
def test_the_train_flow_summary_has_scores_and_links(trained) -> None:
    model_dir, state = trained

    markdown = train_markdown(state.result(), CONFIG)

    assert "| steps | 4 of 4" in markdown and "held-out PSNR / SSIM" in markdown
    assert (model_dir / "student.safetensors").resolve().as_uri() in markdown


def test_evaluate_writes_report_sheet_and_artifact_with_flicker_of_student_and_teacher(trained, pairs_dir, tmp_path) -> None:  # noqa: F811
    model_dir, _ = trained

    state = evaluate_flow(model_dir, pairs_dir, tmp_path, clip=demo_clip_path(), max_frames=5, clip_scale=2.0, return_state=True)
    evaluation = state.result()

    saved = Evaluation.model_validate_json((tmp_path / REPORT_FILE).read_text())
    assert saved == evaluation and evaluation.heldout.pairs == 8
    assert 0 < evaluation.heldout.ssim <= 1 and 0 <= evaluation.heldout.edge_f1 <= 1
    assert evaluation.flicker is not None and evaluation.flicker.frames == 5
    assert evaluation.flicker.student >= 0 and evaluation.flicker.teacher > 0
    sheet = cv2.imread(str(tmp_path / SHEET_FILE))
    assert sheet is not None and sheet.shape[0] > 6 * 100  # a title strip and six rows
    assert "| flicker on carphone_pristine.mp4 (5 frames) student / teacher |" in evaluation.as_markdown()


def test_evaluate_says_whether_teacher_and_student_still_look_like_the_person(trained, pairs_dir, tmp_path) -> None:  # noqa: F811
    model_dir, _ = trained

    evaluation = evaluate_flow(model_dir, pairs_dir, tmp_path)

    for look in (evaluation.look_teacher, evaluation.look_student):
        assert look is not None and look.images == 8 and look.skin_faces >= 1
        assert 0 <= look.stroke_share_median <= 1 and 0 <= look.flat_share_median <= 1
    markdown = evaluation.as_markdown()
    assert "| teacher: skin ΔITA° vs photo, median / worst |" in markdown
    assert "| student: same person as the photo (dlib < 0.6) |" in markdown


def test_evaluate_command_prints_the_table(trained, pairs_dir, tmp_path) -> None:  # noqa: F811
    model_dir, _ = trained

    result = CliRunner().invoke(app, ["evaluate", str(model_dir), str(pairs_dir), "--out", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "| PSNR / SSIM / MS-SSIM |" in result.output
    assert json.loads((tmp_path / REPORT_FILE).read_text())["flicker"] is None


def test_evaluate_without_a_model_fails_in_one_line(pairs_dir, tmp_path) -> None:  # noqa: F811
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "nothing"), str(pairs_dir)])

    assert result.exit_code == 1
    assert result.output.strip().startswith("celflow: error:") and "student.json: missing" in result.output
    assert len(result.output.strip().splitlines()) == 1
