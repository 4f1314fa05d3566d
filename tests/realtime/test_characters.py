"""Characters on the command line, and which person wears which for the whole video."""

from __future__ import annotations

import os
import shutil

import pytest

from celflow.realtime.characters import CastMember, CharacterAssigner, find_character, parse_characters, parse_track_map


def test_names_come_from_name_equals_path_or_from_the_file_or_folder(characters):
    red, blue = characters["red"], characters["blue"]

    assert parse_characters(f"anna={red},{blue.parent}") == [
        CastMember("anna", red),
        CastMember(blue.parent.name, blue),
    ]
    assert parse_characters(str(red)) == [CastMember("student", red)]


def test_missing_model_and_duplicate_names_are_one_line_errors(characters, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"ghost=.*ghost.onnx: no ONNX student at"):
        parse_characters(f"ghost={tmp_path / 'ghost.onnx'}")
    with pytest.raises(ValueError, match="two characters share a name"):
        parse_characters(f"a={characters['red']},a={characters['blue']}")
    with pytest.raises(ValueError, match="name at least one"):
        parse_characters(" , ")


def test_a_distill_output_folder_names_its_newest_student(characters, tmp_path):
    """`celflow distill photos/ runs/anna` trains each new set of pairs into runs/anna/student/<fingerprint>/."""
    runs = tmp_path / "runs" / "anna"
    for age, fingerprint in enumerate(("0f0f0f0f0f0f", "a1b2c3d4e5f6")):
        folder = shutil.copytree(characters["red"].parent, runs / "student" / fingerprint)
        os.utime(folder / "student.onnx", (1_000_000 + age, 1_000_000 + age))

    assert find_character(str(runs)) == CastMember("anna", runs / "student" / "a1b2c3d4e5f6" / "student.onnx")


def test_a_folder_without_an_onnx_export_is_opened_as_a_student_folder(characters, tmp_path):
    folder = shutil.copytree(characters["red"].parent, tmp_path / "ben", ignore=shutil.ignore_patterns("*.onnx"))

    assert find_character(f"b={folder}") == CastMember("b", folder)


def test_round_robin_in_order_of_appearance_and_kept_for_good():
    assign = CharacterAssigner(["red", "blue"])

    assert [assign(track_id) for track_id in (4, 7, 9)] == ["red", "blue", "red"]
    assert [assign(track_id) for track_id in (9, 4, 7)] == ["red", "red", "blue"]


def test_explicit_map_wins_and_the_others_share_the_rest():
    assign = CharacterAssigner(["red", "blue"], explicit=parse_track_map("2=blue", ["red", "blue"]))

    assert [assign(track_id) for track_id in (1, 2, 3)] == ["red", "blue", "blue"]


def test_one_for_all():
    assign = CharacterAssigner(["red", "blue"], policy="one-for-all")

    assert {assign(track_id) for track_id in range(5)} == {"red"}


def test_a_map_naming_an_unknown_character_is_refused():
    with pytest.raises(ValueError, match="--assign '1=green': expected TRACK_ID=NAME with NAME one of red, blue"):
        parse_track_map("1=green", ["red", "blue"])


def test_track_ids_start_at_one_as_the_overlay_shows_them():
    with pytest.raises(ValueError, match="--assign '0=red': people are numbered from 1"):
        parse_track_map("0=red", ["red", "blue"])


def test_a_bare_character_name_opens_the_base_student_shipped_with_celflow(tmp_path, monkeypatch):
    from celflow.core.base_students import BASE_STUDENTS

    monkeypatch.chdir(tmp_path)  # no folder called `default` here

    character = find_character("default")

    assert character == CastMember("default", BASE_STUDENTS / "default" / "student.onnx")  # onnxruntime, not torch
    with pytest.raises(FileNotFoundError, match="no ONNX student"):
        find_character("nobody")
