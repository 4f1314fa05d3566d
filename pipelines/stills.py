"""Stills on disk: which photos the inputs name, where each webtoon goes under OUT, and converting them all.

Results are PNGs (flat colours and ink lines survive it exactly) and are written only inside OUT; a photo
that cannot be read is skipped with one line naming it, and the others are converted all the same.
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

from celflow.core.image_files import write_image
from celflow.generators.photo import PhotoError, decode_photo
from celflow.realtime.sources import IMAGE_SUFFIXES

log = logging.getLogger(__name__)

RESULT_SUFFIX = ".png"


@dataclass(frozen=True)
class StillsPlan:
    """Each photo found with the file its webtoon goes to, and the inputs that named nothing."""

    photos: list[tuple[Path, Path]]
    missing: list[str]


@dataclass
class StillsReport:
    converted: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def _named_photos(spec: str) -> list[tuple[Path, Path]] | None:
    """(photo, its place inside OUT without suffix) for one input; None when it names nothing.

    A folder's photos keep their sub-folders; a file or a pattern's matches go to OUT's top level."""
    path = Path(spec)
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        return [(photo, photo.relative_to(path).with_suffix("")) for photo in found]
    if path.is_file():
        return [(path, Path(path.stem))]
    matches = sorted(Path(match) for match in glob.glob(spec, recursive=True))
    files = [match for match in matches if match.is_file() and match.suffix.lower() in IMAGE_SUFFIXES]
    return [(photo, Path(photo.stem)) for photo in files] or None


def plan_stills(inputs: Sequence[str], out_dir: Path) -> StillsPlan:
    """Photos named by `inputs` (files, folders searched recursively, glob patterns), each once, with their result
    under `out_dir`; two results that would share a name get -2, -3 … Photos already inside `out_dir` are
    left out, so a rerun into a folder below the photos does not stylize its own results."""
    out_root = Path(out_dir).resolve()
    photos, missing, seen, taken = [], [], set(), set()
    for spec in inputs:
        named = _named_photos(spec)
        if named is None:
            missing.append(spec)
            continue
        for photo, place in named:
            resolved = photo.resolve()
            if resolved in seen or resolved.is_relative_to(out_root):
                continue
            seen.add(resolved)
            result, copy = Path(out_dir) / f"{place}{RESULT_SUFFIX}", 1
            while str(result).lower() in taken:  # case-insensitive file systems would merge A.png and a.png
                copy += 1
                result = Path(out_dir) / f"{place}-{copy}{RESULT_SUFFIX}"
            taken.add(str(result).lower())
            photos.append((photo, result))
    return StillsPlan(photos, missing)


def _inside(out_dir: Path, path: Path) -> bool:
    return path.parent.resolve().is_relative_to(Path(out_dir).resolve())


def stylize_stills(
    plan: StillsPlan,
    out_dir: Path,
    stylize: Callable[[np.ndarray], np.ndarray],
    max_side: int | None = None,
    progress: bool = True,
) -> StillsReport:
    """Read, stylize and write every photo of `plan`; unreadable ones are logged and skipped.

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
            if not _inside(out_dir, result):
                raise ValueError(f"{result}: outside the output folder {out_dir}; not written")
            write_image(result, stylize(rgb))
            report.converted.append(result)
    return report
