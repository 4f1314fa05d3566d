import pytest

from celflow.generators.face_mesh import FaceMeshDetector
from celflow.generators.skin_tone import SkinColour, cheek_colour, skin_difference


def test_ita_follows_the_dermatological_scale():
    assert SkinColour(lab=(70.0, 10.0, 12.0)).ita > 55  # very light
    assert SkinColour(lab=(35.0, 12.0, 18.0)).ita < -30  # dark
    delta_ita, delta_e = skin_difference(SkinColour((60.0, 10.0, 15.0)), SkinColour((60.0, 10.0, 15.0)))
    assert delta_ita == 0 and delta_e == 0


@pytest.fixture(scope="module")
def mesh():
    detector = FaceMeshDetector(max_faces=1)
    yield detector
    detector.close()


def test_a_dark_skinned_face_measures_darker_than_a_light_skinned_one(mesh, obama, astronaut):
    dark = cheek_colour(obama, mesh(obama)[0].points)
    light = cheek_colour(astronaut, mesh(astronaut)[0].points)
    assert dark.ita < 35 < 50 < light.ita
