"""Packs made in the studio load like any pack, and travel as zips without writing outside their folder."""

from __future__ import annotations

import io
import zipfile

import pytest

from celflow.core.character import CharacterPackError, load_character
from celflow.studio.packs import import_pack_zip, pack_zip, write_new_pack

PALETTE = ["#102030", "#f0e0d0", "#c04040"]
LIMIT = 10 * 1024 * 1024


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_new_pack_is_the_default_pack_with_its_own_colours(tmp_path):
    folder = write_new_pack(tmp_path, "anna", PALETTE, "#c68e6c")

    pack, default = load_character(folder), load_character("default")
    assert pack.name == "anna"
    assert pack.teacher.palette == PALETTE
    assert pack.skin.tone == "#c68e6c"
    assert pack.geometry == default.geometry and pack.background == default.background


def test_a_pack_that_would_not_load_is_not_saved(tmp_path):
    with pytest.raises(CharacterPackError, match="teacher.palette"):
        write_new_pack(tmp_path, "anna", ["#102030"], None)  # a palette needs two colours
    assert not (tmp_path / "anna" / "character.yaml").exists()


def test_a_pack_name_cannot_be_a_path(tmp_path):
    with pytest.raises(ValueError, match="character '../anna'"):
        write_new_pack(tmp_path, "../anna", PALETTE, None)


def test_an_exported_pack_imports_as_the_same_pack(tmp_path):
    folder = write_new_pack(tmp_path / "mine", "anna", PALETTE, None)
    (folder / "references").mkdir()
    (folder / "references" / "look.png").write_bytes(b"picture")

    imported = import_pack_zip(pack_zip(folder), tmp_path / "theirs", LIMIT)

    assert imported == tmp_path / "theirs" / "anna"
    assert load_character(imported) == load_character(folder)
    assert (imported / "references" / "look.png").read_bytes() == b"picture"


def test_importing_a_pack_that_is_already_there_is_refused(tmp_path):
    data = pack_zip(write_new_pack(tmp_path, "anna", PALETTE, None))
    with pytest.raises(FileExistsError, match="already in the studio"):
        import_pack_zip(data, tmp_path, LIMIT)


@pytest.mark.parametrize("evil", ["../evil.txt", "anna/../../evil.txt", "/tmp/evil.txt", "C:\\evil.txt"])
def test_a_zip_entry_that_leaves_the_pack_is_refused_and_nothing_written(tmp_path, evil):
    data = zip_of({"anna/character.yaml": b"name: anna\n", evil: b"evil"})
    with pytest.raises(ValueError, match="outside the pack"):
        import_pack_zip(data, tmp_path / "characters", LIMIT)
    assert not (tmp_path / "characters").exists()
    assert not (tmp_path / "evil.txt").exists()


def test_a_zip_without_a_pack_or_not_a_zip_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no character.yaml"):
        import_pack_zip(zip_of({"notes.txt": b"hello"}), tmp_path, LIMIT)
    with pytest.raises(ValueError, match="not a zip file"):
        import_pack_zip(b"hello", tmp_path, LIMIT)


def test_a_zip_holding_an_invalid_pack_is_not_imported(tmp_path):
    with pytest.raises(CharacterPackError, match="teacher"):
        import_pack_zip(zip_of({"anna/character.yaml": b"name: anna\n"}), tmp_path / "characters", LIMIT)
    assert not [p for p in (tmp_path / "characters").iterdir() if not p.name.startswith(".")]
