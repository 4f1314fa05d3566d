"""The run time holds a student's skin to the person's own: a picture that greys or lightens a face's skin gets
it back, all but a small tolerance, and nothing but the skin moves."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from celflow.core.character import SkinTone
from celflow.core.line_art import LineArt
from celflow.generators.skin_tone import cheek_colour
from celflow.realtime.line_art import LineArtist
from celflow.realtime.own_skin import TOLERANCE, excess, keep_own_skin, skin_target

OWN_SKIN = LineArt(
    ink=(40, 25, 25), line_weight=1.6, line_darkness=0.9, draw_eyes=False, min_face_px=0, warp_at_run_time=True,
    skin=SkinTone(),
)


def greyed(rgb: np.ndarray) -> np.ndarray:
    """What a student fine-tuned on a black-and-white character did to unseen faces: their skin grey."""
    return cv2.cvtColor(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)


def cheeks(rgb: np.ndarray, face) -> np.ndarray:
    return np.array(cheek_colour(rgb, face.points).lab)


def test_a_shift_takes_the_skin_back_to_the_tolerance_and_no_further():
    target = np.array([60.0, 15.0, 20.0], np.float32)
    assert not excess(target + (0.5, -0.5, 1.0), target).any()  # within the tolerance: left as painted
    painted = np.array([70.0, 2.0, 3.0], np.float32)
    distance = np.linalg.norm(target - (painted + excess(painted, target)))
    assert distance == pytest.approx(TOLERANCE, abs=1e-3)


def test_a_face_painted_a_little_lighter_gets_its_own_lightness_back(portrait, face):
    """A student fine-tuned on a few people drew faces it never saw 3 L* lighter: near L* 50 that is several
    degrees of ITA, the first step of whitewashing, and within a looser tolerance it was left as painted."""
    lab = cv2.cvtColor(portrait.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    lab[..., 0] = np.minimum(lab[..., 0] + 3.0, 100.0)
    lighter = np.clip(np.round(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * 255), 0, 255).astype(np.uint8)
    target = skin_target(cheeks(portrait, face).astype(np.float32), SkinTone())
    held = keep_own_skin(lighter, portrait, [face], SkinTone())
    assert np.linalg.norm(cheeks(lighter, face) - target) > 2.5
    assert np.linalg.norm(cheeks(held, face) - target) < 2.0


def test_a_student_that_keeps_the_skin_is_drawn_as_it_painted(portrait, face):
    assert np.array_equal(keep_own_skin(portrait, portrait, [face], SkinTone()), portrait)


def test_greyed_skin_is_painted_back_in_the_person_s_own_colour_and_nothing_else_moves(portrait, face):
    canvas = greyed(portrait)
    held = keep_own_skin(canvas, portrait, [face], SkinTone())

    target = skin_target(cheeks(portrait, face).astype(np.float32), SkinTone())
    assert np.linalg.norm(cheeks(canvas, face) - target) > 15  # the grey face is far off the person's skin
    assert np.linalg.norm(cheeks(held, face) - target) < 6  # and comes back to within about the tolerance
    lab = cv2.cvtColor(portrait.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    uncoloured = np.hypot(lab[..., 1], lab[..., 2]) < 5  # the white shirt, the grey of the backdrop
    uncoloured = cv2.erode(uncoloured.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)  # a soft edge
    assert uncoloured.sum() > 1000
    moved = np.abs(held[uncoloured].astype(int) - canvas[uncoloured])
    assert moved.max() <= 3 and moved.mean() < 0.1  # against the skin's shift of 15 and more
    far = np.ones(portrait.shape[:2], bool)
    x0, y0 = face.points.min(0) - 2 * face.width
    x1, y1 = face.points.max(0) + 3 * face.width
    far[max(int(y0), 0) : int(y1), max(int(x0), 0) : int(x1)] = False
    assert np.array_equal(held[far], canvas[far])  # nothing away from the face


@pytest.mark.parametrize("skin", [SkinTone(), None])
def test_the_run_time_holds_the_skin_only_for_a_student_whose_teacher_painted_it(portrait, skin):
    """Through the line artist: a student record carrying its teacher's skin gets the face's colour back; one
    written without it (records before the field) keeps the picture as the network painted it."""
    art = LineArtist({"them": OWN_SKIN.model_copy(update={"skin": skin})}, video=False)
    try:
        faces = art.faces(portrait)
        drawn = art(portrait, greyed(portrait), lambda face: "them", outline=None, where=None, faces=faces)
    finally:
        art.close()
    (face,) = faces
    chroma = np.hypot(*cheeks(drawn, face)[1:])
    own = np.hypot(*cheeks(portrait, face)[1:])
    if skin is None:
        assert chroma < 3
    else:
        assert chroma > own - 6


def test_only_what_was_stylized_moves(portrait, face):
    """In person-only and per-person modes part of the frame stays the photo: the skin there is the person's."""
    stylized = np.zeros(portrait.shape[:2], bool)
    stylized[: int(face.points[:, 1].mean())] = True  # the upper half of the face and what is above it
    canvas = greyed(portrait)
    held = keep_own_skin(canvas, portrait, [face], SkinTone(), within=[stylized])

    assert np.array_equal(held[~stylized], canvas[~stylized])
    assert np.abs(held[stylized].astype(int) - canvas[stylized]).max() > 10
