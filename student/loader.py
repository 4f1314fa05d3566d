"""A run's training batches in step order, drawn ahead by worker processes when the GPU would otherwise wait.

Cropping and augmenting a batch is CPU work a GPU would otherwise wait for between steps; on a CPU the cores
are busy training, so no workers there. Batch k is a function of (seed, k, rank) alone, whichever process
draws it, so a run with workers computes the weights a run without them does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from celflow.student.cpu import available_cores
from celflow.student.dataset import DECODED_CACHE_BYTES, PairDataset, sample_batch

MAX_GPU_WORKERS = 8


def batch_seed(seed: int, step: int, rank: int) -> int:
    """The seed of the batch that process `rank` trains on at `step`."""
    return int(np.random.SeedSequence([seed, step, rank]).generate_state(1)[0])


def default_loader_workers(on_gpu: bool, world_size: int) -> int:
    """No workers on CPU (the cores are busy with the model); on a GPU, this process's share of the cores but one."""
    return min(MAX_GPU_WORKERS, max(0, available_cores() // world_size - 1)) if on_gpu else 0


class _StepBatches(Dataset):
    """Item i = the batch of step `first_step` + i: indexable, so workers can draw steps ahead in any order."""

    def __init__(self, dataset: PairDataset, batch_size: int, seed: int, rank: int, first_step: int, steps: int) -> None:
        self.dataset, self.batch_size, self.seed, self.rank = dataset, batch_size, seed, rank
        self.first_step, self.steps = first_step, steps

    def __len__(self) -> int:
        return max(0, self.steps - self.first_step)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return sample_batch(self.dataset, self.batch_size, batch_seed(self.seed, self.first_step + index, self.rank))


def _opencv_on_the_calling_thread(_: int) -> None:
    """Each worker draws one batch at a time, so OpenCV runs on the calling thread (0): a pool of its own in
    every worker would oversubscribe the cores."""
    cv2.setNumThreads(0)


def step_batches(
    pair_dirs: Sequence[Path],
    crop_size: int,
    batch_size: int,
    seed: int,
    rank: int,
    first_step: int,
    steps: int,
    workers: int,
    pin_memory: bool,
) -> DataLoader:
    """Yields (photos, targets, masks) for steps `first_step` … `steps` − 1, in order; `workers` = 0 draws them here.

    Each worker keeps its own decoded pairs, so the decoded-pair memory is shared out between them.
    """
    dataset = PairDataset(pair_dirs, crop_size, augment=True, cache_bytes=DECODED_CACHE_BYTES // max(1, workers))
    batches = _StepBatches(dataset, batch_size, seed, rank, first_step, steps)
    return DataLoader(
        batches,
        batch_size=None,  # items are whole batches already
        num_workers=workers,
        pin_memory=pin_memory,
        worker_init_fn=_opencv_on_the_calling_thread if workers else None,
        # not fork: a child forked after OpenMP or OpenCV threads ran can hang; spawned workers abort as they exit
        multiprocessing_context="forkserver" if workers else None,
    )
