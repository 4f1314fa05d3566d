"""Teacher tasks carry a tag per teacher kind; GPU teachers' tags get a Prefect concurrency limit.

Two diffusion pipelines on one GPU run out of memory or just queue inside the driver, so by default a GPU
holds one batch of diffusion tasks (the pack's `batch_size`, 1 unless it says), across every flow run that
talks to the same Prefect server.
"""

from __future__ import annotations

from prefect import get_client
from prefect.exceptions import ObjectNotFound

from celflow.core.character import Character
from celflow.core.diffusion_spec import DiffusionWeights


def teacher_tag(character: Character) -> str:
    return f"celflow-teacher-{character.teacher.kind}"


def needs_gpu_slot(character: Character) -> bool:
    return isinstance(character.teacher, DiffusionWeights)


def gpu_count() -> int:
    import torch

    return max(1, torch.cuda.device_count())


def default_teacher_slots(character: Character) -> int:
    """GPUs × batch_size: tasks wait inside the teacher for their batch to fill, so a batch needs that many."""
    return gpu_count() * character.teacher.batch_size


def ensure_teacher_slots(character: Character, slots: int | None = None) -> int | None:
    """Set the tag's limit for a GPU teacher: `slots` if given, else keep a limit the user set, else
    `default_teacher_slots`.

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
                slots = default_teacher_slots(character)
        client.create_concurrency_limit(tag=tag, concurrency_limit=slots)
    return slots


def short_batches_warning(character: Character, slots: int) -> str | None:
    """A kept limit under GPUs × batch_size (one left by an earlier run, say) caps every batch: say how to raise it."""
    wanted = default_teacher_slots(character)
    if slots >= wanted:
        return None
    tag = teacher_tag(character)
    return (
        f"tag {tag} keeps its limit of {slots}, under GPUs × batch_size = {wanted}, so batches cannot fill: "
        f"`prefect concurrency-limit create {tag} {wanted}` raises it"
    )
