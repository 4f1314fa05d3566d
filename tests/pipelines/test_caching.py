"""Caching, proved by counting real teacher calls: an unchanged distill recomputes nothing, one new photo one pair."""

from __future__ import annotations

import cv2
from typer.testing import CliRunner

from celflow.cli import app

from celflow.pipelines.distill import distill_flow
from celflow.student.train import TrainConfig
from tests.pipelines.flow_runs import task_runs
from tests.pipelines.photo_folders import pair_stamps, teacher_calls, write_face_photos

TINY_TRAINING = TrainConfig(steps=3, batch_size=2, crop_size=64, checkpoint_every=3)


def _distill(photos, out):
    state = distill_flow(photos, out, train=TINY_TRAINING, max_side=192, progress=False, return_state=True)
    assert state.is_completed(), state.message
    return state.result(), {run.name.split("-")[0] if "-stage" in run.name else run.name: run.state_name for run in task_runs(state)}


def test_unchanged_distill_recomputes_nothing_and_one_changed_photo_remakes_only_its_pair(prefect_server, tmp_path, hopper):
    photos, out = tmp_path / "photos", tmp_path / "out"
    write_face_photos(photos, hopper, 3)
    first, _ = _distill(photos, out)
    assert first.pairs == 3
    made = pair_stamps(out / "pairs")

    second, states = _distill(photos, out)
    assert teacher_calls(made, pair_stamps(out / "pairs")) == []
    stages = {name: state for name, state in states.items() if name in {"train", "export", "evaluate"}}
    assert stages == {"train": "Cached", "export": "Cached", "evaluate": "Cached"}, states
    assert all(state == "Cached" for name, state in states.items() if name.startswith("pair ")), states
    assert second.exported.onnx_path == first.exported.onnx_path and second.trained == first.trained

    changed = photos / "p01.jpg"
    cv2.imwrite(str(changed), cv2.flip(cv2.imread(str(changed)), 1))  # the same person, mirrored: new bytes
    before = pair_stamps(out / "pairs")
    third, states = _distill(photos, out)
    remade = teacher_calls(before, pair_stamps(out / "pairs"))
    assert len(remade) == 1 and remade[0].startswith("p01-"), remade
    assert states["train"] == "Completed" and third.trained.model_dir != first.trained.model_dir
    assert third.exported.onnx_path.is_file() and third.pairs == 3


def test_distill_with_a_missing_photo_folder_says_so_in_one_line(tmp_path):
    result = CliRunner().invoke(app, ["distill", str(tmp_path / "nowhere"), str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "nowhere" in lines[0]
