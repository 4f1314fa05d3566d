"""Atomic writes leave files and folders readable as any other program's would be (the user's umask), not
private to the writer as temporary files are created."""

from __future__ import annotations

import os
import stat

import pytest

from celflow.core.atomic import atomic_directory, write_text_atomic


@pytest.fixture
def umask_022():
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_written_file_has_the_mode_the_umask_gives(tmp_path, umask_022):
    write_text_atomic(tmp_path / "record.json", "{}")

    assert stat.S_IMODE((tmp_path / "record.json").stat().st_mode) == 0o644


def test_a_written_folder_has_the_mode_the_umask_gives(tmp_path, umask_022):
    with atomic_directory(tmp_path / "student") as folder:
        (folder / "a.txt").write_text("a")

    assert stat.S_IMODE((tmp_path / "student").stat().st_mode) == 0o755
