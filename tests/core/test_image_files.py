"""A photo folder: every photo a user's camera or phone saves is found, HEIC included."""

from __future__ import annotations

import pytest

from celflow.core.image_files import PhotoFolderError, list_photos


def test_a_folder_of_phone_photos_lists_its_heic_ones(tmp_path):
    for name in ("IMG_0001.HEIC", "IMG_0002.heif", "beach.jpg", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert [path.name for path in list_photos(tmp_path)] == ["IMG_0001.HEIC", "IMG_0002.heif", "beach.jpg"]


def test_a_folder_without_photos_names_what_it_looked_for(tmp_path):
    (tmp_path / "notes.txt").write_text("not a photo")
    with pytest.raises(PhotoFolderError, match=r"no photos \(.*\.heic.*\.jpg"):
        list_photos(tmp_path)
