"""The gallery is the folder's listing: results newest first, kept across restarts."""

from __future__ import annotations

import os

import numpy as np

from celflow.studio.gallery import keep_image, list_gallery, plain_stem, result_name
from celflow.studio.root import check_name


def test_results_are_listed_newest_first_and_other_files_left_out(tmp_path):
    for age, name in enumerate(["new.png", "middle.mp4", "old.png"]):
        path = tmp_path / name
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 - age * 100, 1_000_000 - age * 100))
    (tmp_path / "notes.txt").write_text("not a result")
    (tmp_path / ".half-written.png").write_bytes(b"x")
    (tmp_path / ".segments-of-a-video").mkdir()

    items = list_gallery(tmp_path)

    assert [item.name for item in items] == ["new.png", "middle.mp4", "old.png"]
    assert [item.kind for item in items] == ["image", "video", "image"]


def test_a_kept_image_is_listed_after_a_restart(tmp_path):
    picture = np.full((8, 8, 3), 200, np.uint8)
    first = keep_image(tmp_path, picture, "My photo (1).JPG", "anna", 0.6)
    second = keep_image(tmp_path, picture, "My photo (1).JPG", "anna", 0.6)

    assert first != second  # the same photo kept twice is two results
    assert {item.name for item in list_gallery(tmp_path)} == {first.name, second.name}
    assert first.name.endswith("-My-photo-1-anna-s60.png")


def test_a_missing_gallery_is_empty(tmp_path):
    assert list_gallery(tmp_path / "nothing") == []


def test_result_names_are_safe_whatever_the_upload_was_called():
    for upload in ["../../etc/passwd", "..", "a/b\\c.png", "∂ photo.png", ".bashrc"]:
        check_name(result_name(upload, "anna", 1.0, ".png"))
    assert plain_stem("../../etc/passwd") == "passwd"
    assert plain_stem("∂∂.png") == "upload"
