"""Prefect caching for celflow's tasks: keys from what decides a result, results kept on local disk.

A pair is decided by the photo's bytes, its name in the folder, the character pack (its sha256 covers the
teacher's parameters and weight files), the teacher's code version and the pair settings — not by file times
or where a worker ran.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect.cache_policies import CachePolicy
from prefect.context import TaskRunContext
from prefect.utilities.hashing import hash_objects

from celflow.core.pair_folder import Manifest

CACHE_FOLDER = ".prefect-cache"  # inside an output folder: deleting the output deletes its cache too


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def result_storage(folder: Path) -> Path:
    """Task results and cache records as files under `folder`: Prefect reads a Path as local file storage."""
    return Path(folder).resolve()


@dataclass
class PhotoPairKey(CachePolicy):
    """Cache key of a make-pair task: photo content + relative name + character sha256 + teacher code + settings."""

    def compute_key(
        self, task_ctx: TaskRunContext, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        photo, photos_dir = Path(inputs["photo_path"]), Path(inputs["photos_dir"])
        try:
            content = file_sha256(photo)
        except OSError:
            return None  # unreadable file: run the task, which reports why
        return hash_objects(
            {
                "photo": content,
                "name": photo.relative_to(photos_dir).as_posix(),
                "character": inputs["character"].sha256,
                "teacher_code": inputs["teacher_code"],
                "max_side": inputs["max_side"],
                "max_faces": inputs["max_faces"],
                "pairs_dir": str(Path(inputs["pairs_dir"]).resolve()),
                "sam": _sam_identity(inputs.get("sam")),
            }
        )


def _sam_identity(sam: Any) -> list[str | int] | None:
    """A SAM checkpoint by model type, resolved path and size: hashing gigabytes per photo would cost more than SAM."""
    if sam is None:
        return None
    path = Path(sam.checkpoint).resolve()
    return [sam.model_type, str(path), path.stat().st_size if path.is_file() else -1]


def pairs_fingerprint(manifest: Manifest) -> str:
    """What a student trained on these pairs depends on: each pair's id (it holds the photo's hash), its
    character and the teacher code that drew it."""
    keys = sorted(f"{r.pair_id}:{r.character_sha256}:{r.teacher_code_sha256}" for r in manifest.pairs)
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()
