"""Where the base students shipped with celflow live: one folder per character, named after it.

A light module (no torch) so that opening a character by name (`celflow stylize --character default`) can
find the shipped student without importing the training code.
"""

from __future__ import annotations

from pathlib import Path

BASE_STUDENTS = Path(__file__).resolve().parent / "students"


def base_student_folder(character: str) -> Path | None:
    """The shipped base student of the character called `character`, or None when none ships."""
    folder = BASE_STUDENTS / character
    return folder if (folder / "student.safetensors").is_file() else None
