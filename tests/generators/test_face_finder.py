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
