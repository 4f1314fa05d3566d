"""Photo folders for flow tests, and how to tell which pair folders a run (re)wrote, i.e. where the teacher ran."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from celflow.core.pair_folder import PAIR_RECORD_FILE
from celflow.pipelines.demo_photos import augmented_variants
from tests.conftest import save_rgb

SIDE = 192


def write_face_photos(folder: Path, portrait: np.ndarray, count: int, seed: int = 1, prefix: str = "p") -> list[Path]:
    """`count` different crops of a real portrait, each with one face large enough for the quality filter."""
    return [
        save_rgb(folder / f"{prefix}{index:02d}.jpg", cv2.resize(image, (SIDE, SIDE)))
        for index, image in enumerate(augmented_variants(portrait, count, seed))
    ]


def pair_stamps(pairs_dir: Path) -> dict[str, tuple[int, int]]:
    """Pair folder → (inode, record mtime). A pair is only written after its teacher ran, and written by
    renaming a new folder into place, so a changed stamp or a new folder is exactly one teacher call."""
    return {
        folder.name: (folder.stat().st_ino, (folder / PAIR_RECORD_FILE).stat().st_mtime_ns)
        for folder in Path(pairs_dir).iterdir()
        if (folder / PAIR_RECORD_FILE).is_file()
    }


def teacher_calls(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return sorted(name for name, stamp in after.items() if before.get(name) != stamp)
