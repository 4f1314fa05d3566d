"""`celflow character train`: a LoRA from a character's reference images, written into its pack."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from safetensors.torch import load_file
from typer.testing import CliRunner

from celflow.cli import app
from celflow.generators.diffusion.device import DeviceChoice
from celflow.generators.diffusion.lora_training import trains_in_fp16
from tests.generators.diffusion.conftest import write_pack

QUICK = ["--resolution", "64", "--sample-every", "2", "--sample-steps", "2", "--lr", "1e-2", "--no-progress"]


def _train(pack, images, steps: int, *extra: str):
    return CliRunner().invoke(
        app, ["character", "train", str(pack), "--images", str(images), "--steps", str(steps), *QUICK, *extra]
    )


@pytest.fixture
def pack(tmp_path, tiny_sd):
    return write_pack(tmp_path / "mina", {"kind": "diffusion", "base_model": str(tiny_sd), "trigger_word": "sks"})


def test_training_writes_the_lora_its_record_and_sample_grids_into_the_pack(pack, reference_images, tiny_sd):
    result = _train(pack, reference_images, 4)
    assert result.exit_code == 0, result.output
    assert "set `lora: lora` under `teacher:`" in result.output
    lora = load_file(pack / "lora" / "pytorch_lora_weights.safetensors")
    assert lora and all("lora" in key for key in lora)
    record = json.loads((pack / "lora" / "training.json").read_text())
    assert record["base_model"] == str(tiny_sd)
    assert record["steps_done"] == 4
    assert dict(record["images"])["ref0.png"] == "sks person in a white space suit"  # the caption file wins
    assert dict(record["images"])["ref1.png"] == "a picture of sks, webtoon style"  # the template otherwise
    grids = sorted(p.name for p in (pack / "lora" / "samples").iterdir())
    assert grids == ["step_000002.png", "step_000004.png"]
    assert Image.open(pack / "lora" / "samples" / grids[-1]).size == (4 * 64 + 5 * 2, 64 + 2 * 2)  # four samples


def test_resumed_training_gives_the_same_lora_as_an_uninterrupted_run(tmp_path, tiny_sd, reference_images):
    straight, resumed = (
        write_pack(tmp_path / name, {"kind": "diffusion", "base_model": str(tiny_sd), "trigger_word": "sks"})
        for name in ("straight", "resumed")
    )
    assert _train(straight, reference_images, 4).exit_code == 0
    assert _train(resumed, reference_images, 2).exit_code == 0
    result = _train(resumed, reference_images, 4)
    assert result.exit_code == 0 and "resumed at step 2" in result.output
    assert json.loads((resumed / "lora" / "training.json").read_text())["resumed_from"] == 2
    expected = load_file(straight / "lora" / "pytorch_lora_weights.safetensors")
    got = load_file(resumed / "lora" / "pytorch_lora_weights.safetensors")
    assert expected.keys() == got.keys()
    assert all((expected[key] == got[key]).all() for key in expected)


def test_resuming_with_other_settings_is_refused(pack, reference_images):
    assert _train(pack, reference_images, 2).exit_code == 0
    result = _train(pack, reference_images, 4, "--rank", "8")
    assert result.exit_code == 1
    assert "checkpoint.pt: checkpoint was trained with other settings" in result.output


def test_text_encoder_lora_is_saved_beside_the_unet_one(pack, reference_images):
    result = _train(pack, reference_images, 2, "--train-text-encoder")
    assert result.exit_code == 0, result.output
    keys = load_file(pack / "lora" / "pytorch_lora_weights.safetensors").keys()
    assert any(key.startswith("text_encoder.") for key in keys) and any(key.startswith("unet.") for key in keys)


@pytest.mark.parametrize(
    ("teacher", "images", "message"),
    [
        ({"kind": "procedural", "palette": ["#000000", "#ffffff"]}, "refs", "LoRA training needs `kind: diffusion`"),
        ({"kind": "diffusion", "base_model": "BASE"}, "refs", "teacher.trigger_word: set the word"),
        (
            {"kind": "diffusion", "base_model": "BASE", "trigger_word": "sks"},
            "missing",
            "missing: reference image folder not found",
        ),
    ],
)
def test_unusable_pack_or_images_give_one_line_errors(tmp_path, tiny_sd, reference_images, teacher, images, message):
    teacher = {key: str(tiny_sd) if value == "BASE" else value for key, value in teacher.items()}
    pack = write_pack(tmp_path / "pack", teacher)
    folder = reference_images if images == "refs" else tmp_path / images
    result = _train(pack, folder, 2)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


@pytest.mark.parametrize(
    ("choice", "scaled"),
    [
        (DeviceChoice("cuda", "float16"), True),
        (DeviceChoice("cuda", "float32"), False),
        (DeviceChoice("mps", "float32"), False),
        (DeviceChoice("cpu", "float32"), False),
    ],
)
def test_only_fp16_training_on_cuda_scales_the_loss(choice, scaled):
    """fp16 gradients of a small LoRA underflow to zero unless the loss is scaled up before backward."""
    assert trains_in_fp16(choice) is scaled
