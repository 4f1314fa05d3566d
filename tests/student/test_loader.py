"""step_batches: the same batches in the same order whether workers draw them ahead or the trainer does."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import torch

from celflow.core.pair_folder import read_manifest
from celflow.student.loader import step_batches


def batches(pairs_dir: Path, first_step: int, workers: int) -> list[tuple[torch.Tensor, ...]]:
    pair_dirs = read_manifest(pairs_dir).pair_dirs(pairs_dir)
    loader = step_batches(pair_dirs, 32, 3, seed=7, rank=0, first_step=first_step, steps=6, workers=workers, pin_memory=False)
    return list(loader)


def test_workers_draw_the_batches_the_trainer_would_in_step_order(pairs_dir: Path) -> None:
    here, ahead = batches(pairs_dir, 0, workers=0), batches(pairs_dir, 0, workers=2)

    assert len(here) == len(ahead) == 6
    for drawn_here, drawn_ahead in zip(here, ahead, strict=True):
        photos, targets, masks = drawn_here
        assert photos.shape == targets.shape == (3, 3, 32, 32) and masks.shape == (3, 1, 32, 32)
        for tensor, other in zip(drawn_here, drawn_ahead, strict=True):
            torch.testing.assert_close(other, tensor, rtol=0, atol=0)
    assert not torch.equal(here[0][0], here[1][0])  # each step draws its own batch


def test_a_resumed_run_starts_at_its_step_s_batch(pairs_dir: Path) -> None:
    straight, resumed = batches(pairs_dir, 0, workers=0), batches(pairs_dir, 4, workers=0)

    assert len(resumed) == 2
    for drawn_straight, drawn_resumed in zip(straight[4:], resumed, strict=True):
        for tensor, other in zip(drawn_straight, drawn_resumed, strict=True):
            torch.testing.assert_close(other, tensor, rtol=0, atol=0)


def test_stopping_early_shuts_the_workers_down_quietly(pairs_dir: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A time limit stops training mid-run while workers are still drawing (spawned workers aborted here)."""
    pair_dirs = read_manifest(pairs_dir).pair_dirs(pairs_dir)
    loader = step_batches(pair_dirs, 32, 3, seed=7, rank=0, first_step=0, steps=1000, workers=2, pin_memory=False)
    for step, _ in enumerate(loader):
        if step == 5:
            break
    gc.collect()

    errors = capfd.readouterr().err
    assert "Aborted" not in errors and "terminate called" not in errors
