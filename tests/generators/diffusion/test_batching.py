"""Batched diffusion on tiny models: concurrent photos share one pipeline call and get their own pixels.

Batched and solo images get the same noise but differ by float rounding: kernels for a batch of 3 may sum in
another order than for one. On CPU that moves a few pixels by one uint8 level; TOLERANCE leaves one more.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest
from diffusers import (
    StableDiffusionControlNetImg2ImgPipeline,
    StableDiffusionImg2ImgPipeline,
    StableDiffusionInstructPix2PixPipeline,
)

from celflow.core.character import load_character
from celflow.generators.diffusion.img2img_teacher import build_img2img_pipeline
from celflow.generators.diffusion.seeded_pipeline import SeededPipeline
from celflow.generators.teacher import build_teacher
from tests.generators.diffusion.conftest import write_pack

TOLERANCE = 2  # uint8 levels
PERSON_ONLY = {"kind": "diffusion", "background": {"strength": 0}}  # one pipeline call per photo
PIPELINES = [
    StableDiffusionImg2ImgPipeline,
    StableDiffusionControlNetImg2ImgPipeline,
    StableDiffusionInstructPix2PixPipeline,
]


@pytest.fixture(scope="module")
def photos(astronaut, hopper):
    """Three different photos of one size, so that their diffusion sizes agree."""
    return [cv2.resize(image, (96, 80)) for image in (astronaut, hopper, astronaut[::-1].copy())]


@pytest.fixture(scope="module")
def mask():
    person = np.zeros((80, 96), np.float32)
    person[10:80, 25:70] = 1.0
    return person


@pytest.fixture
def pipeline_calls(monkeypatch):
    """The arguments of every pipeline call the teachers make; the real pipelines still run."""
    calls = []
    for pipeline_class in PIPELINES:

        def counting(pipe, *args, real=pipeline_class.__call__, **kwargs):
            calls.append(kwargs)
            return real(pipe, *args, **kwargs)

        monkeypatch.setattr(pipeline_class, "__call__", counting)
    return calls


def _teachers(folder, teacher: dict, count: int):
    """`count` teachers of one pack, as the flow's worker threads build them: they share one pipeline."""
    pack = write_pack(folder, teacher)
    return [build_teacher(load_character(pack)) for _ in range(count)]


def _at_once(functions) -> list:
    with ThreadPoolExecutor(len(functions)) as pool:
        return [future.result() for future in [pool.submit(function) for function in functions]]


def _max_difference(first: np.ndarray, second: np.ndarray) -> int:
    return int(np.abs(first.astype(int) - second).max())


@pytest.mark.parametrize("teacher", ["img2img", "controlnet", "instruct-pix2pix"])
def test_three_photos_at_once_are_one_pipeline_call_with_their_solo_pixels(
    tmp_path, teacher, tiny_sd, tiny_controlnet, tiny_instruct_pix2pix, photos, mask, pipeline_calls
):
    block = {
        "img2img": {**PERSON_ONLY, "base_model": str(tiny_sd)},
        "controlnet": {**PERSON_ONLY, "base_model": str(tiny_sd), "controlnet": {"model": str(tiny_controlnet)}},
        "instruct-pix2pix": {
            "kind": "instruct-pix2pix", "base_model": str(tiny_instruct_pix2pix), "instruction": "make the jacket red"
        },
    }[teacher]
    (solo,) = _teachers(tmp_path / "solo", block, 1)
    alone = [solo(photo, mask) for photo in photos]
    pipeline_calls.clear()
    teachers = _teachers(tmp_path / "batched", {**block, "batch_size": 3, "batch_wait_ms": 30_000}, 3)
    together = _at_once([lambda t=t, p=p: t(p, mask) for t, p in zip(teachers, photos)])
    assert [len(call["image"]) for call in pipeline_calls] == [3]
    for one, other in zip(alone, together):
        assert _max_difference(one, other) <= TOLERANCE
    assert not np.array_equal(together[0], together[1])


def test_calls_with_different_strengths_are_never_mixed(tmp_path, tiny_sd, photos, pipeline_calls):
    from PIL import Image

    images = [Image.fromarray(cv2.resize(photo, (64, 48))) for photo in [*photos, photos[0][:, ::-1]]]
    strengths = [0.5, 0.8, 0.5, 0.8]

    def pipeline(batch_size: int) -> SeededPipeline:
        block = {"kind": "diffusion", "base_model": str(tiny_sd), "batch_size": batch_size, "batch_wait_ms": 30_000}
        spec = load_character(write_pack(tmp_path / str(batch_size), block)).teacher
        return SeededPipeline(spec, build_img2img_pipeline)

    def diffuse(run: SeededPipeline, index: int):
        call = dict(prompt="webtoon", image=images[index], strength=strengths[index], num_inference_steps=4)
        return lambda: run(48, 64, index, **call)

    solo = pipeline(1)
    alone = [diffuse(solo, index)() for index in range(4)]
    pipeline_calls.clear()
    batched = pipeline(2)
    together = _at_once([diffuse(batched, index) for index in range(4)])
    batches = [(call["strength"], sorted(images.index(image) for image in call["image"])) for call in pipeline_calls]
    assert sorted(batches) == [(0.5, [0, 2]), (0.8, [1, 3])]
    for one, other in zip(alone, together):
        assert _max_difference(one, other) <= TOLERANCE


def test_an_error_in_the_batched_call_reaches_every_photo(tmp_path, tiny_sd, photos, mask, monkeypatch):
    def out_of_memory(pipe, *args, **kwargs):
        raise RuntimeError(f"CUDA out of memory diffusing {len(kwargs['image'])} images")

    monkeypatch.setattr(StableDiffusionImg2ImgPipeline, "__call__", out_of_memory)
    batched = {**PERSON_ONLY, "base_model": str(tiny_sd), "batch_size": 3, "batch_wait_ms": 30_000}
    teachers = _teachers(tmp_path, batched, 3)
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(teacher, photo, mask) for teacher, photo in zip(teachers, photos)]
    for future in futures:
        with pytest.raises(RuntimeError, match="out of memory diffusing 3 images"):
            future.result()
