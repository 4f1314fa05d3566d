"""Data-parallel training as torchrun runs it: 2 CPU processes, gloo backend, gradients averaged across them;
the collective calls hand each backend tensors on the process's own device (NCCL takes CUDA tensors only)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from safetensors.torch import load_file

from celflow.student.checkpoint import WEIGHTS_FILE, load_student
from celflow.student.distributed import Process, any_process, flag_tensor
from celflow.student.train import TrainConfig, TrainReport, train_student
from celflow.student.unet import StudentConfig

CONFIG = TrainConfig(
    steps=6, batch_size=2, crop_size=32, learning_rate=5e-3, checkpoint_every=3, val_fraction=0.25, ema_decay=0.0,
    student=StudentConfig(widths=(8, 16, 32)),
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_rank(rank: int, world_size: int, port: int, pairs_dir: Path, model_dir: Path, config: TrainConfig) -> None:
    """One torchrun worker: the environment torchrun would set, then the ordinary training call."""
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world_size))
    report = train_student(pairs_dir, model_dir, config, progress=False, threads=1)
    (model_dir.parent / f"rank{rank}.json").write_text(report.model_dump_json())


def test_two_gloo_processes_train_one_model_from_both_processes_batches(pairs_dir: Path, tmp_path: Path) -> None:
    mp.spawn(run_rank, args=(2, free_port(), pairs_dir, tmp_path / "ddp", CONFIG), nprocs=2, join=True)
    # one process drawing what rank 0 drew (batch 1 per step) and never hearing from rank 1
    alone = train_student(pairs_dir, tmp_path / "alone", CONFIG.model_copy(update={"batch_size": 1}), progress=False, threads=1)

    reports = [TrainReport.model_validate_json((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    assert [r.processes for r in reports] == [2, 2] and [r.steps for r in reports] == [6, 6]
    assert reports[0].val_ssim is not None  # rank 0 evaluated and saved; others only trained
    model, config = load_student(tmp_path / "ddp")
    assert config == CONFIG.student
    ddp, single = load_file(tmp_path / "ddp" / WEIGHTS_FILE), load_file(tmp_path / "alone" / WEIGHTS_FILE)
    # averaged gradients: rank 1's batches moved the weights away from what rank 0's alone would give
    assert any(not torch.allclose(ddp[name], single[name], atol=1e-6) for name in ddp)
    assert alone.processes == 1


@pytest.mark.parametrize("device", ["cpu", "meta"])
def test_the_stop_flag_is_made_on_the_process_device(device: str) -> None:
    # "meta" stands for a device other than the CPU: a flag left on the CPU makes NCCL's all_reduce raise.
    flag = flag_tensor(True, torch.device(device))

    assert flag.device == torch.device(device) and flag.shape == (1,)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="NCCL needs a CUDA GPU; this machine has none")
def test_any_process_reduces_on_nccl(tmp_path: Path) -> None:
    store = dist.FileStore(str(tmp_path / "store"), 1)
    dist.init_process_group("nccl", store=store, rank=0, world_size=1)
    try:
        process = Process(rank=0, world_size=2, device=torch.device("cuda", 0))
        assert any_process(True, process) and not any_process(False, process)
    finally:
        dist.destroy_process_group()
