"""Data-parallel training under torchrun: who this process is, and the few collective calls the loop needs.

torchrun sets RANK, LOCAL_RANK and WORLD_SIZE (plus MASTER_ADDR/PORT); without them this is a
single-process run and every function here is a no-op.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Process:
    """This process's place in the run: rank 0 writes checkpoints, logs and the model."""

    rank: int
    world_size: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def join_process_group() -> Process:
    """Join torchrun's group (NCCL on GPUs, gloo on CPU) when WORLD_SIZE > 1; pick this process's device."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if torch.cuda.is_available():
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
    if world_size > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo", rank=rank, world_size=world_size)
    return Process(rank=rank, world_size=world_size, device=device)


def any_process(flag: bool, process: Process) -> bool:
    """True on every process when `flag` is true on one: all must stop at the same step (e.g. out of time)."""
    if not process.distributed:
        return flag
    value = flag_tensor(flag, process.device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def flag_tensor(flag: bool, device: torch.device) -> torch.Tensor:
    """The flag as a one-element tensor on this process's device: NCCL reduces CUDA tensors only."""
    return torch.tensor([1.0 if flag else 0.0], device=device)


def wait_for_all(process: Process) -> None:
    """Barrier, so no process reads what rank 0 is still writing."""
    if process.distributed:
        dist.barrier()
