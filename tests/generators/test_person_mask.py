"""Person masks: a face is always part of its person's mask."""

import numpy as np
import pytest

from celflow.generators.face_mesh import FACE_OVAL
from celflow.generators.person_mask import with_faces


def test_a_face_the_segmenter_missed_joins_the_mask(hopper, hopper_face):
    missed = np.zeros(hopper.shape[:2], np.float32)  # as selfie segmentation left a tight close-up of a face
    mask = with_faces(missed, [hopper_face])
    x, y = np.round(hopper_face.points.mean(0)).astype(int)
    assert mask[y, x] == pytest.approx(1.0)
    oval = hopper_face.points[list(FACE_OVAL)]
    x0, y0 = np.floor(oval.min(0)).astype(int)
    x1, y1 = np.ceil(oval.max(0)).astype(int)
    assert (mask[y0:y1, x0:x1] >= 0.5).mean() > 0.6  # the oval fills most of its box
    assert mask[:, : max(0, x0 - 5)].max() == 0 and mask[: max(0, y0 - 5)].max() == 0  # nothing beyond it


def test_a_mask_that_holds_the_face_already_is_unchanged(hopper, hopper_face):
    whole = np.ones(hopper.shape[:2], np.float32)
    assert np.array_equal(with_faces(whole, [hopper_face]), whole)
    assert with_faces(whole, []) is whole
