"""One pipeline per pack, shared by the generate flow's worker threads and called with the pack's seed."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from celflow.diffusion_spec import DiffusionWeights
from celflow.generators.diffusion.two_pass import float_image_to_uint8, resize_rgb

_shared: dict[tuple, tuple[object, threading.Lock]] = {}
_shared_lock = threading.Lock()


class SeededPipeline:
    """The flow runs a PairMaker per worker thread; two copies of SD on one GPU would double its memory for no
    speed, so threads share one pipeline and take turns (a pipeline's scheduler is not thread-safe)."""

    def __init__(self, spec: DiffusionWeights, build: Callable[[DiffusionWeights], object]) -> None:
        key = (build.__qualname__, spec.model_dump_json(), str(spec.pack_dir))
        with _shared_lock:
            if key not in _shared:
                _shared.clear()  # one model in memory at a time: a new pack's pipeline replaces the last one
                _shared[key] = (build(spec), threading.Lock())
            self._pipe, self._lock = _shared[key]
        self.seed = spec.seed

    def __call__(self, height: int, width: int, **call) -> np.ndarray:
        """Run the pipeline on `call`; its first image as H×W×3 uint8 at (height, width)."""
        import torch

        with self._lock:
            # noise drawn on the CPU: the same seed gives the same image on any device
            images = self._pipe(
                generator=torch.Generator("cpu").manual_seed(self.seed), output_type="np", **call
            ).images
        return resize_rgb(float_image_to_uint8(images[0]), height, width)
