import numpy as np
import pytest

from celflow.generators.face_identity import SAME_PERSON, FaceIdentity


@pytest.fixture(scope="module")
def identity():
    return FaceIdentity()


def test_the_same_photo_is_the_same_person(identity, obama):
    assert identity.distances(obama, obama.copy()) == [0.0]


def test_two_different_people_are_not(identity, obama, hopper):
    [box] = identity.frontal_faces(obama)
    [other] = identity.frontal_faces(hopper)
    distance = float(np.linalg.norm(identity.embedding(obama, box) - identity.embedding(hopper, other)))
    assert distance > SAME_PERSON


def test_a_blurred_copy_still_is_and_a_blank_one_is_not(identity, hopper):
    import cv2

    [distance] = identity.distances(hopper, cv2.GaussianBlur(hopper, (0, 0), 1.0))
    [blank] = identity.distances(hopper, np.full_like(hopper, 128))
    assert distance < SAME_PERSON < blank
