"""train_student: learns from pairs, resumes exactly where it stopped, refuses to mix settings."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
import torch
from safetensors.torch import load_file

from celflow.records import read_manifest
from celflow.student.checkpoint import CHECKPOINT_FILE, WEIGHTS_FILE, load_student, load_training_checkpoint
from celflow.student.dataset import PairDataset, split_pair_ids
from celflow.student.evaluate import evaluate_model
from celflow.student.losses import stylization_loss
from celflow.student.train import REPORT_FILE, TrainConfig, TrainReport, train_student
from celflow.student.unet import StudentConfig, StudentUNet

TINY = TrainConfig(steps=4, batch_size=2, crop_size=32, learning_rate=5e-3, checkpoint_every=2, val_fraction=0.25)


def whole_pairs_loss(model: StudentUNet, pairs_dir: Path) -> float:
    """The loss on every pair, centre-cropped: the same batch before and after training."""
    dataset = PairDataset(read_manifest(pairs_dir).pair_dirs(pairs_dir), crop_size=64, augment=False)
    photos, targets = (torch.stack(side) for side in zip(*(dataset[i] for i in range(len(dataset)))))
    with torch.inference_mode():
        return stylization_loss(model.eval()(photos), targets).item()


def test_a_few_steps_lower_the_loss_and_raise_held_out_psnr(pairs_dir: Path, tmp_path: Path) -> None:
    config = TINY.model_copy(update={"steps": 40, "crop_size": 48, "batch_size": 4})
    untrained = StudentUNet(config.student)  # returns the photo unchanged
    _, val_ids = split_pair_ids([record.pair_id for record in read_manifest(pairs_dir).pairs], config.val_fraction)

    report = train_student(pairs_dir, tmp_path, config, progress=False)

    trained, _ = load_student(tmp_path)
    assert whole_pairs_loss(trained, pairs_dir) < whole_pairs_loss(untrained, pairs_dir)
    assert report.val_pairs == len(val_ids)
    assert report.val_psnr > evaluate_model(untrained, [pairs_dir / pair_id for pair_id in val_ids]).psnr + 0.5
    assert report.steps == 40 and report.images_per_second > 0


def test_writes_report_and_a_loadable_model(pairs_dir: Path, tmp_path: Path) -> None:
    report = train_student(pairs_dir, tmp_path, TINY, progress=False)

    assert TrainReport.model_validate_json((tmp_path / REPORT_FILE).read_text()) == report
    assert report.val_psnr is not None and report.val_ssim is not None
    model, config = load_student(tmp_path)
    assert config == TINY.student and isinstance(model, StudentUNet)


def assert_same_weights(model_dir: Path, other_dir: Path) -> None:
    weights, other = load_file(model_dir / WEIGHTS_FILE), load_file(other_dir / WEIGHTS_FILE)
    assert weights.keys() == other.keys()
    for name, tensor in weights.items():
        torch.testing.assert_close(other[name], tensor, rtol=0, atol=1e-6)


def test_a_resumed_run_ends_where_a_straight_run_does(pairs_dir: Path, tmp_path: Path) -> None:
    eight_steps = TINY.model_copy(update={"steps": 8})
    assert train_student(pairs_dir, tmp_path / "resumed", TINY, progress=False).steps == 4
    # out of time after one more step, between checkpoints: proves the run continued rather than restarted
    one_more = eight_steps.model_copy(update={"max_minutes": 1e-6})
    assert train_student(pairs_dir, tmp_path / "resumed", one_more, progress=False).steps == 5
    resumed = train_student(pairs_dir, tmp_path / "resumed", eight_steps, progress=False)
    straight = train_student(pairs_dir, tmp_path / "straight", eight_steps, progress=False)

    assert resumed.steps == straight.steps == 8
    assert_same_weights(tmp_path / "resumed", tmp_path / "straight")


def test_a_killed_run_continues_from_its_last_checkpoint(
    pairs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0

    def killed_during_step_3(*args: object, **kwargs: object) -> torch.Tensor:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return stylization_loss(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr("celflow.student.train.stylization_loss", killed_during_step_3)
        with pytest.raises(KeyboardInterrupt):
            train_student(pairs_dir, tmp_path / "killed", TINY, progress=False)
    assert load_training_checkpoint(tmp_path / "killed" / CHECKPOINT_FILE).step == 2

    train_student(pairs_dir, tmp_path / "killed", TINY, progress=False)
    train_student(pairs_dir, tmp_path / "straight", TINY, progress=False)
    assert_same_weights(tmp_path / "killed", tmp_path / "straight")


def test_resume_refuses_a_checkpoint_trained_with_other_settings(pairs_dir: Path, tmp_path: Path) -> None:
    train_student(pairs_dir, tmp_path, TINY, progress=False)

    with pytest.raises(ValueError, match=rf"{CHECKPOINT_FILE}.*learning_rate 0.005 → 0.001"):
        train_student(pairs_dir, tmp_path, TINY.model_copy(update={"learning_rate": 1e-3}), progress=False)


def test_max_minutes_stops_early_and_keeps_a_checkpoint(pairs_dir: Path, tmp_path: Path) -> None:
    report = train_student(pairs_dir, tmp_path, TINY.model_copy(update={"max_minutes": 1e-6}), progress=False)

    assert report.steps == 1
    assert load_training_checkpoint(tmp_path / CHECKPOINT_FILE).step == 1


def test_a_separate_validation_folder_is_used_whole(pairs_dir: Path, tmp_path: Path) -> None:
    report = train_student(pairs_dir, tmp_path, TINY, val_pairs_dir=pairs_dir, progress=False)

    assert report.val_pairs == len(read_manifest(pairs_dir).pairs)


def test_crop_size_must_be_a_multiple_of_the_stride() -> None:
    with pytest.raises(pydantic.ValidationError, match="crop_size=30"):
        TrainConfig(crop_size=30, student=StudentConfig(widths=(8, 16, 32, 64)))
