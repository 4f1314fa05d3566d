"""The diffusion teachers on tiny random-weight models: the teacher contract, seeds, passes and errors."""

from __future__ import annotations

import logging

import cv2
import numpy as np
import pytest
import torch
from diffusers import StableDiffusionImg2ImgPipeline, StableDiffusionInstructPix2PixPipeline
from safetensors.torch import save_file

from celflow.core.character import load_character
from celflow.generators.diffusion.load import BaseModelMissing
from celflow.generators.diffusion.lora_check import LoraMismatchError
from celflow.generators.diffusion.speed import warn_if_slow_on_cpu
from celflow.generators.teacher import build_teacher
from tests.generators.diffusion.conftest import write_pack

LAYER = "down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q"  # a 32-wide attention projection


@pytest.fixture(scope="module")
def photo_and_mask(astronaut):
    photo = cv2.resize(astronaut, (96, 80))
    mask = np.zeros(photo.shape[:2], np.float32)
    mask[10:80, 25:70] = 1.0
    mask[5:10, 25:70] = 0.5
    return photo, mask


def _teacher(folder, teacher: dict):
    return build_teacher(load_character(write_pack(folder, teacher)))


def test_background_strength_zero_keeps_background_pixels(tmp_path, tiny_sd, photo_and_mask):
    photo, mask = photo_and_mask
    teacher = _teacher(tmp_path, {"kind": "diffusion", "base_model": str(tiny_sd), "background": {"strength": 0}})
    out = teacher(photo, mask)
    assert out.shape == photo.shape and out.dtype == np.uint8
    assert np.array_equal(out[mask == 0], photo[mask == 0])
    assert np.abs(out[mask == 1].astype(int) - photo[mask == 1]).mean() > 5  # the person was redrawn


def test_same_seed_gives_the_same_pixels_and_another_seed_does_not(tmp_path, tiny_sd, photo_and_mask):
    photo, mask = photo_and_mask
    first, again, other = (
        _teacher(tmp_path / name, {"kind": "diffusion", "base_model": str(tiny_sd), "seed": seed})
        for name, seed in (("a", 7), ("b", 7), ("c", 8))
    )
    assert np.array_equal(first(photo, mask), again(photo, mask))
    assert not np.array_equal(first(photo, mask), other(photo, mask))


@pytest.fixture
def noise_seeds(monkeypatch):
    """The seed of the noise generator of every image the pipelines draw; the real pipelines still run."""
    seeds = []
    for pipeline_class in (StableDiffusionImg2ImgPipeline, StableDiffusionInstructPix2PixPipeline):

        def recording(pipe, *args, real=pipeline_class.__call__, **kwargs):
            generators = kwargs["generator"] if isinstance(kwargs["generator"], list) else [kwargs["generator"]]
            seeds.extend(generator.initial_seed() for generator in generators)
            return real(pipe, *args, **kwargs)

        monkeypatch.setattr(pipeline_class, "__call__", recording)
    return seeds


@pytest.mark.parametrize(
    "teacher",
    [
        {"kind": "diffusion", "background": {"strength": 0}},
        {"kind": "instruct-pix2pix", "instruction": "make the jacket red"},
    ],
)
def test_each_photo_gets_its_own_noise_and_the_same_photo_the_same_noise(
    tmp_path, tiny_sd, tiny_instruct_pix2pix, astronaut, noise_seeds, teacher
):
    base_model = tiny_instruct_pix2pix if teacher["kind"] == "instruct-pix2pix" else tiny_sd
    block = {**teacher, "base_model": str(base_model), "seed": 7}
    photos = [cv2.resize(astronaut, (96, 80)), cv2.resize(astronaut[::-1], (96, 80))]
    mask = np.ones((80, 96), np.float32)
    first, again = (_teacher(tmp_path / name, block) for name in ("a", "b"))
    other_pack = _teacher(tmp_path / "c", {**block, "seed": 8})

    results = [first(photos[0], mask), first(photos[1], mask), again(photos[0], mask), other_pack(photos[0], mask)]

    one, two, repeated, other = noise_seeds
    assert one != two and repeated == one and other != one
    assert np.array_equal(results[0], results[2])


