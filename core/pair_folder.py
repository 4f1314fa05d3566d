"""The pairs folder on disk, the one format that generate writes and train and evaluate read.

One folder per pair (input, target, person mask and its record; and the drawing before the face warp when the
warp moved anything), written atomically so a killed run never leaves half a pair, and a manifest that indexes
them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
from celflow.core.atomic import atomic_directory, write_text_atomic
from celflow.core.character import Character
from celflow.core.image_files import read_rgb, write_image
from celflow.core.line_art import LineArt
from pydantic import BaseModel, ConfigDict

PAIR_RECORD_FILE = "record.json"
MANIFEST_FILE = "manifest.json"
INPUT_FILE = "input.png"
TARGET_FILE = "target.png"  # the teacher's picture as the user sees it: faces warped to the character
DRAWING_FILE = "drawing.png"  # the same before the face warp, aligned with the photo: what a student learns
MASK_FILE = "mask.png"


class PairRecord(BaseModel):
    """One (photo → webtoon) training pair, stored as a folder holding input, target and person mask."""

    model_config = ConfigDict(frozen=True)

    pair_id: str
    source: str
    source_sha256: str
    character: str
    character_sha256: str
    teacher_code_sha256: str = ""  # the teacher's source code that drew it ("": not recorded, so never reused)
    width: int
    height: int
    faces: int
    person_coverage: float
    teacher_ms: float
    crop_index: int = 0  # which of the photo's person crops this pair is (0 for a whole-photo pair)
    crops_from_photo: int = 1  # how many pairs this photo gave; resume needs all of them on disk
    # a person crop's window (x0, y0, x1, y1) in the whole photo, and that photo's (width, height) as the teacher drew
    # it: the teacher drew the whole photo and cut the crop out, so a student is scored drawing it the same way
    # (None: a whole-photo pair, or a record written before these)
    crop: tuple[int, int, int, int] | None = None
    photo_size: tuple[int, int] | None = None


class Rejection(BaseModel):
    """A photo that gave no pair, and why (shown to the user and kept in the manifest)."""

    model_config = ConfigDict(frozen=True)

    source: str
    reason: str
    detail: str = ""


class Manifest(BaseModel):
    """The index of a pairs folder: every pair exactly once, every rejected photo with its reason."""

    model_config = ConfigDict(frozen=True)

    character: str
    pairs: list[PairRecord]
    rejected: list[Rejection]
    line_art: LineArt | None = None  # what the teacher drew from mesh and mask, for the student to carry

    def pair_dirs(self, pairs_dir: Path) -> list[Path]:
        return [Path(pairs_dir) / record.pair_id for record in self.pairs]


def read_pair_record(pair_dir: Path) -> PairRecord:
    return PairRecord.model_validate_json((Path(pair_dir) / PAIR_RECORD_FILE).read_text(encoding="utf-8"))


def read_manifest(pairs_dir: Path) -> Manifest:
    """Read `pairs_dir/manifest.json`; a folder without one is not a pairs folder."""
    path = Path(pairs_dir) / MANIFEST_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no manifest; run `celflow generate` to make a pairs folder first")
    return Manifest.model_validate_json(path.read_text(encoding="utf-8"))


def write_manifest(pairs_dir: Path, manifest: Manifest) -> Path:
    path = Path(pairs_dir) / MANIFEST_FILE
    write_text_atomic(path, manifest.model_dump_json(indent=2))
    return path


class PairImages(Protocol):
    """What a pair folder stores besides its record: H×W×3 uint8 RGB photo, target and drawing before the face warp
    (None: the target is the drawing), H×W uint8 person mask."""

    photo: np.ndarray
    target: np.ndarray
    drawing: np.ndarray | None
    person_mask: np.ndarray


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


def write_pair(pairs_dir: Path, record: PairRecord, pair: PairImages) -> None:
    """Write input, target (and drawing), mask and record into a temporary folder, then rename it into place."""
    with atomic_directory(Path(pairs_dir) / record.pair_id) as folder:
        write_image(folder / INPUT_FILE, pair.photo)
        write_image(folder / TARGET_FILE, pair.target)
        if pair.drawing is not None:
            write_image(folder / DRAWING_FILE, pair.drawing)
        write_image(folder / MASK_FILE, pair.person_mask)
        (folder / PAIR_RECORD_FILE).write_text(record.model_dump_json(indent=2), encoding="utf-8")


def remove_stale_temporaries(pairs_dir: Path) -> int:
    """Delete temporary pair folders left by a killed run; returns how many were removed."""
    stale = [p for p in Path(pairs_dir).glob(".*.tmp") if p.is_dir()] if Path(pairs_dir).is_dir() else []
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return len(stale)


def read_pair(pair_dir: Path, learnt: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The photo and its teacher stylisation, which must be the same size to be compared pixel by pixel: the
    target as the user sees it, or with `learnt` what a student learns (the drawing before the face warp, where
    the pair has one)."""
    name = DRAWING_FILE if learnt and (Path(pair_dir) / DRAWING_FILE).is_file() else TARGET_FILE
    photo = read_rgb(Path(pair_dir) / INPUT_FILE)
    target = read_rgb(Path(pair_dir) / name)
    if photo.shape != target.shape:
        raise ValueError(
            f"{Path(pair_dir) / name}: size {target.shape[:2]} differs from {INPUT_FILE} {photo.shape[:2]}"
        )
    return photo, target


def read_mask(pair_dir: Path, shape: tuple[int, int]) -> np.ndarray:
    """The teacher's person mask, H×W uint8 (255 = person), checked to be the photo's `shape`."""
    path = Path(pair_dir) / MASK_FILE
    mask = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if mask is None:
        raise FileNotFoundError(f"{path}: missing or not a readable image")
    if mask.shape != tuple(shape):
        raise ValueError(f"{path}: size {mask.shape} differs from {INPUT_FILE} {tuple(shape)}")
    return mask
