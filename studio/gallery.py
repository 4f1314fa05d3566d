"""The gallery: every result the studio made, kept as a file in one folder so a restart loses nothing.

A result's file name says what it is (when, from which photo, which character, which strength); the gallery
is the folder's listing, newest first, so files copied in or deleted by hand show up as they are.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from celflow.core.image_files import write_image
from celflow.studio.root import check_name

RESULT_SUFFIXES = (".png", ".mp4")


@dataclass(frozen=True)
class GalleryItem:
    name: str
    kind: str  # "image" or "video"
    size_bytes: int
    modified: float


def plain_stem(filename: str) -> str:
    """A user's file name reduced to a short safe stem: 'My photo (1).JPG' → 'My-photo-1'."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(filename).stem).strip("-_")
    return stem[:40] or "upload"


def result_name(source: str, character: str, strength: float, suffix: str) -> str:
    """`20260102-030405-123-portrait-anna-s60.png`: sorts by time, and says what made it."""
    now = time.time()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f"-{int(now * 1000) % 1000:03d}"
    return check_name(f"{stamp}-{plain_stem(source)}-{plain_stem(character)}-s{round(strength * 100)}{suffix}")


def free_path(folder: Path, name: str) -> Path:
    """folder/name, or folder/name-2… when a result of the same millisecond already took it."""
    path, copy = folder / name, 1
    while path.exists():
        copy += 1
        path = folder / f"{Path(name).stem}-{copy}{Path(name).suffix}"
    return path


def keep_image(gallery: Path, rgb: np.ndarray, source: str, character: str, strength: float) -> Path:
    """Write one stylised picture into the gallery as a PNG (as `celflow stylize` writes it)."""
    gallery.mkdir(parents=True, exist_ok=True)
    path = free_path(gallery, result_name(source, character, strength, ".png"))
    write_image(path, rgb)
    return path


def list_gallery(gallery: Path) -> list[GalleryItem]:
    """The results in `gallery`, newest first (by modification time, then name); other files are left out."""
    if not gallery.is_dir():
        return []
    items = []
    for path in gallery.iterdir():
        if path.is_file() and not path.name.startswith(".") and path.suffix.lower() in RESULT_SUFFIXES:
            stat = path.stat()
            kind = "video" if path.suffix.lower() == ".mp4" else "image"
            items.append(GalleryItem(path.name, kind, stat.st_size, stat.st_mtime))
    return sorted(items, key=lambda item: (item.modified, item.name), reverse=True)
