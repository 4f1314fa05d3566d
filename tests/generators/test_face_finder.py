import cv2
import numpy as np
import pytest

from celflow.generators.face_finder import FaceFinder, FacesInPhoto
from celflow.generators.face_mesh import FaceMeshDetector
from celflow.generators.pair import check_faces
from celflow.generators.quality import FACE_TOO_SMALL, FACE_WITHOUT_MESH, NO_FACE, TOO_MANY_FACES, PairRejected


@pytest.fixture(scope="module")
def finder():
    face_finder = FaceFinder(max_faces=3)
    yield face_finder
    face_finder.close()


def test_small_faces_the_mesh_alone_misses_are_found_and_fitted(finder, wide_group_photo, astronaut):
    mesh = FaceMeshDetector(max_faces=3)
    assert len(mesh(wide_group_photo)) == 1  # the short-range mesh alone sees only Grace Hopper
    alone = mesh(astronaut)[0].points + np.array([512, 0], np.float32)
    mesh.close()
    found = finder(wide_group_photo)
    assert len(found.faces) == 2 and found.unfitted == []
    fitted = min(found.faces, key=lambda face: np.abs(face.points - alone).mean())
    assert np.median(np.linalg.norm(fitted.points - alone, axis=1)) < 3.0  # the same face, to a few pixels


def test_single_portrait_gives_one_face(finder, hopper):
    found = finder(hopper)
    assert len(found.faces) == 1 and found.unfitted == []


@pytest.mark.parametrize(
    ("found", "reason"),
    [
        (FacesInPhoto(faces=[], unfitted=[]), NO_FACE),
        (FacesInPhoto(faces=[], unfitted=[(10, 10, 110, 110)]), FACE_WITHOUT_MESH),
        (FacesInPhoto(faces=[], unfitted=[(10, 10, 30, 30)]), FACE_TOO_SMALL),
        (FacesInPhoto(faces=[], unfitted=[(0, 0, 100, 100)] * 3), TOO_MANY_FACES),
    ],
    ids=["none", "seen but no mesh", "small", "too many"],
)
def test_a_face_that_cannot_be_warped_rejects_the_photo(found, reason):
    with pytest.raises(PairRejected) as rejected:
        check_faces(found, max_faces=2, min_face_px=48)
    assert rejected.value.reason == reason


def test_a_small_face_the_mesh_finds_is_fitted_where_it_is(finder, hopper):
    """Found on the whole photo, the mesh of a face under a fifth of the photo lands beside it; fitted again on a
    crop, on it (the reference: the same face's mesh on its own portrait, scaled down with it)."""
    mesh = FaceMeshDetector(max_faces=1)
    reference = mesh(hopper)[0]
    mesh.close()
    scale = 180 / hopper.shape[0]
    small = cv2.resize(hopper, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.full((480, 640, 3), (20, 30, 60), np.uint8)
    frame[60 : 60 + small.shape[0], 200 : 200 + small.shape[1]] = small
    truth = reference.points * scale + np.array([200, 60], np.float32)

    (face,) = finder(frame).faces
    assert face.width < 0.2 * 480
    assert np.median(np.linalg.norm(face.points - truth, axis=1)) < 0.02 * reference.width * scale
