"""Image files at the edges: finding the photos of a folder, reading them as RGB, writing RGB or grey arrays
to PNG/JPEG atomically, failing loudly with the file named."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from celflow.core.atomic import atomic_path

# Real public-domain photos that ship inside the package (see samples/SOURCES.md), for the demo and tests.
SAMPLE_PHOTOS = Path(__file__).resolve().parent / "samples"
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
# photos read: those above and what phones save (HEIC, an iPhone's default, through pillow-heif in
# generators/photo.py), never written
READABLE_PHOTO_SUFFIXES = frozenset(PHOTO_SUFFIXES | {".heic", ".heif"})


class PhotoFolderError(ValueError):
    """The photo folder as a whole is unusable (missing, or no photos in it)."""


def list_photos(photos_dir: Path) -> list[Path]:
    """Every file with a photo suffix below `photos_dir`, sorted; fails if the folder is missing or empty."""
    photos_dir = Path(photos_dir)
    if not photos_dir.is_dir():
        raise PhotoFolderError(f"{photos_dir}: photo folder not found")
    photos = sorted(p for p in photos_dir.rglob("*") if p.is_file() and p.suffix.lower() in READABLE_PHOTO_SUFFIXES)
    if not photos:
        raise PhotoFolderError(f"{photos_dir}: no photos ({', '.join(sorted(READABLE_PHOTO_SUFFIXES))}) in this folder")
    return photos


def read_rgb(path: Path) -> np.ndarray:
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(f"{path}: missing or not a readable image")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def write_image(path: Path, image: np.ndarray) -> None:
    """Write H×W×3 RGB or H×W grey uint8 to `path` (format from its suffix) via a temporary file."""
    bgr = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    with atomic_path(Path(path)) as tmp:  # the temporary name keeps the suffix that imwrite needs
        if not cv2.imwrite(str(tmp), bgr):
            raise OSError(f"{path}: could not write image")
