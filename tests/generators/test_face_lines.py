"""The face's line art: the jaw is drawn only where it is the face's outline; a small face gets finer lines."""

import numpy as np

from celflow.generators.face_lines import FULL_WEIGHT_FACE, JAW, draw_face_lines, visible_jaw
from celflow.generators.face_mesh import CHIN, Face

INK = np.array([40, 30, 30], np.float32)


def turned(face: Face) -> Face:
    """The face as a head turned to one side projects it: the far half of the jaw lies inside the face, the
    far cheek's points moved towards the nose by a sixth of the face's width."""
    points = face.points.copy()
    far = list(JAW[: JAW.index(CHIN) - 2])
    points[far, 0] -= np.sign(points[far, 0] - points[1, 0]) * face.width / 6
    return Face(points=points)


def test_a_frontal_face_keeps_its_whole_jaw(hopper_face):
    assert np.array_equal(visible_jaw(hopper_face), hopper_face.points[list(JAW)])


def test_the_far_jaw_of_a_turned_head_is_not_drawn_across_the_face(hopper, hopper_face):
    face = turned(hopper_face)
    jaw = visible_jaw(face)
    assert 3 <= len(jaw) < len(JAW) and any(np.array_equal(p, face.points[CHIN]) for p in jaw)

    drawn = draw_face_lines(np.full_like(hopper, 255), [face], INK, line_weight=3.0, darkness=1.0)
    far = face.points[list(JAW[: JAW.index(CHIN) - 2])]
    x, y = np.round(far).astype(int).T
    assert (drawn[y, x] == 255).all()  # no ink where the hidden jaw would have run


def shrunk(face: Face, share: float) -> Face:
    """The same face `share` as wide, as a face further from the camera in the same photo."""
    return Face(points=face.points * share)


def ink_per_face_width(image: np.ndarray, face: Face) -> float:
    drawn = draw_face_lines(np.full_like(image, 255), [face], INK, line_weight=3.0, darkness=1.0)
    return float((255 - drawn.astype(np.float32)).mean(-1).sum() / 255 / face.width)


def test_a_small_face_in_a_photo_is_drawn_with_finer_lines(hopper, hopper_face):
    """Strokes as wide as a portrait's on a face a third as wide read as a beard and a mask: a face narrower than
    a quarter of the photo gets thinner lines (half the weight at most), so its ink per unit of face width falls."""
    portrait = ink_per_face_width(hopper, hopper_face)
    distant = ink_per_face_width(hopper, shrunk(hopper_face, 1 / 3))
    assert hopper_face.width >= FULL_WEIGHT_FACE * max(hopper.shape[:2])  # the portrait is drawn at full weight
    assert distant < 0.8 * portrait  # the same weight gives the same ink per unit of face width
