"""The `generate` flow: a folder of photos → a folder of (photo, teacher target, person mask) pairs.

Each photo is one cached task: its key is the photo's bytes + the character pack's hash + the teacher's code
version + the pair settings,
its result kept under `<pairs>/.prefect-cache`, so a rerun makes only what changed. A pair whose files were
killed half-way is made again (pairs are written atomically). Teacher crashes are retried with backoff; one
bad photo never fails the flow, but failures above `max_failed_share` do, after the summary is written.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

from celflow.core.character import Character, load_character
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.core.image_files import list_photos
from celflow.core.pair_folder import (
    MANIFEST_FILE,
    PAIR_RECORD_FILE,
    Manifest,
    PairRecord,
    Rejection,
    crop_pair_id,
    finished_records,
    pair_id_for,
    read_manifest,
    remove_stale_temporaries,
    write_manifest,
    write_pair,
)
from celflow.generators.line_art import line_art_of
from celflow.generators.pair import PairMaker, PairRejected
from celflow.generators.photo import PhotoError, decode_photo
from celflow.generators.quality import TEACHER_FAILED
from celflow.generators.sam import SamSettings, read_sam_checkpoint
from celflow.pipelines.artifacts import artifact_key, publish_run_summary
from celflow.pipelines.caching import CACHE_FOLDER, PhotoPairKey, result_storage
from celflow.pipelines.generate_report import write_generate_report
from celflow.pipelines.generate_summary import (
    PAIR_TASK_CRASHED,
    UNREADABLE,
    TooManyFailures,
    summarise_run,
)
from celflow.pipelines.look_report import LOOK_SAMPLE, pair_images, summarise_look
from celflow.pipelines.teacher_code import teacher_code_sha256
from celflow.pipelines.teacher_slots import (
    ensure_teacher_slots,
    short_batches_warning,
    teacher_tag,
)
from prefect import Task, flow, get_run_logger, task, unmapped
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from tqdm import tqdm

DEFAULT_MAX_SIDE = 512
DEFAULT_WORKERS = 2
DEFAULT_MAX_FAILED_SHARE = 0.5

Outcome = list[PairRecord] | Rejection

_thread_state = threading.local()


class TeacherCrashed(RuntimeError):
    """The teacher raised on this photo; raised out of the task so that Prefect retries it."""


def _pair_maker(character: Character, max_faces: int, sam: SamSettings | None) -> PairMaker:
    """One PairMaker per worker thread and character: mediapipe graphs are not thread-safe."""
    key = (character.sha256, max_faces, sam)
    if getattr(_thread_state, "key", None) != key:
        _thread_state.maker = PairMaker(character, max_faces=max_faces, sam=sam)
        _thread_state.key = key
    return _thread_state.maker


def generate_pair(
    photo_path: Path,
    photos_dir: Path,
    pairs_dir: Path,
    character: Character,
    max_side: int,
    max_faces: int,
    sam: SamSettings | None = None,
    teacher_code: str | None = None,
) -> Outcome:
    """Make and store the pairs of one photo (one, or one per person crop), or say why none can be made.

    `teacher_code` is the teacher code version recorded with each pair (default: the installed teacher's).
    """
    teacher_code = teacher_code or teacher_code_sha256()
    data = photo_path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    photo_pair_id = pair_id_for(photo_path, photos_dir, digest)
    done = finished_records(pairs_dir, photo_pair_id, character, teacher_code)
    if done is not None:
        return done
    try:
        photo = decode_photo(data, max_side=max_side)
        pairs = _pair_maker(character, max_faces, sam)(photo)
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
            teacher_code_sha256=teacher_code,
            width=width,
            height=height,
            faces=len(pair.faces),
            person_coverage=round(pair.person_coverage, 4),
            teacher_ms=round(pair.teacher_ms, 1),
            crop_index=index,
            crops_from_photo=len(pairs),
            crop=pair.crop,
            photo_size=(photo.shape[1], photo.shape[0]) if pair.crop else None,
        )
        write_pair(pairs_dir, record, pair)
        records.append(record)
    return records


@task(
    name="make-pair",
    task_run_name="pair {photo_path.name}",
    cache_policy=PhotoPairKey(),
    persist_result=True,
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_jitter_factor=0.5,
)
def make_pair_task(
    photo_path: Path,
    photos_dir: Path,
    pairs_dir: Path,
    character: Character,
    max_side: int,
    max_faces: int,
    teacher_code: str,
    sam: SamSettings | None = None,
) -> Outcome:
    outcome = generate_pair(photo_path, photos_dir, pairs_dir, character, max_side, max_faces, sam, teacher_code)
    if isinstance(outcome, Rejection) and outcome.reason == TEACHER_FAILED:
        raise TeacherCrashed(f"{photo_path}: {outcome.detail}")
    return outcome


def _run_pair_tasks(
    pair_task: Task, photos: list[Path], settings: dict, progress: bool
) -> dict[Path, Outcome]:
    """Every photo's outcome; a task that still fails after its retries becomes that photo's rejection."""
    futures = pair_task.map(photos, **{name: unmapped(value) for name, value in settings.items()})
    photo_of = {future.task_run_id: photo for future, photo in zip(futures, photos)}
    outcomes: dict[Path, Outcome] = {}
    for future in tqdm(as_completed(futures), total=len(futures), desc="pairs", unit="photo", disable=not progress):
        photo, outcome = photo_of[future.task_run_id], future.result(raise_on_failure=False)
        if isinstance(outcome, BaseException):
            reason = TEACHER_FAILED if isinstance(outcome, TeacherCrashed) else PAIR_TASK_CRASHED
            outcome = Rejection(source=str(photo), reason=reason, detail=f"{type(outcome).__name__}: {outcome}")
        outcomes[photo] = outcome
    return outcomes


def _pairs_missing_on_disk(pairs_dir: Path, outcomes: dict[Path, Outcome]) -> list[Path]:
    """Photos whose cached pairs were deleted from the folder since: their cache entry must be refreshed."""
    return [
        photo
        for photo, outcome in outcomes.items()
        if not isinstance(outcome, Rejection)
        and not all((pairs_dir / record.pair_id / PAIR_RECORD_FILE).is_file() for record in outcome)
    ]


def assemble_manifest(
    character: Character, outcomes: list[Outcome], earlier: Manifest | None = None, teacher_code: str | None = None
) -> Manifest:
    """Each pair once (identical photos under one name collapse), in pair-id order.

    With `earlier`, pairs and rejections of photos not in `outcomes` are kept (a run over new photos only), if
    the same character settings and teacher code (default: the installed teacher's) made them.
    """
    teacher_code = teacher_code or teacher_code_sha256()
    pairs = {record.pair_id: record for o in outcomes if not isinstance(o, Rejection) for record in o}
    rejected = [o for o in outcomes if isinstance(o, Rejection)]
    if earlier is not None and earlier.character == character.name:
        redone = {r.source for r in pairs.values()} | {r.source for r in rejected}
        for record in earlier.pairs:
            same_teacher = (record.character_sha256, record.teacher_code_sha256) == (character.sha256, teacher_code)
            if record.source not in redone and same_teacher:
                pairs.setdefault(record.pair_id, record)
        rejected += [r for r in earlier.rejected if r.source not in redone]
    return Manifest(
        character=character.name,
        pairs=sorted(pairs.values(), key=lambda r: r.pair_id),
        rejected=rejected,
        line_art=line_art_of(character),
    )


@flow(name="generate", task_runner=ThreadPoolTaskRunner(max_workers=DEFAULT_WORKERS))
def generate_flow(
    photos_dir: Path,
    pairs_dir: Path,
    character: str = DEFAULT_CHARACTER,
    max_side: int = DEFAULT_MAX_SIDE,
    max_faces: int = 4,
    progress: bool = True,
    photos: list[Path] | None = None,
    cache_dir: Path | None = None,
    teacher_retries: int = 2,
    retry_delay_s: float = 2.0,
    max_failed_share: float = DEFAULT_MAX_FAILED_SHARE,
    sam: SamSettings | None = None,
) -> Manifest:
    """Make pairs from every photo in `photos_dir` (or only `photos`, added to the existing manifest).

    `sam` segments persons with Segment Anything instead of mediapipe; its checkpoint is checked before any task.

    Writes pair folders, `manifest.json`, `summary.json`/`summary.md` and `contact_sheet.png` into `pairs_dir`.
    """
    started = time.monotonic()
    logger = get_run_logger()
    photos_dir, pairs_dir = Path(photos_dir), Path(pairs_dir)
    chosen = list_photos(photos_dir) if photos is None else [Path(p) for p in photos]
    pack = load_character(character)
    if sam is not None:
        read_sam_checkpoint(sam)  # a missing or mismatched checkpoint fails the run now, not once per photo
    if removed := remove_stale_temporaries(pairs_dir):
        logger.info("removed %d half-written pair folder(s) left by an interrupted run", removed)
    if (slots := ensure_teacher_slots(pack)) is not None:
        logger.info(
            "%s teacher: at most %d task(s) at once (tag %s), batches of up to %d photos",
            pack.teacher.kind, slots, teacher_tag(pack), pack.teacher.batch_size,
        )
        if warning := short_batches_warning(pack, slots):
            logger.warning(warning)
    pair_task = make_pair_task.with_options(
        tags={teacher_tag(pack)},
        result_storage=result_storage(cache_dir or pairs_dir / CACHE_FOLDER),
        retries=teacher_retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=retry_delay_s) if retry_delay_s > 0 else 0,
    )
    teacher_code = teacher_code_sha256()
    settings = dict(
        photos_dir=photos_dir, pairs_dir=pairs_dir, character=pack, max_side=max_side, max_faces=max_faces,
        teacher_code=teacher_code, sam=sam,
    )
    outcomes = _run_pair_tasks(pair_task, chosen, settings, progress)
    if missing := _pairs_missing_on_disk(pairs_dir, outcomes):
        logger.warning("%d cached pair(s) no longer on disk: making them again", len(missing))
        outcomes |= _run_pair_tasks(pair_task.with_options(refresh_cache=True), missing, settings, progress)
    ordered = [outcomes[photo] for photo in chosen]
    for outcome in ordered:
        if isinstance(outcome, Rejection):  # a photo the filter refuses is routine: summary.md lists them all
            logger.info("skipped %s: %s (%s)", outcome.source, outcome.reason, outcome.detail)
    earlier = read_manifest(pairs_dir) if photos is not None and (pairs_dir / MANIFEST_FILE).is_file() else None
    manifest = assemble_manifest(pack, ordered, earlier, teacher_code)
    write_manifest(pairs_dir, manifest)

    run_records = [record for o in ordered if not isinstance(o, Rejection) for record in o]
    run_rejected = [o for o in ordered if isinstance(o, Rejection)]
    summary = summarise_run(pack.name, run_records, run_rejected, len(chosen), time.monotonic() - started, max_failed_share)
    looked_at = [pair_images(pairs_dir / record.pair_id) for record in run_records[:LOOK_SAMPLE]]
    summary = summary.model_copy(update={"look": summarise_look(looked_at, pack.geometry)})
    files = write_generate_report(pairs_dir, summary, run_records)
    publish_run_summary(artifact_key("generate", pack.name), summary.as_markdown(), files)
    logger.info("%d pairs in %s, %d photos rejected", len(manifest.pairs), pairs_dir, len(manifest.rejected))
    if summary.too_many_failures:
        raise TooManyFailures(f"{pairs_dir}: {summary.failure_message()}")
    return manifest
