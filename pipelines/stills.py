"""Stills on disk: which photos the inputs name, where each webtoon goes under OUT, and converting them all.

Results are PNGs (flat colours and ink lines survive it exactly) and are written only inside OUT; a photo
that cannot be read is skipped with one line naming it, and the others are converted all the same. An OUT
named like an image (`-o drawn.png`) is the one result of one photo, in the format its suffix names.
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from celflow.core.image_files import PHOTO_SUFFIXES, READABLE_PHOTO_SUFFIXES, write_image
from celflow.generators.photo import PhotoError, decode_photo

log = logging.getLogger(__name__)

RESULT_SUFFIX = ".png"


@dataclass(frozen=True)
class StillsPlan:
    """Each photo found with the file its webtoon goes to, the inputs that named nothing, and the folder the
    results are written in (OUT, or the folder of an OUT that names one image file)."""

    photos: list[tuple[Path, Path]]
    missing: list[str]
    folder: Path


@dataclass
class StillsReport:
    converted: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    shrunk: int = 0  # photos of those converted that were drawn `max_side` long


def _named_photos(spec: str) -> list[tuple[Path, Path]] | None:
    """(photo, its place inside OUT without suffix) for one input; None when it names nothing.

    A folder's photos keep their sub-folders; a file or a pattern's matches go to OUT's top level."""
    path = Path(spec)
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE_PHOTO_SUFFIXES)
        return [(photo, photo.relative_to(path).with_suffix("")) for photo in found]
    if path.is_file():
        return [(path, Path(path.stem))]
    matches = sorted(Path(match) for match in glob.glob(spec, recursive=True))
    files = [match for match in matches if match.is_file() and match.suffix.lower() in READABLE_PHOTO_SUFFIXES]
    return [(photo, Path(photo.stem)) for photo in files] or None


def names_one_image(out: Path) -> bool:
    """True when OUT is a file name with an image suffix (`drawn.png`) rather than a folder: a user naming a
    file expects that file, not a folder of that name."""
    return Path(out).suffix.lower() in PHOTO_SUFFIXES and not Path(out).is_dir()


def _named_once(inputs: Sequence[str], out_root: Path | None) -> tuple[list[tuple[Path, Path]], list[str]]:
    """(photo, place) for every photo `inputs` name, each once and none inside `out_root` (when given); the
    inputs that named nothing."""
    photos, missing, seen = [], [], set()
    for spec in inputs:
        named = _named_photos(spec)
        if named is None:
            missing.append(spec)
            continue
        for photo, place in named:
            resolved = photo.resolve()
            if resolved not in seen and not (out_root and resolved.is_relative_to(out_root)):
                seen.add(resolved)
                photos.append((photo, place))
    return photos, missing


def plan_stills(inputs: Sequence[str], out_dir: Path) -> StillsPlan:
    """Photos named by `inputs` (files, folders searched recursively, glob patterns), each once, with their result
    under `out_dir`; two results that would share a name get -2, -3 … Photos already inside `out_dir` are
    left out, so a rerun into a folder below the photos does not stylize its own results. An `out_dir` that
    names one image file (names_one_image) is the result of the one photo the inputs name; ValueError when they
    name more, or when that file is the photo itself."""
    out = Path(out_dir)
    if names_one_image(out):
        photos, missing = _named_once(inputs, None)
        if len(photos) > 1:
            raise ValueError(f"{out}: names one image file, but the inputs name {len(photos)} photos; give a folder")
        if out.resolve() in {photo.resolve() for photo, _ in photos}:
            raise ValueError(f"{out}: is the photo itself; name another file or a folder")
        return StillsPlan([(photo, out) for photo, _ in photos], missing, out.parent)
    named, missing = _named_once(inputs, out.resolve())
    photos, taken = [], set()
    for photo, place in named:
        result, copy = out / f"{place}{RESULT_SUFFIX}", 1
        while str(result).lower() in taken:  # case-insensitive file systems would merge A.png and a.png
            copy += 1
            result = out / f"{place}-{copy}{RESULT_SUFFIX}"
        taken.add(str(result).lower())
        photos.append((photo, result))
    return StillsPlan(photos, missing, out)


def _inside(folder: Path, path: Path) -> bool:
    return path.parent.resolve().is_relative_to(Path(folder).resolve())


def stylize_stills(
    plan: StillsPlan,
    stylize: Callable[[np.ndarray], np.ndarray],
    max_side: int | None = None,
    progress: bool = True,
) -> StillsReport:
    """Read, stylize and write every photo of `plan` (only inside its folder); unreadable ones are logged and
    skipped.

    Photos are read upright (EXIF), 16-bit, grey, CMYK and transparent ones as 8-bit RGB (see
    generators.photo), shrunk to `max_side` first when given. A progress bar shows when there are several.
    """
    report = StillsReport()
    for spec in plan.missing:
        report.skipped.append((Path(spec), "no such file, folder or matching photo"))
        log.warning("skipped %s: no such file, folder or matching photo", spec)
    with logging_redirect_tqdm(loggers=[logging.getLogger("celflow")]):
        bar = tqdm(plan.photos, desc="stylize", unit="photo", disable=not progress or len(plan.photos) < 2)
        for photo, result in bar:
            try:
                rgb = decode_photo(photo.read_bytes(), max_side=max_side)
            except (PhotoError, OSError) as error:
                reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
                report.skipped.append((photo, reason))
                log.warning("skipped %s: %s", photo, reason)
                continue
            if not _inside(plan.folder, result):
                raise ValueError(f"{result}: outside the output folder {plan.folder}; not written")
            write_image(result, stylize(rgb))
            report.converted.append(result)
            report.shrunk += bool(max_side) and max(rgb.shape[:2]) == max_side
    return report
