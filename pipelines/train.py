"""The `train` flow: a pairs folder → a trained student model folder."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task

from celflow.student.train import TrainConfig, TrainReport, train_student


@task(name="train-student")
def train_task(pairs_dir: Path, model_dir: Path, config: TrainConfig, val_pairs_dir: Path | None) -> TrainReport:
    return train_student(pairs_dir, model_dir, config, val_pairs_dir=val_pairs_dir)


@flow(name="train")
def train_flow(
    pairs_dir: Path, model_dir: Path, config: TrainConfig = TrainConfig(), val_pairs_dir: Path | None = None
) -> TrainReport:
    """Train (or resume training) the student on `pairs_dir`; held-out scores on `val_pairs_dir` if given."""
    return train_task(Path(pairs_dir), Path(model_dir), config, Path(val_pairs_dir) if val_pairs_dir else None)
