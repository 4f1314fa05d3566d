import numpy as np
import pytest
from skimage.color import rgb2lab

from celflow.core.character import FaceGeometry
from celflow.generators.face_mesh import FaceMeshDetector
from celflow.generators.face_warp import warp_face_to_character
from celflow.generators.look import face_skins
from celflow.generators.skin_tone import SkinColour, cheek_colour, cheek_mask

SKIN_RGB = (205, 150, 120)
BACKDROP_RGB = (225, 230, 240)


@pytest.fixture(scope="module")
def astronaut_face(astronaut):
    detector = FaceMeshDetector(max_faces=1)
    yield detector(astronaut)[0]
    detector.close()


def _past_the_edge(face, shape):
    """A photo whose backdrop reaches in over most of the face mesh's cheeks (from one side, as past a turned
    face's edge, where the mesh goes on drawing the far cheek), and its person mask (uint8, 255 = person)."""
    xs = np.nonzero(cheek_mask(shape, face.points))[1]
    edge = int(np.percentile(xs, 30))  # 70 % of the cheeks' pixels lie beyond the person's edge
    photo = np.empty((*shape, 3), np.uint8)
    photo[:, :edge], photo[:, edge:] = SKIN_RGB, BACKDROP_RGB
    mask = np.zeros(shape, np.uint8)
    mask[:, :edge] = 255
    return photo, mask


def test_cheeks_past_the_persons_edge_are_not_read_as_skin_on_the_photo_nor_the_warped_output(astronaut_face):
    shape = (512, 512)
    photo, mask = _past_the_edge(astronaut_face, shape)
    skin = SkinColour(lab=tuple(float(v) for v in rgb2lab(np.array([[SKIN_RGB]], np.uint8))[0, 0]))
    assert abs(cheek_colour(photo, astronaut_face.points).ita - skin.ita) > 20, "the scene must fool a plain reading"
    geometry = FaceGeometry(face_width=0.9, jaw_narrowing=0.2, eye_scale=1.2)
    output = warp_face_to_character(photo, [astronaut_face], geometry, max_shift=np.inf)
    [(_, before, after)] = face_skins(photo, output, [astronaut_face], mask, geometry)
    assert abs(before.ita - skin.ita) < 1.0
    assert abs(after.ita - skin.ita) < 1.0


def test_without_a_person_edge_across_the_cheeks_the_reading_is_the_plain_one(astronaut_face, astronaut):
    mask = np.full(astronaut.shape[:2], 255, np.uint8)
    [(_, before, after)] = face_skins(astronaut, astronaut, [astronaut_face], mask, FaceGeometry())
    plain = cheek_colour(astronaut, astronaut_face.points)
    assert before.lab == pytest.approx(plain.lab, abs=0.5)
    assert after.lab == pytest.approx(plain.lab, abs=0.5)
