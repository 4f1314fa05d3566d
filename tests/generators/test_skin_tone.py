import cv2
import numpy as np
import pytest

from celflow.generators.face_mesh import LEFT_CHEEK, RIGHT_CHEEK, FaceMeshDetector
from celflow.generators.skin_tone import SkinColour, cheek_areas, cheek_colour, skin_difference


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


def _two_lights(astronaut_points, shape):
    """A grey image whose left cheek is lit warm and right cheek blue, as by a lamp and a screen."""
    image = np.full((*shape, 3), 128, np.uint8)
    for region, colour in ((LEFT_CHEEK, (196, 140, 100)), (RIGHT_CHEEK, (170, 175, 205))):
        hull = cv2.convexHull(np.round(astronaut_points[list(region)]).astype(np.int32))
        cv2.fillConvexPoly(image, hull, colour)
    return image


def _area(points, region):
    return cv2.contourArea(cv2.convexHull(points[list(region)]))


def test_a_face_lit_by_two_lights_reads_the_same_when_a_warp_narrows_one_cheek(mesh, astronaut):
    """One median over both cheeks follows their areas: narrowing the warm cheek (as a character's face warp does
    to a turned face's far cheek) flipped it to the blue one's colour. Read with the photo's cheek areas, the
    output of such a warp reads as the photo does."""
    points = mesh(astronaut)[0].points
    photo = _two_lights(points, astronaut.shape[:2])
    warped_points = points.copy()
    warm = list(LEFT_CHEEK)
    centre = points[warm].mean(0)
    warped_points[warm] = centre + (points[warm] - centre) * 0.6  # the warm cheek drawn narrower
    output = _two_lights(warped_points, astronaut.shape[:2])
    before = cheek_colour(photo, points)
    areas = cheek_areas(photo.shape[:2], points)
    assert cheek_colour(photo, points, areas=areas).lab == pytest.approx(before.lab, abs=0.5)
    assert _area(points, LEFT_CHEEK) > _area(points, RIGHT_CHEEK) > _area(warped_points, LEFT_CHEEK)
    after = cheek_colour(output, warped_points, areas=areas)
    assert abs(after.ita - before.ita) < 1.0
    own_areas = cheek_colour(output, warped_points)
    assert own_areas.ita > before.ita + 5, "read on its own areas, the narrowed warm cheek counts for less"
