"""Stills on disk: which photos the inputs name, where each result goes, and odd photos read as they look."""

from __future__ import annotations

import logging

import cv2
import numpy as np
import pytest
from PIL import Image

from celflow.pipelines.stills import plan_stills, stylize_stills
from tests.conftest import save_rgb


def invert(rgb: np.ndarray) -> np.ndarray:
    """A stand-in for the student that shows, in every output pixel, exactly which photo pixel it read."""
    return 255 - rgb


def read_rgb(path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


def test_folders_keep_their_sub_folders_and_files_go_to_the_top(hopper, tmp_path):
    photos = tmp_path / "holiday"
    save_rgb(photos / "beach" / "a.jpg", hopper)
    save_rgb(photos / "b.png", hopper)
    (photos / "notes.txt").write_text("not a photo")
    single = save_rgb(tmp_path / "c.webp", hopper)
    out = tmp_path / "out"

    plan = plan_stills([str(photos), str(single)], out)

    assert plan.photos == [
        (photos / "b.png", out / "b.png"),
        (photos / "beach" / "a.jpg", out / "beach" / "a.png"),
        (single, out / "c.png"),
    ]


def test_patterns_are_expanded_and_names_that_would_collide_are_numbered(hopper, tmp_path):
    for name in ("one/x.jpg", "two/x.jpg", "two/x.png"):
        save_rgb(tmp_path / name, hopper)
    out = tmp_path / "out"

    plan = plan_stills([str(tmp_path / "*" / "x.*")], out)

    assert [result.name for _, result in plan.photos] == ["x.png", "x-2.png", "x-3.png"]


def test_results_already_in_out_and_photos_named_twice_are_taken_once(hopper, tmp_path):
    photo = save_rgb(tmp_path / "photos" / "a.jpg", hopper)
    save_rgb(tmp_path / "photos" / "webtoon" / "a.png", hopper)  # a result of an earlier run

    plan = plan_stills([str(tmp_path / "photos"), str(photo)], tmp_path / "photos" / "webtoon")

    assert plan.photos == [(photo, tmp_path / "photos" / "webtoon" / "a.png")]


def test_inputs_that_name_nothing_are_listed(tmp_path):
    plan = plan_stills([str(tmp_path / "gone.jpg"), str(tmp_path / "*.png")], tmp_path / "out")

    assert plan.photos == [] and plan.missing == [str(tmp_path / "gone.jpg"), str(tmp_path / "*.png")]


def test_exif_orientation_16_bit_grey_transparent_and_cmyk_photos_read_as_they_look(astronaut, tmp_path):
    photo = np.ascontiguousarray(astronaut[:, :320])  # taller than wide: a turned photo shows it
    folder = tmp_path / "odd"
    folder.mkdir()
    turned = Image.fromarray(np.ascontiguousarray(np.rot90(photo, -1)))  # stored sideways, as a phone does
    exif = turned.getexif()
    exif[0x0112] = 8  # EXIF orientation: turn 90° anticlockwise to view
    turned.save(folder / "phone.jpg", quality=95, exif=exif.tobytes())
    cv2.imwrite(str(folder / "deep.png"), cv2.cvtColor(photo, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257)
    Image.fromarray(photo).convert("L").save(folder / "grey.png")
    Image.fromarray(np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)])).save(folder / "alpha.png")
    Image.fromarray(photo).convert("CMYK").save(folder / "print.jpg", quality=95)
    out = tmp_path / "out"

    report = stylize_stills(plan_stills([str(folder)], out), invert, progress=False)

    assert report.skipped == [] and len(report.converted) == 5
    grey = np.asarray(Image.fromarray(photo).convert("L"))
    expected = {"phone": photo, "deep": photo, "alpha": photo, "print": photo, "grey": np.dstack([grey] * 3)}
    for name, look in expected.items():
        result = read_rgb(out / f"{name}.png")
        assert result.shape == look.shape, name
        assert np.abs((255 - result).astype(np.int16) - look).mean() < 4, name


def test_unreadable_photos_are_skipped_with_a_line_naming_each(hopper, tmp_path, caplog):
    folder = tmp_path / "photos"
    save_rgb(folder / "good.jpg", hopper)
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "text.png").write_text("this is not a picture")
    out = tmp_path / "out"

    with caplog.at_level(logging.WARNING, logger="celflow"):
        report = stylize_stills(plan_stills([str(folder), str(tmp_path / "gone.jpg")], out), invert, progress=False)

    assert report.converted == [out / "good.png"]
    assert sorted((path.name, reason) for path, reason in report.skipped) == [
        ("empty.jpg", "empty file"),
        ("gone.jpg", "no such file, folder or matching photo"),
        ("text.png", "not an image file"),
    ]
    assert f"skipped {folder / 'text.png'}: not an image file" in caplog.messages
    assert sorted(path.name for path in out.iterdir()) == ["good.png"]


def test_max_side_shrinks_the_photo_before_the_student_sees_it(hopper, tmp_path):
    photo = save_rgb(tmp_path / "a.jpg", hopper)
    out = tmp_path / "out"

    stylize_stills(plan_stills([str(photo)], out), invert, max_side=128, progress=False)

    assert read_rgb(out / "a.png").shape == (128, 128, 3)


def test_nothing_is_written_outside_out_even_through_a_linked_sub_folder(hopper, tmp_path):
    save_rgb(tmp_path / "photos" / "trip" / "a.jpg", hopper)
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "trip").symlink_to(tmp_path / "elsewhere")  # a sub-folder of OUT that leads outside it

    with pytest.raises(ValueError, match="outside the output folder"):
        stylize_stills(plan_stills([str(tmp_path / "photos")], out), invert, progress=False)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_an_out_named_like_an_image_is_the_one_result_file(hopper, tmp_path):
    photo = save_rgb(tmp_path / "photos" / "a.jpg", hopper)

    plan = plan_stills([str(photo)], tmp_path / "webtoon.png")

    assert plan.photos == [(photo, tmp_path / "webtoon.png")]
    assert plan.folder == tmp_path


def test_an_out_named_like_an_image_takes_one_photo_only(hopper, tmp_path):
    save_rgb(tmp_path / "photos" / "a.jpg", hopper)
    save_rgb(tmp_path / "photos" / "b.jpg", hopper)

    with pytest.raises(ValueError, match=r"webtoon\.png: names one image file, but the inputs name 2 photos"):
        plan_stills([str(tmp_path / "photos")], tmp_path / "webtoon.png")


def test_an_out_file_that_is_the_photo_itself_is_refused(hopper, tmp_path):
    photo = save_rgb(tmp_path / "a.png", hopper)

    with pytest.raises(ValueError, match="is the photo itself"):
        plan_stills([str(photo)], photo)


def test_a_phones_heic_photo_is_drawn_like_any_other(hopper, tmp_path):
    """iPhones save HEIC by default: such a photo is found in a folder, read as it looks, and drawn."""
    photos = tmp_path / "phone"
    photos.mkdir()
    Image.fromarray(hopper).save(photos / "IMG_0001.HEIC", format="HEIF", quality=95)
    out = tmp_path / "out"

    plan = plan_stills([str(photos)], out)
    assert plan.photos == [(photos / "IMG_0001.HEIC", out / "IMG_0001.png")]
    report = stylize_stills(plan, invert, progress=False)

    assert not report.skipped
    assert np.abs(read_rgb(out / "IMG_0001.png").astype(int) - (255 - hopper.astype(int))).mean() < 4
