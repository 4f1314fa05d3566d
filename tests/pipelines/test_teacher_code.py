"""A changed teacher makes its pairs again: its code version is part of every pair's cache key and record."""

from __future__ import annotations

import shutil

from celflow.core.pair_folder import read_manifest
from celflow.pipelines import teacher_code
from celflow.pipelines.generate import generate_flow
from tests.pipelines.photo_folders import pair_stamps, teacher_calls, write_face_photos


def edited_teacher_copy(folder):
    """The installed teacher's sources, copied, with one line added to the cel-shading module."""
    shutil.copytree(teacher_code.TEACHER_SOURCES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    with open(folder / "cel_shading.py", "a", encoding="utf-8") as source:
        source.write("\nEDITED = True\n")
    return folder


def test_the_code_version_follows_the_python_sources_only(tmp_path):
    copy = tmp_path / "generators"
    shutil.copytree(teacher_code.TEACHER_SOURCES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    installed = teacher_code.teacher_code_sha256()

    assert teacher_code.teacher_code_sha256(copy) == installed
    (copy / "notes.txt").write_text("not code")
    assert teacher_code.teacher_code_sha256(copy) == installed
    with open(copy / "diffusion" / "load.py", "a", encoding="utf-8") as source:
        source.write("\n# edited\n")
    assert teacher_code.teacher_code_sha256(copy) != installed


def test_pairs_made_by_an_older_teacher_are_made_again_once(prefect_server, tmp_path, hopper, monkeypatch):
    photos, pairs = tmp_path / "photos", tmp_path / "pairs"
    write_face_photos(photos, hopper, 1)

    def generate():
        state = generate_flow(photos, pairs, max_side=192, progress=False, return_state=True)
        assert state.is_completed(), state.message
        return pair_stamps(pairs)

    made = generate()
    assert teacher_calls(made, generate()) == []  # same teacher: nothing made again

    monkeypatch.setattr(teacher_code, "TEACHER_SOURCES", edited_teacher_copy(tmp_path / "edited"))
    remade = generate()
    assert len(teacher_calls(made, remade)) == 1
    assert teacher_calls(remade, generate()) == []  # the new pairs are cached under the new version
    [record] = read_manifest(pairs).pairs
    assert record.teacher_code_sha256 == teacher_code.teacher_code_sha256()
