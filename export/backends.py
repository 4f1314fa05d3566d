"""Which runtime backends this machine has, and the fastest one to use: capability checks, no GPU imports.

GPU libraries are optional: each check asks without importing heavy modules where it can, and a missing
library or device becomes a reason string for the log, never an exception.
"""

from __future__ import annotations

import enum
import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path

import onnxruntime as ort
from celflow.core.defaults import AUTO_BACKEND

log = logging.getLogger(__name__)


class Backend(str, enum.Enum):
    """Ways to run the student, fastest first for `auto` (torch eager is a reference, never auto-chosen)."""

    TENSORRT = "tensorrt"  # native TensorRT engine built with the tensorrt Python API
    TENSORRT_EP = "tensorrt-ep"  # onnxruntime's TensorRT execution provider
    CUDA_EP = "cuda-ep"  # onnxruntime's CUDA execution provider
    CPU = "cpu"  # onnxruntime's CPU execution provider
    TORCH = "torch"  # PyTorch eager, from the student folder


AUTO_ORDER = (Backend.TENSORRT, Backend.TENSORRT_EP, Backend.CUDA_EP, Backend.CPU)
TENSORRT_BACKENDS = (Backend.TENSORRT, Backend.TENSORRT_EP)
ORT_PROVIDERS = {
    Backend.TENSORRT_EP: "TensorrtExecutionProvider",
    Backend.CUDA_EP: "CUDAExecutionProvider",
    Backend.CPU: "CPUExecutionProvider",
}


@dataclass(frozen=True)
class Availability:
    """Whether a backend can run here, and why (or why not) in words for the log."""

    backend: Backend
    available: bool
    reason: str


def cuda_device_name() -> str | None:
    """The first CUDA GPU's name, or None when torch sees no GPU (torch is a dependency; its CPU build says no)."""
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def graph_refusal(onnx_path: Path) -> str | None:
    """Why TensorRT cannot build the graph at `onnx_path` (the CPU INT8 variant's uint8 zero points), or None."""
    # imported here only: onnx costs seconds to import, and `stylize`, `convert` or `live` on a CPU never need it
    import onnx
    from celflow.export.tensorrt_ops import (
        TensorRTUnsupportedError,
        check_tensorrt_buildable,
    )

    try:
        check_tensorrt_buildable(onnx.load(str(onnx_path), load_external_data=False), Path(onnx_path).name)
    except TensorRTUnsupportedError as error:
        return str(error)
    return None


def availability(backend: Backend, onnx_path: Path | None = None) -> Availability:
    """Whether `backend` can run here, and run `onnx_path` when given: TensorRT is never offered a graph it
    cannot build, which it would reject or run in pieces. The graph is read last, only where TensorRT could run."""
    if backend is Backend.TORCH:
        return Availability(backend, True, "PyTorch is installed")
    if backend is Backend.CPU:
        return Availability(backend, True, "onnxruntime's CPU provider is always present")
    # the library first: where it is missing, torch (hundreds of MB for a live process) is never imported
    if backend is Backend.TENSORRT:
        if importlib.util.find_spec("tensorrt") is None:
            return Availability(backend, False, "the tensorrt Python package is not installed")
    elif ORT_PROVIDERS[backend] not in ort.get_available_providers():
        provider = ORT_PROVIDERS[backend]
        return Availability(backend, False, f"this onnxruntime build has no {provider} (install onnxruntime-gpu)")
    gpu = cuda_device_name()
    if gpu is None:
        return Availability(backend, False, "no CUDA GPU visible to torch")
    refusal = graph_refusal(onnx_path) if backend in TENSORRT_BACKENDS and onnx_path is not None else None
    if refusal is not None:
        return Availability(backend, False, refusal)
    if backend is Backend.TENSORRT:
        return Availability(backend, True, f"tensorrt is installed and {gpu} is visible")
    return Availability(backend, True, f"onnxruntime offers {ORT_PROVIDERS[backend]} and {gpu} is visible")


def choose_backend(requested: Backend | str = AUTO_BACKEND, onnx_path: Path | None = None) -> Backend:
    """`auto` → the first available of AUTO_ORDER for `onnx_path` (when given), logged in one short line naming
    the backends skipped (their reasons at debug level: `-v`); else check `requested`."""
    if requested != AUTO_BACKEND:
        backend = Backend(requested)
        found = availability(backend, onnx_path)
        if not found.available:
            raise ValueError(f"backend {backend.value}: not available here ({found.reason})")
        return backend
    skipped = []
    chosen, because = Backend.CPU, availability(Backend.CPU).reason
    for backend in AUTO_ORDER[:-1]:
        found = availability(backend, onnx_path)
        if found.available:
            chosen, because = backend, found.reason
            break
        skipped.append(backend.value)
        log.debug("backend auto: skipped %s: %s", backend.value, found.reason)
    log.info("backend auto: chose %s%s", chosen.value, f" (skipped {', '.join(skipped)}: -v says why)" if skipped else "")
    log.debug("backend auto: %s: %s", chosen.value, because)
    return chosen


def available_backends() -> list[Backend]:
    """Every backend that can run here, in AUTO_ORDER, then torch."""
    return [backend for backend in (*AUTO_ORDER, Backend.TORCH) if availability(backend).available]
