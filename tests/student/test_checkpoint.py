"""Saving and loading the student: safetensors + config for shipping, checkpoint.pt for resuming."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from celflow.student.checkpoint import (
    CONFIG_FILE,
    WEIGHTS_FILE,
    TrainingCheckpoint,
    load_student,
    load_training_checkpoint,
    save_student,
    save_training_checkpoint,
)
from celflow.student.unet import StudentConfig
from tests.student.conftest import randomised_student

SMALL = StudentConfig(widths=(8, 16, 32))


def test_a_saved_student_loads_back_computing_the_same(tmp_path: Path) -> None:
    model = randomised_student(SMALL)
    save_student(model, SMALL, tmp_path)

    loaded, config = load_student(tmp_path)

    photo = torch.rand(1, 3, 24, 32)
    assert config == SMALL and not loaded.training
    with torch.inference_mode():
        torch.testing.assert_close(loaded(photo), model(photo))


def test_a_student_saved_with_a_pixel_unshuffle_stem_loads_into_the_strided_stem(tmp_path: Path) -> None:
    folded = StudentConfig(widths=(8, 16, 32), unshuffle=2)
    model = randomised_student(folded)
    save_student(model, folded, tmp_path)
    state = load_file(str(tmp_path / WEIGHTS_FILE))
    # The layout of earlier releases: a 3×3 convolution over the 12 channels of PixelUnshuffle(2).
    stem = state["stem.0.weight"].reshape(8, 3, 3, 2, 3, 2).permute(0, 1, 3, 5, 2, 4).reshape(8, 12, 3, 3)
    save_file({**state, "stem.0.weight": stem.contiguous()}, str(tmp_path / WEIGHTS_FILE))

    loaded, _ = load_student(tmp_path)

    photo = torch.rand(1, 3, 32, 48)
    with torch.inference_mode():
        torch.testing.assert_close(loaded(photo), model(photo))


@pytest.mark.parametrize("missing", [CONFIG_FILE, WEIGHTS_FILE])
def test_a_missing_file_is_named(tmp_path: Path, missing: str) -> None:
    save_student(randomised_student(SMALL), SMALL, tmp_path)
    (tmp_path / missing).unlink()

    with pytest.raises(FileNotFoundError, match=rf"{missing}: missing"):
        load_student(tmp_path)


def test_weights_that_do_not_fit_the_config_are_refused_in_one_line(tmp_path: Path) -> None:
    save_student(randomised_student(SMALL), SMALL, tmp_path)
    (tmp_path / CONFIG_FILE).write_text(StudentConfig(widths=(8, 16, 48)).model_dump_json())

    with pytest.raises(ValueError, match=rf"{WEIGHTS_FILE}: does not match widths=\(8, 16, 48\)") as error:
        load_student(tmp_path)
    assert "\n" not in str(error.value)


def test_a_corrupt_config_is_named(tmp_path: Path) -> None:
    save_student(randomised_student(SMALL), SMALL, tmp_path)
    (tmp_path / CONFIG_FILE).write_text('{"widths": "wide"}')

    with pytest.raises(ValueError, match=rf"{CONFIG_FILE}: not a StudentConfig"):
        load_student(tmp_path)


def test_saving_with_a_config_other_than_the_model_s_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="config: widths"):
        save_student(randomised_student(SMALL), StudentConfig(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_training_checkpoint_round_trips(tmp_path: Path) -> None:
    model = randomised_student(SMALL)
    optimizer = torch.optim.AdamW(model.parameters())
    model(torch.rand(1, 3, 8, 8)).mean().backward()
    optimizer.step()
    saved = TrainingCheckpoint(model.state_dict(), optimizer.state_dict(), 12, 3.5, 0.25, '{"steps": 12}')

    save_training_checkpoint(tmp_path / "checkpoint.pt", saved)
    loaded = load_training_checkpoint(tmp_path / "checkpoint.pt")

    assert (loaded.step, loaded.seconds, loaded.loss, loaded.train_config_json) == (12, 3.5, 0.25, '{"steps": 12}')
    torch.testing.assert_close(loaded.model, saved.model)
    torch.testing.assert_close(loaded.optimizer["state"], saved.optimizer["state"])


def test_a_file_that_is_not_a_checkpoint_is_named(tmp_path: Path) -> None:
    (tmp_path / "checkpoint.pt").write_text("not a checkpoint")

    with pytest.raises(ValueError, match=r"checkpoint\.pt: not a celflow training checkpoint"):
        load_training_checkpoint(tmp_path / "checkpoint.pt")
