"""A character's reference images and their captions: a `name.txt` beside `name.png`, or a template."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}
DEFAULT_TEMPLATE = "a picture of {trigger}, webtoon style"
ADVISED_COUNT = (5, 50)


@dataclass(frozen=True)
class ReferenceImage:
    path: Path
    caption: str


def caption_from_template(template: str, trigger_word: str) -> str:
    if "{trigger}" not in template:
        raise ValueError(f"caption template {template!r} must contain {{trigger}}")
    return template.replace("{trigger}", trigger_word).strip()


def reference_images(folder: Path, trigger_word: str, template: str = DEFAULT_TEMPLATE) -> list[ReferenceImage]:
    """Every image in `folder` with its caption; the caption file wins over the template."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: reference image folder not found")
    images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        raise ValueError(f"{folder}: no reference images ({', '.join(sorted(IMAGE_SUFFIXES))})")
    if not ADVISED_COUNT[0] <= len(images) <= ADVISED_COUNT[1]:
        log.warning(
            "%s: %d reference images; a LoRA learns a character best from %d to %d", folder, len(images), *ADVISED_COUNT
        )
    fallback = caption_from_template(template, trigger_word)
    return [ReferenceImage(path, _caption_file(path) or fallback) for path in images]


def _caption_file(image: Path) -> str | None:
    caption = image.with_suffix(".txt")
    return caption.read_text(encoding="utf-8").strip() if caption.is_file() else None
