"""Typed records for the paired data set, shared by generators, pipelines and student."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from celflow.atomic import write_text_atomic

PAIR_RECORD_FILE = "record.json"
MANIFEST_FILE = "manifest.json"
INPUT_FILE = "input.png"
TARGET_FILE = "target.png"
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
