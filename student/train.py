"""Distil the teacher's pairs into the student: one readable loop with checkpoint, resume and evaluation."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator
from tqdm import tqdm

from celflow.atomic import write_text_atomic
from celflow.records import read_manifest
from celflow.student.checkpoint import (
    CHECKPOINT_FILE,
    TrainingCheckpoint,
    load_training_checkpoint,
    save_student,
    save_training_checkpoint,
)
from celflow.student.cpu import available_cores
from celflow.student.dataset import PairDataset, sample_batch, split_pair_ids
from celflow.student.evaluate import evaluate_model
from celflow.student.losses import stylization_loss
from celflow.student.unet import StudentConfig, StudentUNet

REPORT_FILE = "train_report.json"
# How long to run, not what is learnt: a resumed run may change these and still match a straight run.
RUN_LENGTH_FIELDS = {"steps", "max_minutes", "checkpoint_every"}


class TrainConfig(BaseModel):
    """Everything that decides the trained weights (with the pairs), saved in every checkpoint."""

    model_config = ConfigDict(frozen=True)

    steps: PositiveInt = 20_000
    batch_size: PositiveInt = 8
    crop_size: PositiveInt = 128  # covers the default student's 87-pixel receptive field; 4× the steps of 256
    learning_rate: float = Field(default=2e-3, gt=0)
    seed: int = 0
    checkpoint_every: PositiveInt = 500
    val_fraction: float = Field(default=0.1, ge=0, lt=1)
    max_minutes: float | None = Field(default=None, gt=0)
    l1_weight: float = Field(default=1.0, ge=0)
    ssim_weight: float = Field(default=0.2, ge=0)
    student: StudentConfig = StudentConfig()

    @model_validator(mode="after")
    def _crop_fits_stride(self) -> TrainConfig:
        if self.crop_size % self.student.stride:
            raise ValueError(f"crop_size={self.crop_size}: not a multiple of the student stride {self.student.stride}")
        return self


class TrainReport(BaseModel):
    """What a training run reached; val metrics are None when no pairs were held out."""

    model_config = ConfigDict(frozen=True)

    steps: int
    seconds: float
    final_loss: float
    val_psnr: float | None
    val_ssim: float | None
    val_pairs: int
    images_per_second: float
    model_dir: Path


def train_student(
    pairs_dir: Path,
    model_dir: Path,
    config: TrainConfig,
    val_pairs_dir: Path | None = None,
    progress: bool = True,
) -> TrainReport:
    """Train (or continue training) a student into `model_dir`, then evaluate and save it for export."""
    torch.set_num_threads(available_cores())
    model_dir = Path(model_dir)
    train_dirs, val_dirs = _train_and_val_dirs(Path(pairs_dir), val_pairs_dir, config.val_fraction)
    dataset = PairDataset(train_dirs, config.crop_size, augment=True)

    torch.manual_seed(config.seed)
    # channels_last: measured 1.8× faster training steps on CPU than the default layout.
    model = StudentUNet(config.student).to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    step, seconds_before, loss_value = 0, 0.0, float("nan")
    checkpoint_path = model_dir / CHECKPOINT_FILE
    if checkpoint_path.exists():
        saved = load_training_checkpoint(checkpoint_path)
        _check_same_training(checkpoint_path, TrainConfig.model_validate_json(saved.train_config_json), config)
        model.load_state_dict(saved.model)
        optimizer.load_state_dict(saved.optimizer)
        step, seconds_before, loss_value = saved.step, saved.seconds, saved.loss

    started = time.monotonic()
    deadline = started + 60.0 * config.max_minutes if config.max_minutes is not None else float("inf")

    def save_checkpoint() -> None:
        state = TrainingCheckpoint(
            model=model.state_dict(),
            optimizer=optimizer.state_dict(),
            step=step,
            seconds=seconds_before + time.monotonic() - started,
            loss=loss_value,
            train_config_json=config.model_dump_json(),
        )
        save_training_checkpoint(checkpoint_path, state)

    model.train()
    bar = tqdm(total=config.steps, initial=step, desc="train student", unit="step", disable=not progress)
    while step < config.steps:
        batch_seed = int(np.random.SeedSequence([config.seed, step]).generate_state(1)[0])
        photos, targets = sample_batch(dataset, config.batch_size, batch_seed)
        stylized = model(photos.contiguous(memory_format=torch.channels_last))
        loss = stylization_loss(stylized, targets, config.l1_weight, config.ssim_weight)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        loss_value = loss.item()
        bar.update()
        bar.set_postfix(loss=f"{loss_value:.4f}")
        if step % config.checkpoint_every == 0:
            save_checkpoint()
        if time.monotonic() >= deadline:
            break
    bar.close()
    if step % config.checkpoint_every:
        save_checkpoint()  # the run ended between checkpoints: keep its last steps for the next run
    seconds = seconds_before + time.monotonic() - started

    validation = evaluate_model(model, val_dirs) if val_dirs else None
    save_student(model, config.student, model_dir)
    report = TrainReport(
        steps=step,
        seconds=seconds,
        final_loss=loss_value,
        val_psnr=validation.psnr if validation else None,
        val_ssim=validation.ssim if validation else None,
        val_pairs=len(val_dirs),
        images_per_second=step * config.batch_size / seconds if seconds > 0 else 0.0,
        model_dir=model_dir,
    )
    write_text_atomic(model_dir / REPORT_FILE, report.model_dump_json(indent=2))
    return report


def _train_and_val_dirs(
    pairs_dir: Path, val_pairs_dir: Path | None, val_fraction: float
) -> tuple[list[Path], list[Path]]:
    """All of `pairs_dir` when a separate validation folder is given, else its hash split."""
    manifest = read_manifest(pairs_dir)
    if val_pairs_dir is not None:
        return manifest.pair_dirs(pairs_dir), read_manifest(val_pairs_dir).pair_dirs(Path(val_pairs_dir))
    train_ids, val_ids = split_pair_ids([record.pair_id for record in manifest.pairs], val_fraction)
    return [pairs_dir / pair_id for pair_id in train_ids], [pairs_dir / pair_id for pair_id in val_ids]


def _check_same_training(checkpoint_path: Path, saved: TrainConfig, config: TrainConfig) -> None:
    """Refuse to continue a run whose weights were learnt under other settings: the result would be neither."""
    before, now = saved.model_dump(exclude=RUN_LENGTH_FIELDS), config.model_dump(exclude=RUN_LENGTH_FIELDS)
    changed = [f"{name} {before[name]!r} → {now[name]!r}" for name in now if before[name] != now[name]]
    if changed:
        raise ValueError(
            f"{checkpoint_path}: saved under a different TrainConfig ({'; '.join(changed)}); "
            "use the same settings or a new model_dir"
        )
