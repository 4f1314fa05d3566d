"""GPU teachers share a Prefect tag whose concurrency limit defaults to one task per GPU."""

from __future__ import annotations

from prefect import get_client

from celflow.character import Character, load_character
from celflow.diffusion_spec import PACK_DIR
from celflow.pipelines.teacher_slots import ensure_teacher_slots, gpu_count, teacher_tag


def _diffusion_character(pack_dir) -> Character:
    (pack_dir / "base").mkdir(parents=True)
    data = {"name": "sdtest", "teacher": {"kind": "diffusion", "base_model": "base"}}
    return Character.model_validate(data, context={PACK_DIR: pack_dir})


def _limit(tag: str) -> int:
    with get_client(sync_client=True) as client:
        return client.read_concurrency_limit_by_tag(tag).concurrency_limit


def test_diffusion_teacher_gets_one_slot_per_gpu_and_a_limit_set_by_hand_is_kept(prefect_server, tmp_path):
    character = _diffusion_character(tmp_path / "pack")
    tag = teacher_tag(character)
    assert tag == "celflow-teacher-diffusion"
    assert ensure_teacher_slots(character) == gpu_count() == _limit(tag)
    ensure_teacher_slots(character, slots=3)  # e.g. `prefect concurrency-limit create celflow-teacher-diffusion 3`
    assert ensure_teacher_slots(character) == 3 == _limit(tag)


def test_procedural_teacher_runs_unlimited():
    assert ensure_teacher_slots(load_character("default")) is None
