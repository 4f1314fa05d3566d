"""train_student: learns from pairs, resumes exactly where it stopped, refuses to mix settings, shows its work."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import cv2
import pydantic
import pytest
import torch
from celflow.core.line_art import LineArt, keep_line_art, read_line_art
from celflow.core.pair_folder import read_manifest, write_manifest
from celflow.student.checkpoint import (
    CHECKPOINT_FILE,
    WEIGHTS_FILE,
    load_student,
    load_training_checkpoint,
)
from celflow.student.dataset import PairDataset, sample_batch, split_pair_ids
from celflow.student.evaluate import evaluate_model
from celflow.student.losses import DistillationLoss, LossWeights
from celflow.student.train import REPORT_FILE, TrainConfig, TrainReport, train_student
from celflow.student.training_logs import (
    LOSS_CURVES_FILE,
    SAMPLES_FILE,
    TENSORBOARD_DIR,
)
from celflow.student.unet import StudentConfig, StudentUNet
from safetensors.torch import load_file

SMALL_NET = StudentConfig(widths=(8, 16, 32))
TINY = TrainConfig(
    steps=4, batch_size=2, crop_size=32, learning_rate=5e-3, checkpoint_every=2, val_fraction=0.25, student=SMALL_NET
)


def train(pairs_dir: Path, model_dir: Path, config: TrainConfig, **options: object) -> TrainReport:
    """train_student on one thread: on a busy shared CPU two threads spin against each other (10× slower here)."""
    return train_student(pairs_dir, model_dir, config, progress=False, threads=1, **options)


def whole_pairs_loss(model: StudentUNet, pairs_dir: Path) -> float:
    """The loss on every pair, centre-cropped: the same batch before and after training."""
    dataset = PairDataset(read_manifest(pairs_dir).pair_dirs(pairs_dir), crop_size=64, augment=False)
    photos, targets, _ = (torch.stack(side) for side in zip(*(dataset[i] for i in range(len(dataset)))))
    with torch.inference_mode():
        return sum(DistillationLoss(LossWeights())(model.eval()(photos), targets).values()).item()


def test_a_few_steps_lower_the_loss_and_raise_held_out_ssim(pairs_dir: Path, tmp_path: Path) -> None:
    config = TINY.model_copy(update={"steps": 40, "crop_size": 48, "batch_size": 4})
    untrained = StudentUNet(config.student)  # returns the photo unchanged
    _, val_ids = split_pair_ids([record.pair_id for record in read_manifest(pairs_dir).pairs], config.val_fraction)

    report = train(pairs_dir, tmp_path, config)

    trained, _ = load_student(tmp_path)
    assert whole_pairs_loss(trained, pairs_dir) < whole_pairs_loss(untrained, pairs_dir)
    assert report.val_pairs == len(val_ids)
    assert report.val_ssim > evaluate_model(untrained, [pairs_dir / pair_id for pair_id in val_ids]).ssim + 0.02
    assert report.steps == 40 and report.images_per_second > 0


def test_writes_report_curves_samples_tensorboard_and_a_loadable_model(pairs_dir: Path, tmp_path: Path) -> None:
    report = train(pairs_dir, tmp_path, TINY.model_copy(update={"log_every": 1}))

    assert TrainReport.model_validate_json((tmp_path / REPORT_FILE).read_text()) == report
    assert report.val_psnr is not None and report.val_ssim is not None
    model, config = load_student(tmp_path)
    assert config == TINY.student and isinstance(model, StudentUNet)
    curves = cv2.imread(str(tmp_path / LOSS_CURVES_FILE))
    samples = cv2.imread(str(tmp_path / SAMPLES_FILE))
    assert curves is not None and curves.std() > 0
    assert samples is not None and samples.shape[1] > 3 * TINY.crop_size  # photo | teacher | student columns
    assert list((tmp_path / TENSORBOARD_DIR).glob("events.out.tfevents.*"))


def test_the_checkpoint_keeps_every_step_s_loss_terms(pairs_dir: Path, tmp_path: Path) -> None:
    train(pairs_dir, tmp_path, TINY)

    history = load_training_checkpoint(tmp_path / CHECKPOINT_FILE).history

    assert set(history) == {"l1", "ssim", "edge", "ink", "lab"}  # the terms LossWeights switches on by default
    assert all(len(values) == TINY.steps for values in history.values())


def assert_same_weights(model_dir: Path, other_dir: Path) -> None:
    weights, other = load_file(model_dir / WEIGHTS_FILE), load_file(other_dir / WEIGHTS_FILE)
    assert weights.keys() == other.keys()
    for name, tensor in weights.items():
        torch.testing.assert_close(other[name], tensor, rtol=0, atol=1e-6)


def interrupt_at_batch(monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    """Make the `batch`-th batch draw raise KeyboardInterrupt, as a Ctrl-C or kill during that step would."""
    calls = 0

    def interrupted(*args: object, **kwargs: object):
        nonlocal calls
        calls += 1
        if calls == batch:
            raise KeyboardInterrupt
        return sample_batch(*args, **kwargs)

    monkeypatch.setattr("celflow.student.loader.sample_batch", interrupted)


@pytest.mark.parametrize("schedule", ["cosine", "one_cycle"])
def test_ten_steps_then_resume_then_ten_more_equal_twenty_straight(
    pairs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schedule: str
) -> None:
    config = TINY.model_copy(update={"steps": 20, "checkpoint_every": 10, "schedule": schedule})
    with monkeypatch.context() as patch:
        interrupt_at_batch(patch, 11)
        with pytest.raises(KeyboardInterrupt):
            train(pairs_dir, tmp_path / "resumed", config)
    assert load_training_checkpoint(tmp_path / "resumed" / CHECKPOINT_FILE).step == 10

    resumed = train(pairs_dir, tmp_path / "resumed", config)
    straight = train(pairs_dir, tmp_path / "straight", config)

    assert resumed.steps == straight.steps == 20
    assert_same_weights(tmp_path / "resumed", tmp_path / "straight")  # EMA weights: the ones shipped
    resumed_state = load_training_checkpoint(tmp_path / "resumed" / CHECKPOINT_FILE)
    straight_state = load_training_checkpoint(tmp_path / "straight" / CHECKPOINT_FILE)
    torch.testing.assert_close(resumed_state.model, straight_state.model, rtol=0, atol=1e-6)


def test_resume_with_the_patchgan_critic_is_exact_too(pairs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = TINY.model_copy(update={"steps": 6, "checkpoint_every": 3, "loss": LossWeights(adversarial=0.05)})
    with monkeypatch.context() as patch:
        interrupt_at_batch(patch, 4)
        with pytest.raises(KeyboardInterrupt):
            train(pairs_dir, tmp_path / "resumed", config)

    train(pairs_dir, tmp_path / "resumed", config)
    train(pairs_dir, tmp_path / "straight", config)

    assert_same_weights(tmp_path / "resumed", tmp_path / "straight")
    critic = load_training_checkpoint(tmp_path / "resumed" / CHECKPOINT_FILE).critic
    torch.testing.assert_close(critic, load_training_checkpoint(tmp_path / "straight" / CHECKPOINT_FILE).critic)


def test_resume_refuses_a_checkpoint_trained_with_other_settings(pairs_dir: Path, tmp_path: Path) -> None:
    train(pairs_dir, tmp_path, TINY)

    with pytest.raises(ValueError, match=rf"{CHECKPOINT_FILE}.*learning_rate 0.005 → 0.001"):
        train(pairs_dir, tmp_path, TINY.model_copy(update={"learning_rate": 1e-3}))


def test_max_minutes_stops_early_keeps_a_checkpoint_and_says_the_schedule_was_cut(
    pairs_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="celflow.student.train"):
        report = train(pairs_dir, tmp_path, TINY.model_copy(update={"max_minutes": 1e-6}))

    assert report.steps == 1
    assert load_training_checkpoint(tmp_path / CHECKPOINT_FILE).step == 1
    assert f"limit at step 1 of {TINY.steps}, learning rate still" in caplog.text


def test_a_separate_validation_folder_is_used_whole(pairs_dir: Path, tmp_path: Path) -> None:
    report = train(pairs_dir, tmp_path, TINY, val_pairs_dir=pairs_dir)

    assert report.val_pairs == len(read_manifest(pairs_dir).pairs)


def test_the_alpha_head_learns_the_person_mask(masked_pairs_dir: Path, tmp_path: Path) -> None:
    alpha_student = SMALL_NET.model_copy(update={"alpha_head": True})
    config = TINY.model_copy(
        update={"steps": 240, "crop_size": 48, "batch_size": 4, "learning_rate": 1e-2, "schedule": "constant", "student": alpha_student}
    )

    report = train(masked_pairs_dir, tmp_path, config, val_pairs_dir=masked_pairs_dir)

    # calling every pixel 'person' scores the masks' coverage, 0.21–0.84 here
    assert report.val_alpha_iou is not None and report.val_alpha_iou > 0.8


def test_perceptual_loss_without_vgg_weights_is_refused_by_name(pairs_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs vgg_weights"):
        train(pairs_dir, tmp_path, TINY.model_copy(update={"loss": LossWeights(perceptual=1.0)}))


def test_crop_size_must_be_a_multiple_of_the_stride() -> None:
    with pytest.raises(pydantic.ValidationError, match="crop_size=30"):
        TrainConfig(crop_size=30, student=StudentConfig(widths=(8, 16, 32, 64)))


def test_loader_workers_do_not_change_the_weights(pairs_dir: Path, tmp_path: Path) -> None:
    config = TINY.model_copy(update={"steps": 6})

    train(pairs_dir, tmp_path / "here", config, loader_workers=0)
    train(pairs_dir, tmp_path / "ahead", config, loader_workers=2)

    assert_same_weights(tmp_path / "here", tmp_path / "ahead")


def test_the_shipped_weights_are_an_ema_that_warms_up(pairs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After 2 steps the EMA holds w1 + (w2 − w1)·(1 − 2/11): a warm-up rate, not the 0.999 decay."""
    config = TINY.model_copy(update={"steps": 2, "checkpoint_every": 1})
    with monkeypatch.context() as patch:
        interrupt_at_batch(patch, 2)
        with pytest.raises(KeyboardInterrupt):
            train(pairs_dir, tmp_path, config)
    first = load_training_checkpoint(tmp_path / CHECKPOINT_FILE).model
    train(pairs_dir, tmp_path, config)
    second = load_training_checkpoint(tmp_path / CHECKPOINT_FILE).model

    shipped = load_file(tmp_path / WEIGHTS_FILE)
    assert shipped.keys() == first.keys()
    for name, tensor in shipped.items():
        expected = first[name] + (second[name] - first[name]) * (1.0 - 2.0 / 11.0)
        torch.testing.assert_close(tensor, expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize(("minutes", "steps", "warned"), [(0.02, 1_000_000, True), (10.0, 30, False)], ids=["cut", "fits"])
def test_a_time_limit_that_will_cut_the_schedule_is_announced_early(
    pairs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    minutes: float, steps: int, warned: bool,
) -> None:
    monkeypatch.setattr("celflow.student.train.FORECAST_WARMUP", 5)
    with caplog.at_level(logging.WARNING, logger="celflow.student.train"):
        train(pairs_dir, tmp_path, TINY.model_copy(update={"max_minutes": minutes, "steps": steps, "checkpoint_every": 100}))

    forecasts = [record.message for record in caplog.records if "will stop training near step" in record.message]
    assert len(forecasts) == int(warned)
    if warned:
        reachable = int(forecasts[0].split("near step ")[1].split()[0])
        assert 10 < reachable < 0.8 * steps and f"start a new run with {reachable} steps" in forecasts[0]


def test_a_run_can_start_from_a_trained_student_s_weights(pairs_dir: Path, tmp_path: Path) -> None:
    train(pairs_dir, tmp_path / "base", TINY)
    base, _ = load_student(tmp_path / "base")
    barely = TINY.model_copy(update={"steps": 1, "learning_rate": 1e-12, "ema_decay": 0.0, "init_from": tmp_path / "base"})

    train(pairs_dir, tmp_path / "tuned", barely)

    tuned, _ = load_student(tmp_path / "tuned")
    for name, tensor in base.state_dict().items():
        torch.testing.assert_close(tuned.state_dict()[name], tensor, atol=1e-6, rtol=0)


def _drift(model_dir: Path, start: StudentUNet) -> float:
    tuned, _ = load_student(model_dir)
    return sum(((tuned.state_dict()[name] - t) ** 2).sum().item() for name, t in start.named_parameters())


def test_an_anchor_keeps_a_fine_tuning_nearer_the_student_it_started_from(pairs_dir: Path, tmp_path: Path) -> None:
    train(pairs_dir, tmp_path / "base", TINY)
    base, _ = load_student(tmp_path / "base")
    tuning = TINY.model_copy(update={"steps": 6, "ema_decay": 0.0, "init_from": tmp_path / "base"})
    train(pairs_dir, tmp_path / "free", tuning)
    anchored = tuning.model_copy(update={"loss": LossWeights(anchor=100.0)})
    train(pairs_dir, tmp_path / "anchored", anchored)
    free, held = _drift(tmp_path / "free", base), _drift(tmp_path / "anchored", base)
    assert 0 < held < 0.5 * free
    assert "anchor" in load_training_checkpoint(tmp_path / "anchored" / CHECKPOINT_FILE).history


def test_a_painting_head_goes_on_as_a_local_mean_head_with_its_paint_forgotten(pairs_dir: Path, tmp_path: Path) -> None:
    """A student trained with the gated head can be fine-tuned with gated_local: all it learnt but the paint's
    colour carries over (that colour was painted from scratch, the new head's is a shift from the photo's)."""
    painting = TINY.model_copy(update={"student": TINY.student.model_copy(update={"head": "gated"})})
    train(pairs_dir, tmp_path / "base", painting)
    base, _ = load_student(tmp_path / "base")
    local = TINY.student.model_copy(update={"head": "gated_local"})
    barely = TINY.model_copy(
        update={"student": local, "steps": 1, "learning_rate": 1e-12, "ema_decay": 0.0, "init_from": tmp_path / "base"}
    )

    train(pairs_dir, tmp_path / "tuned", barely)

    tuned, config = load_student(tmp_path / "tuned")
    assert config.head == "gated_local"
    paint_rows = 3 * config.unshuffle**2
    for name, tensor in base.state_dict().items():
        expected = tensor.clone()
        if name.startswith("head."):
            assert tensor[:paint_rows].abs().max() > 0  # there was a learnt paint to forget
            expected[:paint_rows] = 0
        torch.testing.assert_close(tuned.state_dict()[name], expected, atol=1e-6, rtol=0)


def test_starting_from_a_student_of_another_architecture_is_refused_by_name(pairs_dir: Path, tmp_path: Path) -> None:
    train(pairs_dir, tmp_path / "base", TINY)
    wider = TINY.model_copy(update={"student": StudentConfig(widths=(16, 32, 64)), "init_from": tmp_path / "base"})

    with pytest.raises(ValueError, match=r"base: a student with widths=\(8, 16, 32\).*this run trains widths=\(16, 32, 64\)"):
        train(pairs_dir, tmp_path / "tuned", wider)


def test_the_student_carries_the_face_lines_its_pairs_were_drawn_with(pairs_dir: Path, tmp_path: Path) -> None:
    lines = LineArt(ink=(40, 30, 30), line_weight=2.0, line_darkness=0.9)
    drawn = tmp_path / "pairs"
    shutil.copytree(pairs_dir, drawn)
    write_manifest(drawn, read_manifest(drawn).model_copy(update={"line_art": lines}))

    train(drawn, tmp_path / "student", TINY)
    assert read_line_art(tmp_path / "student") == lines

    keep_line_art(tmp_path / "again", lines)  # a folder trained on such pairs before, now on pairs without
    train(pairs_dir, tmp_path / "again", TINY)
    assert read_line_art(tmp_path / "again") is None
