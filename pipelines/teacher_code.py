"""Which version of the teacher's code made a pair: a hash of the source files of `celflow.generators`.

A pair depends on the code that drew it as much as on the photo and the character pack: after a change to
the teacher, pairs made before must be made again rather than found in the cache or on disk.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import celflow.generators

TEACHER_SOURCES = Path(celflow.generators.__file__).resolve().parent


def teacher_code_sha256(sources: Path | None = None) -> str:
    """sha256 over every `.py` file below `sources` (default: the installed generators package), name and bytes."""
    root = TEACHER_SOURCES if sources is None else Path(sources)
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
