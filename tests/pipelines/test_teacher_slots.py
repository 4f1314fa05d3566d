"""GPU teachers share a Prefect tag whose concurrency limit defaults to one batch of tasks per GPU."""

from __future__ import annotations

import pytest
from prefect import get_client
from prefect.exceptions import ObjectNotFound

from celflow.core.character import Character, load_character
from celflow.core.diffusion_spec import PACK_DIR
from celflow.pipelines.teacher_slots import ensure_teacher_slots, gpu_count, short_batches_warning, teacher_tag


def _diffusion_character(pack_dir, **settings) -> Character:
    (pack_dir / "base").mkdir(parents=True)
    data = {"name": "sdtest", "teacher": {"kind": "diffusion", "base_model": "base", **settings}}
    return Character.model_validate(data, context={PACK_DIR: pack_dir})


def _limit(tag: str) -> int:
    with get_client(sync_client=True) as client:
        return client.read_concurrency_limit_by_tag(tag).concurrency_limit


def _remove_limit() -> None:
    with get_client(sync_client=True) as client:
        try:
            client.delete_concurrency_limit_by_tag("celflow-teacher-diffusion")
        except ObjectNotFound:
            pass


@pytest.fixture
def no_limit_yet(prefect_server):
    """The session's Prefect server keeps limits between tests: start from none and leave none."""
    _remove_limit()
    yield
    _remove_limit()


def test_diffusion_teacher_gets_one_slot_per_gpu_and_a_limit_set_by_hand_is_kept(no_limit_yet, tmp_path):
    character = _diffusion_character(tmp_path / "pack")
    tag = teacher_tag(character)
    assert tag == "celflow-teacher-diffusion"
    assert ensure_teacher_slots(character) == gpu_count() == _limit(tag)
    ensure_teacher_slots(character, slots=3)  # e.g. `prefect concurrency-limit create celflow-teacher-diffusion 3`
    assert ensure_teacher_slots(character) == 3 == _limit(tag)


def test_batching_teacher_gets_a_batch_of_slots_per_gpu(no_limit_yet, tmp_path):
    character = _diffusion_character(tmp_path / "pack", batch_size=4)
    assert ensure_teacher_slots(character) == gpu_count() * 4 == _limit(teacher_tag(character))
    assert short_batches_warning(character, gpu_count() * 4) is None


def test_a_kept_limit_under_the_batch_size_is_named_with_the_command_that_raises_it(tmp_path):
    character = _diffusion_character(tmp_path / "pack", batch_size=4)
    warning = short_batches_warning(character, 1)
    assert f"prefect concurrency-limit create celflow-teacher-diffusion {gpu_count() * 4}" in warning


def test_procedural_teacher_runs_unlimited():
    assert ensure_teacher_slots(load_character("default")) is None
