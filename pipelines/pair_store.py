"""The pairs folder on disk: one folder per pair, written atomically, so a killed run never leaves half a pair."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from celflow.atomic import atomic_directory
from celflow.character import Character
from celflow.generators.pair import Pair
from celflow.pipelines.image_files import write_image
from celflow.records import INPUT_FILE, MASK_FILE, PAIR_RECORD_FILE, TARGET_FILE, PairRecord, read_pair_record

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


class PhotoFolderError(ValueError):
    """The photo folder as a whole is unusable (missing, or no photos in it)."""


def list_photos(photos_dir: Path) -> list[Path]:
    """Every file with a photo suffix below `photos_dir`, sorted; fails if the folder is missing or empty."""
    photos_dir = Path(photos_dir)
    if not photos_dir.is_dir():
        raise PhotoFolderError(f"{photos_dir}: photo folder not found")
    photos = sorted(p for p in photos_dir.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
    if not photos:
        raise PhotoFolderError(f"{photos_dir}: no photos ({', '.join(sorted(PHOTO_SUFFIXES))}) in this folder")
    return photos


def pair_id_for(photo_path: Path, photos_dir: Path, sha256: str) -> str:
    """A readable, stable id: the photo's relative path plus a content hash, so an edited photo is a new pair."""
    relative = photo_path.relative_to(photos_dir).with_suffix("").as_posix()
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", relative).strip("._") or "photo"
    return f"{readable}-{sha256[:10]}"


def crop_pair_id(photo_pair_id: str, crop_index: int, crops: int) -> str:
    """A whole-photo pair keeps the photo's id; person crops of one photo get `-p0`, `-p1`, …"""
    return photo_pair_id if crops == 1 else f"{photo_pair_id}-p{crop_index}"


def finished_records(
    pairs_dir: Path, photo_pair_id: str, character: Character, teacher_code: str
) -> list[PairRecord] | None:
    """Every pair already made from this photo by this character's current settings and this teacher code,
    or None if any is missing."""
    folders = [Path(pairs_dir) / photo_pair_id, *sorted(Path(pairs_dir).glob(f"{photo_pair_id}-p*"))]
    records = [
        read_pair_record(folder)
        for folder in folders
        if (folder / PAIR_RECORD_FILE).is_file()
    ]
    records = [r for r in records if (r.character_sha256, r.teacher_code_sha256) == (character.sha256, teacher_code)]
    if not records or len(records) != records[0].crops_from_photo:
        return None
    return sorted(records, key=lambda r: r.crop_index)


def write_pair(pairs_dir: Path, record: PairRecord, pair: Pair) -> None:
    """Write input, target, mask and record into a temporary folder, then rename it into place."""
    with atomic_directory(Path(pairs_dir) / record.pair_id) as folder:
        write_image(folder / INPUT_FILE, pair.photo)
        write_image(folder / TARGET_FILE, pair.target)
        write_image(folder / MASK_FILE, pair.person_mask)
        (folder / PAIR_RECORD_FILE).write_text(record.model_dump_json(indent=2), encoding="utf-8")


def remove_stale_temporaries(pairs_dir: Path) -> int:
    """Delete temporary pair folders left by a killed run; returns how many were removed."""
    stale = [p for p in Path(pairs_dir).glob(".*.tmp") if p.is_dir()] if Path(pairs_dir).is_dir() else []
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return len(stale)
