"""The studio's root folder: every file the studio writes goes under it, by names it has checked.

A name from the browser (a character, a gallery file) becomes one path component, never a path: a name that
could climb out of its folder or hide (`..`, `/`, a leading dot) is refused with the name in the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")  # a character pack's own name rule, shorter


class UnsafeNameError(ValueError):
    """A name that cannot be a file or folder inside the studio's root."""


def check_name(name: str, what: str = "name") -> str:
    """`name` itself when it is one plain file or folder name (letters, digits, - _ ., not starting with a dot)."""
    if not NAME_PATTERN.match(name) or ".." in name:
        raise UnsafeNameError(f"{what} {name!r}: use letters, digits, - _ and . (not first), at most 64 characters")
    return name


def inside(folder: Path, *names: str) -> Path:
    """folder/name/…, each name checked, and the result checked to resolve inside `folder` (symlinks included)."""
    path = Path(folder).joinpath(*(check_name(name) for name in names))
    if not path.resolve().is_relative_to(Path(folder).resolve()):
        raise UnsafeNameError(f"{'/'.join(names)}: leads outside {folder}")
    return path


@dataclass(frozen=True)
class StudioRoot:
    """The folders under the root: results for the gallery, character packs, distill runs and their photos, uploads
    in transit, job logs."""

    path: Path

    @property
    def gallery(self) -> Path:
        return self.path / "gallery"

    @property
    def characters(self) -> Path:
        return self.path / "characters"

    @property
    def runs(self) -> Path:
        return self.path / "runs"

    @property
    def photos(self) -> Path:
        """Training photos for distilling each character, kept apart from its pack so a shared pack holds none."""
        return self.path / "photos"

    @property
    def uploads(self) -> Path:
        return self.path / "uploads"

    @property
    def jobs(self) -> Path:
        return self.path / "jobs"

    def create(self) -> StudioRoot:
        for folder in (self.gallery, self.characters, self.runs, self.photos, self.uploads, self.jobs):
            folder.mkdir(parents=True, exist_ok=True)
        return self
