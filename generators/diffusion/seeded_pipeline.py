"""One pipeline per pack, shared by the generate flow's worker threads; each photo's noise is seeded by the
photo itself and the pack's seed."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from functools import partial

import numpy as np

from celflow.core.diffusion_spec import DiffusionWeights
from celflow.generators.diffusion.batcher import MicroBatcher
from celflow.generators.diffusion.two_pass import float_image_to_uint8, resize_rgb

PER_IMAGE = ("prompt", "negative_prompt", "image", "control_image")  # the arguments diffusers takes as lists

_shared: dict[tuple, MicroBatcher] = {}
_shared_lock = threading.Lock()


def photo_seed(photo: np.ndarray, pack_seed: int) -> int:
    """A noise seed from the photo's pixels and the pack's seed: the same photo is drawn the same way on every
    run, while different photos get different noise (one shared seed would stamp one grain pattern on all)."""
    digest = hashlib.sha256(f"{pack_seed}:{photo.shape}:{photo.dtype}:".encode())
    digest.update(np.ascontiguousarray(photo).tobytes())
    return int.from_bytes(digest.digest()[:8], "big") >> 1  # 63 bits: a non-negative int64, which any generator takes


def batch_key(call: dict) -> tuple:
    """What calls must agree on to share a pipeline call: every argument but the per-image ones, the image
    sizes (one tensor holds the batch) and whether there is a negative prompt."""
    settings = tuple(sorted((name, value) for name, value in call.items() if name not in PER_IMAGE))
    sizes = tuple(getattr(call.get(name), "size", None) for name in ("image", "control_image"))
    return settings, sizes, call.get("negative_prompt") is None


def diffuse_batch(pipe, seeded_calls: list[tuple[int, dict]]) -> list[np.ndarray]:
    """One pipeline call for (seed, call) pairs whose calls agree on `batch_key`; each image gets the noise it
    would get alone, since diffusers draws image i's noise from generator i. A batch of one is the unbatched call."""
    import torch

    def noise(seed: int) -> torch.Generator:  # drawn on the CPU: the same seed gives the same image on any device
        return torch.Generator("cpu").manual_seed(seed)

    seeds, calls = zip(*seeded_calls)
    if len(calls) == 1:
        return list(pipe(generator=noise(seeds[0]), output_type="np", **calls[0]).images)
    settings = {name: value for name, value in calls[0].items() if name not in PER_IMAGE}
    lists = {name: [call[name] for call in calls] for name in PER_IMAGE if calls[0].get(name) is not None}
    return list(pipe(generator=[noise(seed) for seed in seeds], output_type="np", **settings, **lists).images)


class SeededPipeline:
    """The flow runs a PairMaker per worker thread; two copies of SD on one GPU would double its memory for no
    speed, so threads share one pipeline: calls take turns (a pipeline's scheduler is not thread-safe), and
    with the pack's `batch_size` > 1 concurrent calls are diffused together."""

    def __init__(self, spec: DiffusionWeights, build: Callable[[DiffusionWeights], object]) -> None:
        key = (build.__qualname__, spec.model_dump_json(), str(spec.pack_dir))
        with _shared_lock:
            if key not in _shared:
                _shared.clear()  # one model in memory at a time: a new pack's pipeline replaces the last one
                run = partial(diffuse_batch, build(spec))
                _shared[key] = MicroBatcher(run, spec.batch_size, spec.batch_wait_ms / 1000)
            self._batcher = _shared[key]

    def __call__(self, height: int, width: int, seed: int, **call) -> np.ndarray:
        """Run the pipeline on `call` with noise from `seed`; its image as H×W×3 uint8 at (height, width)."""
        image = self._batcher.submit(batch_key(call), (seed, call))
        return resize_rgb(float_image_to_uint8(image), height, width)
