"""Dark faces are shown to the student lifted and the lift is taken off its painting: a network that paints a dark
range over as one patch keeps the face's features, the face keeps its own lightness, and nothing else moves."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from celflow.realtime.dark_faces import LIFTED_TO, STRONGEST, dark_faces, face_lightness, gammas, with_gammas
from celflow.realtime.modes import FrameRenderer
from celflow.realtime.records import Track

DARK_GREY = 80  # sRGB grey under which the stand-in student paints everything flat (about L* 34)


def darks_painted_flat(rgb: np.ndarray) -> np.ndarray:
    """A student that paints the dark range over as flat patches, keeping what is lighter: what the small network,
    which learnt to draw hair, dark clothes and shadows flat, does to a dark face."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return np.where(grey[..., None] < DARK_GREY, cv2.blur(rgb, (25, 25)), rgb)


def one_stop_under(rgb: np.ndarray) -> np.ndarray:
    return np.round(((rgb / 255.0) ** 2.2 * 0.5) ** (1 / 2.2) * 255).astype(np.uint8)


@pytest.fixture(scope="module")
def box(face):
    return face.box


def middle(rgb: np.ndarray, box) -> np.ndarray:
    """L* of the face's middle: cheeks, nose and mouth."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    rows = slice(int(y0 + 0.25 * height), int(y1 - 0.2 * height))
    columns = slice(int(x0 + 0.2 * width), int(x1 - 0.2 * width))
    return cv2.cvtColor(rgb[rows, columns], cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32) * 100 / 255


def test_a_mid_toned_face_is_not_lifted_and_a_dark_one_is_within_bounds(portrait, box):
    assert face_lightness(portrait, box) >= LIFTED_TO and dark_faces(portrait, [box]) == ()
    dark = one_stop_under(portrait)
    (lift,) = dark_faces(dark, [box])
    assert STRONGEST <= lift.gamma < 1.0
    assert dark_faces(dark, [(-50.0, -50.0, -10.0, -10.0)]) == ()  # a box off the picture


def test_the_lift_is_taken_off_exactly():
    levels = np.arange(256, dtype=np.uint8).reshape(16, 16, 1).repeat(3, axis=2)
    curve = np.full((16, 16), STRONGEST, np.float32)
    back = with_gammas(with_gammas(levels, curve), 1.0 / curve)
    assert np.abs(back.astype(int) - levels).max() <= 1
    assert np.array_equal(back[:4], levels[:4])  # the dark range, where features are lost, comes back to the level


def test_a_dark_face_keeps_its_features_and_its_own_lightness(portrait, box):
    dark = np.pad(one_stop_under(portrait), ((0, 0), (0, 511), (0, 0)), mode="reflect")  # room beside the face
    renderer = FrameRenderer("full-frame", {"them": darks_painted_flat}, paint_side=1024)  # painted at its size
    tracks = (Track(1, box, "them"),)
    lifted, _ = renderer.paint(dark, tracks, "them")
    renderer.dark_faces_lifted = False
    flat, _ = renderer.paint(dark, tracks, "them")
    photo = middle(dark, box)
    error_lifted = np.abs(middle(lifted, box) - photo).mean()
    error_flat = np.abs(middle(flat, box) - photo).mean()
    assert error_lifted < 0.8 * error_flat
    assert abs(np.median(middle(lifted, box)) - np.median(photo)) <= 2.0
    # beyond the face and neck's reach (and the stand-in's blur) the painting is the student's, untouched
    rows, columns, _ = gammas(dark_faces(dark, [box]), (0, 0, dark.shape[1], dark.shape[0]), dark.shape[:2])
    reached = np.zeros(dark.shape[:2], np.uint8)
    reached[rows, columns] = 1
    outside = cv2.dilate(reached, np.ones((27, 27), np.uint8)) == 0
    assert outside.any() and np.array_equal(lifted[outside], flat[outside])


def test_a_still_is_lifted_from_the_faces_its_line_art_finds(portrait, box):
    """Stills have no tracked people: the faces found for the line art say where the dark faces are."""
    dark = one_stop_under(portrait)
    renderer = FrameRenderer("full-frame", {"them": darks_painted_flat})
    lifted, _ = renderer.paint(dark, (), "them", face_boxes=[box])
    plain, _ = renderer.paint(dark, (), "them")
    assert not np.array_equal(lifted, plain) and np.array_equal(plain, darks_painted_flat(dark))
