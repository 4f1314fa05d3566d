"""One photo through the student, as `celflow stylize` and `celflow.load` do it: with or without a face."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import skimage.data

import celflow
from celflow.export.open_stylizer import open_stylizer
from celflow.realtime.strength import apply_strength

from .conftest import redness


@pytest.fixture(scope="module")
def red_full_frame(characters):
    stylizer = celflow.load(characters["red"])
    yield stylizer
    stylizer.close()


def test_full_frame_is_the_student_over_the_whole_photo(red_full_frame, characters, hopper):
    assert np.array_equal(red_full_frame(hopper), open_stylizer(characters["red"], spin=False, with_alpha=True)(hopper))


def test_strength_can_change_between_photos(red_full_frame, hopper):
    student = red_full_frame(hopper)
    try:
        red_full_frame.strength = 0.0
        assert np.array_equal(red_full_frame(hopper), hopper)
        red_full_frame.strength = 0.4
        assert np.array_equal(red_full_frame(hopper), apply_strength(hopper, student, 0.4))
    finally:
        red_full_frame.strength = 1.0


def test_a_photo_without_a_face_is_stylized_whole_and_left_as_it_is_in_person_only(red_full_frame, characters):
    coffee = skimage.data.coffee()
    assert redness(red_full_frame(coffee)) > redness(coffee) + 60

    person_only = celflow.load(characters["red"], mode="person-only")
    try:
        assert np.array_equal(person_only(coffee), coffee)
    finally:
        person_only.close()


def test_person_only_stylizes_the_person_and_keeps_the_background(characters, astronaut):
    stylizer = celflow.load(characters["blue"], mode="person-only")
    try:
        out = stylizer(astronaut)
    finally:
        stylizer.close()

    face = (slice(80, 160), slice(190, 260))  # the astronaut's face
    assert redness(out[face]) < redness(astronaut[face]) - 60
    assert np.array_equal(out[:, 460:], astronaut[:, 460:])  # the rocket and the flag, far from her


def test_a_student_folder_runs_on_pytorch_like_its_onnx_export(characters, hopper, tmp_path):
    folder = tmp_path / "red-student"
    shutil.copytree(characters["red"].parent, folder, ignore=shutil.ignore_patterns("*.onnx"))

    stylizer = celflow.load(folder)

    assert stylizer.renderer.stylizers["red-student"].backend.value == "torch"
    difference = np.abs(stylizer(hopper).astype(np.int16) - open_stylizer(characters["red"], spin=False, with_alpha=True)(hopper))
    assert difference.mean() < 1


def test_a_character_without_a_student_says_which_command_makes_one():
    with pytest.raises(FileNotFoundError, match=r"anna: no ONNX student at anna; .*`celflow distill PHOTOS/ OUT/"):
        celflow.load("anna")


def test_a_bad_mode_or_strength_is_refused_before_the_student_is_opened(characters):
    with pytest.raises(ValueError, match="--mode cartoon: expected one of full-frame, per-person, person-only"):
        celflow.load(characters["red"], mode="cartoon")
    with pytest.raises(ValueError, match="--strength -0.1: must be between 0"):
        celflow.load(characters["red"], strength=-0.1)


def test_load_without_a_name_opens_the_shipped_base_student(hopper):
    """`celflow.load()` works on a fresh install: the base student shipped with celflow, as `default` names it."""
    unnamed, named = celflow.load(line_art=False), celflow.load("default", line_art=False)
    try:
        assert np.array_equal(unnamed(hopper), named(hopper))
        assert not np.array_equal(unnamed(hopper), hopper)
    finally:
        unnamed.close()
        named.close()
