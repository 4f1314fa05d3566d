"""The CUDA fp16 paths of the diffusion teacher and LoRA training, on the tiny models."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from celflow.cli import app
from celflow.core.character import load_character
from celflow.generators.teacher import build_teacher
from tests.generators.diffusion.conftest import write_pack

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (fp16 teacher and training)")


def test_fp16_teacher_on_cuda_repeats_itself(tmp_path, tiny_sd, astronaut):
    photo = np.ascontiguousarray(astronaut[::8, ::8])
    mask = np.ones(photo.shape[:2], np.float32)
    teacher = build_teacher(
        load_character(write_pack(tmp_path, {"kind": "diffusion", "base_model": str(tiny_sd), "device": "cuda"}))
    )
    first = teacher(photo, mask)
    assert np.array_equal(first, teacher(photo, mask))
    assert not np.array_equal(first, photo)


def test_lora_training_on_cuda_writes_the_lora(tmp_path, tiny_sd, reference_images):
    pack = write_pack(
        tmp_path, {"kind": "diffusion", "base_model": str(tiny_sd), "trigger_word": "sks", "device": "cuda"}
    )
    result = CliRunner().invoke(
        app,
        [
            "character",
            "train",
            str(pack),
            "--images",
            str(reference_images),
            "--steps",
            "2",
            "--resolution",
            "64",
            "--sample-every",
            "2",
            "--sample-steps",
            "2",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (pack / "lora" / "pytorch_lora_weights.safetensors").is_file()
