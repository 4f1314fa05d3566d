"""The `generate` flow: a folder of photos → a folder of (photo, teacher target, person mask) pairs.

Resumable: a pair already on disk for the same photo bytes and character settings is not made again.
One bad photo is logged with its reason and listed in the manifest; the flow goes on.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from tqdm import tqdm

from celflow.character import Character, load_character
from celflow.generators.pair import PairMaker, PairRejected
from celflow.generators.photo import PhotoError, decode_photo
from celflow.pipelines.pair_store import (
    crop_pair_id,
    finished_records,
    list_photos,
    pair_id_for,
    remove_stale_temporaries,
    write_pair,
)
from celflow.records import Manifest, PairRecord, Rejection, write_manifest

UNREADABLE = "unreadable photo"
DEFAULT_MAX_SIDE = 512
DEFAULT_WORKERS = 2

_thread_state = threading.local()


def _pair_maker(character: Character, max_faces: int) -> PairMaker:
    """One PairMaker per worker thread and character: mediapipe graphs are not thread-safe."""
    key = (character.sha256, max_faces)
    if getattr(_thread_state, "key", None) != key:
        _thread_state.maker = PairMaker(character, max_faces=max_faces)
        _thread_state.key = key
    return _thread_state.maker


def generate_pair(
    photo_path: Path, photos_dir: Path, pairs_dir: Path, character: Character, max_side: int, max_faces: int
) -> list[PairRecord] | Rejection:
    """Make and store the pairs of one photo (one, or one per person crop), or say why none can be made."""
    data = photo_path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    photo_pair_id = pair_id_for(photo_path, photos_dir, digest)
    done = finished_records(pairs_dir, photo_pair_id, character)
    if done is not None:
        return done
    try:
        photo = decode_photo(data, max_side=max_side)
        pairs = _pair_maker(character, max_faces)(photo)
    except PhotoError as error:
        return Rejection(source=str(photo_path), reason=UNREADABLE, detail=str(error))
    except PairRejected as rejected:
        return Rejection(source=str(photo_path), reason=rejected.reason, detail=rejected.detail)
    records = []
    for index, pair in enumerate(pairs):
        height, width = pair.photo.shape[:2]
        record = PairRecord(
            pair_id=crop_pair_id(photo_pair_id, index, len(pairs)),
            source=str(photo_path),
            source_sha256=digest,
            character=character.name,
            character_sha256=character.sha256,
            width=width,
            height=height,
            faces=len(pair.faces),
            person_coverage=round(pair.person_coverage, 4),
            teacher_ms=round(pair.teacher_ms, 1),
            crop_index=index,
            crops_from_photo=len(pairs),
        )
        write_pair(pairs_dir, record, pair)
        records.append(record)
    return records


@task(name="make-pair", task_run_name="pair {photo_path.name}")
def make_pair_task(
    photo_path: Path, photos_dir: Path, pairs_dir: Path, character: Character, max_side: int, max_faces: int
) -> list[PairRecord] | Rejection:
    return generate_pair(photo_path, photos_dir, pairs_dir, character, max_side, max_faces)


def assemble_manifest(character: Character, outcomes: list[list[PairRecord] | Rejection]) -> Manifest:
    """Each pair once (identical photos under one name collapse), in photo order."""
    pairs = {record.pair_id: record for o in outcomes if not isinstance(o, Rejection) for record in o}
    rejected = [o for o in outcomes if isinstance(o, Rejection)]
    return Manifest(character=character.name, pairs=sorted(pairs.values(), key=lambda r: r.pair_id), rejected=rejected)


@flow(name="generate", task_runner=ThreadPoolTaskRunner(max_workers=DEFAULT_WORKERS))
def generate_flow(
    photos_dir: Path,
    pairs_dir: Path,
    character: str = "default",
    max_side: int = DEFAULT_MAX_SIDE,
    max_faces: int = 4,
    progress: bool = True,
) -> Manifest:
    """Make one pair per usable photo in `photos_dir`; write pairs and `manifest.json` into `pairs_dir`."""
    logger = get_run_logger()
    photos_dir, pairs_dir = Path(photos_dir), Path(pairs_dir)
    photos = list_photos(photos_dir)
    pack = load_character(character)
    if removed := remove_stale_temporaries(pairs_dir):
        logger.info("removed %d half-written pair folder(s) left by an interrupted run", removed)
    futures = make_pair_task.map(
        photos,
        photos_dir=unmapped(photos_dir),
        pairs_dir=unmapped(pairs_dir),
        character=unmapped(pack),
        max_side=unmapped(max_side),
        max_faces=unmapped(max_faces),
    )
    outcomes = []
    for future in tqdm(as_completed(futures), total=len(futures), desc="pairs", unit="photo", disable=not progress):
        outcome = future.result()
        if isinstance(outcome, Rejection):
            logger.warning("skipped %s: %s (%s)", outcome.source, outcome.reason, outcome.detail)
        outcomes.append(outcome)
    manifest = assemble_manifest(pack, outcomes)
    write_manifest(pairs_dir, manifest)
    logger.info("%d pairs in %s, %d photos rejected", len(manifest.pairs), pairs_dir, len(manifest.rejected))
    return manifest
