"""Teacher tasks carry a tag per teacher kind; GPU teachers' tags get a Prefect concurrency limit.

Two diffusion pipelines on one GPU run out of memory or just queue inside the driver, so by default one
diffusion task runs per GPU, across every flow run that talks to the same Prefect server.
"""

from __future__ import annotations

from prefect import get_client
from prefect.exceptions import ObjectNotFound

from celflow.character import Character
from celflow.diffusion_spec import DiffusionWeights


def teacher_tag(character: Character) -> str:
    return f"celflow-teacher-{character.teacher.kind}"


def needs_gpu_slot(character: Character) -> bool:
    return isinstance(character.teacher, DiffusionWeights)


def gpu_count() -> int:
    import torch

    return max(1, torch.cuda.device_count())


def ensure_teacher_slots(character: Character, slots: int | None = None) -> int | None:
    """Set the tag's limit for a GPU teacher: `slots` if given, else keep a limit the user set, else one per GPU.

    Returns the limit in force, or None for teachers that need no GPU (they run as wide as the runner allows).
    """
    if not needs_gpu_slot(character):
        return None
    tag = teacher_tag(character)
    with get_client(sync_client=True) as client:
        if slots is None:
            try:
                return client.read_concurrency_limit_by_tag(tag).concurrency_limit
            except ObjectNotFound:
                slots = gpu_count()
        client.create_concurrency_limit(tag=tag, concurrency_limit=slots)
    return slots