def test_controlnet_conditioning_changes_the_drawing(tmp_path, tiny_sd, tiny_controlnet, photo_and_mask):
    photo, mask = photo_and_mask
    plain = _teacher(tmp_path / "plain", {"kind": "diffusion", "base_model": str(tiny_sd)})
    controlled = _teacher(
        tmp_path / "canny",
        {"kind": "diffusion", "base_model": str(tiny_sd), "controlnet": {"model": str(tiny_controlnet), "scale": 2.0}},
    )
    out = controlled(photo, mask)
    assert out.shape == photo.shape
    assert not np.array_equal(out, plain(photo, mask))


def test_instruct_pix2pix_edits_the_person_and_keeps_the_background(tmp_path, tiny_instruct_pix2pix, photo_and_mask):
    photo, mask = photo_and_mask
    teacher = _teacher(
        tmp_path,
        {"kind": "instruct-pix2pix", "base_model": str(tiny_instruct_pix2pix), "instruction": "make the jacket red"},
    )
    out = teacher(photo, mask)
    assert out.shape == photo.shape and out.dtype == np.uint8
    assert np.array_equal(out[mask == 0], photo[mask == 0])
    assert not np.array_equal(out[mask == 1], photo[mask == 1])


@pytest.mark.parametrize(
    ("tensors", "message"),
    [
        (
            {f"unet.{LAYER.replace('down_blocks.1', 'down_blocks.7')}.lora.down.weight": torch.zeros(4, 32)},
            "names no layer",
        ),
        (
            {f"unet.{LAYER}.lora.down.weight": torch.zeros(4, 768), f"unet.{LAYER}.lora.up.weight": torch.zeros(32, 4)},
            "is 768 wide but the base model's layer is 32",
        ),
    ],
)
def test_lora_for_another_base_model_is_refused_naming_the_file(tmp_path, tiny_sd, tensors, message):
    pack = tmp_path / "pack"
    pack.mkdir()
    save_file(tensors, pack / "other.safetensors")
    with pytest.raises(LoraMismatchError, match=rf"other\.safetensors: LoRA key .* {message}"):
        _teacher(pack, {"kind": "diffusion", "base_model": str(tiny_sd), "lora": "other.safetensors"})


def test_folder_that_is_not_a_diffusers_model_is_a_clear_error(tmp_path):
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(BaseModelMissing, match=r"base_model: .*empty-model is not a diffusers folder"):
        _teacher(tmp_path / "pack", {"kind": "diffusion", "base_model": str(tmp_path / "empty-model")})


def test_full_size_model_on_cpu_warns_with_the_measured_time_per_image(tiny_sd, caplog):
    from diffusers import StableDiffusionImg2ImgPipeline

    pipe = StableDiffusionImg2ImgPipeline.from_pretrained(tiny_sd)
    with caplog.at_level(logging.WARNING):
        assert warn_if_slow_on_cpu(pipe, "cuda", 30, 64, 64, full_size=0) is None
        seconds = warn_if_slow_on_cpu(pipe, "cpu", 30, 64, 64, full_size=0)
    assert seconds > 0
    assert "on CPU: expect about" in caplog.text and "s per image" in caplog.text
    assert warn_if_slow_on_cpu(pipe, "cpu", 30, 64, 64) is None  # the tiny model is not full size


def test_pack_scheduler_and_textual_inversion_change_the_drawing(tmp_path, tiny_sd, photo_and_mask):
    photo, mask = photo_and_mask
    pack = tmp_path / "pack"
    pack.mkdir()
    save_file({"<mina>": torch.randn(16, generator=torch.Generator().manual_seed(0)) * 5}, pack / "mina-token.safetensors")
    base = {"kind": "diffusion", "base_model": str(tiny_sd), "trigger_word": "<mina>"}
    plain = _teacher(tmp_path / "plain", base)(photo, mask)
    token = {"textual_inversion": "mina-token.safetensors", "textual_inversion_token": "<mina>"}
    assert not np.array_equal(_teacher(pack, {**base, **token})(photo, mask), plain)
    assert not np.array_equal(_teacher(tmp_path / "dpm", {**base, "scheduler": "dpm++"})(photo, mask), plain)
