"""The `watch-folder` flow: a scheduled generate over a folder people drop photos into, new photos only.

Which photos were processed (their path and content hash) is kept in `<out>/watch_state.json`, written
atomically after each successful run; a run that fails leaves it as it was, so its photos are tried again
(the pair cache makes the ones that did succeed free).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from pydantic import BaseModel, ConfigDict, ValidationError

from celflow.core.atomic import write_text_atomic
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.core.image_files import PhotoFolderError, list_photos
from celflow.core.pair_folder import MANIFEST_FILE, read_manifest
from celflow.pipelines.caching import file_sha256
from celflow.pipelines.generate import DEFAULT_MAX_FAILED_SHARE, DEFAULT_MAX_SIDE, generate_flow
from celflow.pipelines.runners import RunnerSpec, with_runner

STATE_FILE = "watch_state.json"


class WatchState(BaseModel):
    """Photos already processed: path relative to the watch folder → SHA-256 of the bytes processed."""

    model_config = ConfigDict(frozen=True)

    processed: dict[str, str] = {}


class WatchRun(BaseModel):
    """What one scheduled run picked up and how many pairs the folder holds after it."""

    model_config = ConfigDict(frozen=True)

    new_photos: list[str]
    pairs_total: int


def read_watch_state(path: Path) -> WatchState:
    if not path.is_file():
        return WatchState()
    try:
        return WatchState.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as error:
        raise ValueError(f"{path}: not a watch-folder state file ({error.error_count()} errors)") from error


def photos_in(watch_dir: Path) -> list[Path]:
    """The folder's photos; an empty watch folder is normal (nothing arrived yet), a missing one is not."""
    if not watch_dir.is_dir():
        raise PhotoFolderError(f"{watch_dir}: watch folder not found")
    try:
        return list_photos(watch_dir)
    except PhotoFolderError:
        return []


def new_photos(watch_dir: Path, state: WatchState) -> dict[str, str]:
    """Photos not processed yet, or whose bytes changed since: relative path → SHA-256."""
    hashes = {photo.relative_to(watch_dir).as_posix(): file_sha256(photo) for photo in photos_in(watch_dir)}
    return {name: digest for name, digest in hashes.items() if state.processed.get(name) != digest}


@flow(name="watch-folder")
def watch_folder_flow(
    watch_dir: Path,
    out_dir: Path,
    character: str = DEFAULT_CHARACTER,
    max_side: int = DEFAULT_MAX_SIDE,
    runner: RunnerSpec = RunnerSpec(),
    max_failed_share: float = DEFAULT_MAX_FAILED_SHARE,
) -> WatchRun:
    """Make pairs into `out_dir/pairs` from the photos that arrived in `watch_dir` since the last run."""
    logger = get_run_logger()
    watch_dir, out_dir = Path(watch_dir), Path(out_dir)
    state_path = out_dir / STATE_FILE
    state = read_watch_state(state_path)
    fresh = new_photos(watch_dir, state)
    if not fresh:
        logger.info("no new photos in %s", watch_dir)
        made = read_manifest(out_dir / "pairs").pairs if (out_dir / "pairs" / MANIFEST_FILE).is_file() else []
        return WatchRun(new_photos=[], pairs_total=len(made))
    logger.info("%d new photo(s) in %s", len(fresh), watch_dir)
    manifest = with_runner(generate_flow, runner)(
        watch_dir,
        out_dir / "pairs",
        character=character,
        max_side=max_side,
        photos=[watch_dir / name for name in fresh],
        max_failed_share=max_failed_share,
        progress=False,
    )
    updated = WatchState(processed={**state.processed, **fresh})
    write_text_atomic(state_path, updated.model_dump_json(indent=2))
    return WatchRun(new_photos=sorted(fresh), pairs_total=len(manifest.pairs))
