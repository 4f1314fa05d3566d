"""Full-frame, per-person and person-only stylization, seen in the colours each character paints."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from celflow.export.open_stylizer import open_stylizer
from celflow.generators.crop_fade import edge_fade
from celflow.realtime.compose import paste_soft, stylize_crop
from celflow.realtime.modes import FrameRenderer
from celflow.realtime.records import Track
from celflow.realtime.scenes import real_background, render, scene_people
from celflow.student.metrics import ssim

from .conftest import redness


@pytest.fixture(scope="module")
def stylizers(characters):
    return {name: open_stylizer(path, threads=1, spin=False, with_alpha=True) for name, path in characters.items()}


@pytest.fixture(scope="module")
def person_mask():
    from celflow.generators.person_mask import PersonSegmenter

    return PersonSegmenter()


@pytest.fixture(scope="module")
def two_people(crossing):
    """The first frame of the crossing scene, person 0 wearing red and person 1 blue."""
    shot = crossing[0]
    return shot.rgb, (Track(0, shot.faces[0], "red"), Track(1, shot.faces[1], "blue"))


@pytest.fixture(scope="module")
def overlapping(face_detector):
    """Two real people whose person crops overlap: the second stands close enough that her crop covers the
    first one's face; person 1 wears red, person 2 blue."""
    shot = render(real_background(640, 480), scene_people(face_detector, 2), [(200, 150), (290, 150)])
    return shot.rgb, (Track(1, shot.faces[0], "red"), Track(2, shot.faces[1], "blue"))


def face_of(rgb: np.ndarray, track: Track) -> np.ndarray:
    x0, y0, x1, y1 = (round(v) for v in track.box)
    return rgb[y0:y1, x0:x1]


def test_full_frame_paints_everything_in_the_first_character(stylizers, two_people):
    photo, tracks = two_people
    out = FrameRenderer("full-frame", stylizers)(photo, tracks)

    assert out.shape == photo.shape and out.dtype == np.uint8
    assert redness(out) > redness(photo) + 100
    assert all(redness(face_of(out, track)) > 100 for track in tracks)


def test_per_person_gives_each_person_their_character(stylizers, person_mask, two_people):
    photo, (red_person, blue_person) = two_people
    out = FrameRenderer("per-person", stylizers, person_mask)(photo, (red_person, blue_person))

    assert redness(out[:40]) > 100  # the sky behind them: the first character's background
    assert redness(face_of(out, red_person)) > 100
    assert redness(face_of(out, blue_person)) < -100


def test_person_only_keeps_the_real_background(stylizers, person_mask, two_people):
    photo, (red_person, blue_person) = two_people
    out = FrameRenderer("person-only", stylizers, person_mask)(photo, (red_person, blue_person))

    assert np.array_equal(out[:40], photo[:40])
    assert np.array_equal(out[:, 250:390], photo[:, 250:390])  # between the two people
    assert redness(face_of(out, red_person)) > redness(face_of(photo, red_person)) + 100
    assert redness(face_of(out, blue_person)) < redness(face_of(photo, blue_person)) - 100


@pytest.mark.parametrize("mode", ["per-person", "person-only"])
def test_where_crops_overlap_each_person_keeps_their_own_character(stylizers, person_mask, overlapping, mode):
    photo, (red_person, blue_person) = overlapping
    out = FrameRenderer(mode, stylizers, person_mask)(photo, (red_person, blue_person))

    assert redness(face_of(out, red_person)) > redness(face_of(photo, red_person)) + 100
    assert redness(face_of(out, blue_person)) < redness(face_of(photo, blue_person)) - 100


def test_nobody_in_the_frame_leaves_person_only_untouched(stylizers, person_mask, two_people):
    photo, _ = two_people

    assert np.array_equal(FrameRenderer("person-only", stylizers, person_mask)(photo, ()), photo)


def test_unknown_mode_is_refused(stylizers):
    with pytest.raises(ValueError, match="--mode cartoon: expected one of full-frame, per-person, person-only"):
        FrameRenderer("cartoon", stylizers)


def test_large_crops_are_stylized_small_and_returned_at_their_size(stylizers, two_people):
    photo, _ = two_people
    sizes = []

    def remember(rgb):
        sizes.append(rgb.shape)
        return stylizers["red"](rgb)

    patch = stylize_crop(remember, photo, (0, 0, 400, 300), max_side=200)

    assert patch.shape == (300, 400, 3)
    assert sizes == [(150, 200, 3)]


def test_whole_frames_are_painted_at_most_the_paint_side_and_returned_at_their_size(stylizers, two_people):
    photo, tracks = two_people  # 640×480
    sizes = []

    def remember(rgb):
        sizes.append(rgb.shape)
        return stylizers["red"](rgb)

    out = FrameRenderer("full-frame", {"red": remember}, paint_side=320)(photo, tracks)

    assert out.shape == photo.shape
    assert sizes == [(240, 320, 3)]
    assert redness(out) > redness(photo) + 100


def test_a_painting_made_small_comes_back_with_the_photos_edges(hopper):
    """A student that paints the photo as it is, at half size: scaled back along the photo's own edges it is the
    photo again, nearer than a plain resize that smears every edge over two pixels."""
    photo = np.ascontiguousarray(hopper[:480, :480])
    out = stylize_crop(lambda rgb: rgb, photo, (0, 0, 480, 480), max_side=240, along_edges=True)
    smeared = cv2.resize(cv2.resize(photo, (240, 240), interpolation=cv2.INTER_AREA), (480, 480))

    assert out.shape == photo.shape
    assert ssim(out, photo) > ssim(smeared, photo) + 0.03


def test_paste_soft_blends_by_alpha_and_fades_only_inside_the_frame():
    canvas = np.zeros((10, 10, 3), np.uint8)
    patch = np.full((4, 4, 3), 200, np.uint8)
    alpha = np.full((4, 4), 0.5, np.float32)

    out = paste_soft(canvas, patch, alpha, (2, 2, 6, 6))

    assert (out[2:6, 2:6] == 100).all() and out.sum() == 100 * 16 * 3
    fade = edge_fade(4, 4, (0, 2, 4, 6), (10, 10), ramp=2)
    assert fade[:, 0].tolist() == [0.5, 1.0, 1.0, 0.5]  # left side lies on the frame border: no fade
    assert fade[0].tolist() == [0.5, 0.5, 0.5, 0.25]  # top row, and its right end inside the frame
