import numpy as np
import pytest
from skimage.color import deltaE_cie76, rgb2lab

from celflow.character import SkinTone
from celflow.generators.face_mesh import CHIN, LEFT_EYE, LIPS_OUTER, RIGHT_EYE, FaceMeshDetector
from celflow.generators.palette import hex_to_rgb
from celflow.generators.person_mask import PersonSegmenter
from celflow.generators.skin import SKIN_SAMPLES, face_regions, map_skin_tone, skin_mask

TONE = SkinTone(tone="#f1c6a7", shading_kept=0.8, tint_kept=0.3)
EXPOSURES = {
    "as shot": lambda rgb: rgb,
    "darkened": lambda rgb: (rgb * 0.5).astype(np.uint8),
    "brightened": lambda rgb: np.clip(rgb * 1.4 + 20, 0, 255).astype(np.uint8),
    "warm cast": lambda rgb: np.clip(rgb * [1.15, 1.0, 0.8], 0, 255).astype(np.uint8),
    "cool cast": lambda rgb: np.clip(rgb * [0.8, 1.0, 1.2], 0, 255).astype(np.uint8),
}


@pytest.fixture(scope="module")
def find_skin():
    detect, segment = FaceMeshDetector(), PersonSegmenter()

    def find(rgb):
        faces = detect(rgb)
        return faces, skin_mask(rgb, faces, segment(rgb))

    yield find
    detect.close()
    segment.close()


@pytest.mark.parametrize("photo", ["hopper", "astronaut"])
def test_skin_mask_covers_cheeks_and_forehead_but_not_eyes_or_lips(find_skin, photo, request):
    rgb = request.getfixturevalue(photo)
    faces, skin = find_skin(rgb)
    is_skin = skin > 0.5
    regions = lambda *r: face_regions(rgb.shape[:2], faces, r)  # noqa: E731
    assert is_skin[regions(*SKIN_SAMPLES)].mean() >= 0.90
    assert (~is_skin[regions(RIGHT_EYE, LEFT_EYE)]).mean() >= 0.95
    assert (~is_skin[regions(LIPS_OUTER)]).mean() >= 0.95


def test_skin_mask_reaches_the_neck_but_not_the_clothes_or_background(find_skin, hopper):
    faces, skin = find_skin(hopper)
    x, y = np.round(faces[0].points[CHIN]).astype(int)
    assert (skin[y + 15 : y + 35, x - 10 : x + 10] > 0.5).mean() > 0.5  # the neck below the chin
    assert (skin[440:, :] > 0.5).mean() < 0.02  # the dark uniform
    assert (skin[:, :100] > 0.5).mean() < 0.01  # the flag


@pytest.mark.parametrize("exposure", EXPOSURES)
@pytest.mark.parametrize("photo", ["hopper", "astronaut"])
def test_skin_lands_on_the_character_tone_and_keeps_its_shading(find_skin, photo, exposure, request):
    rgb = EXPOSURES[exposure](request.getfixturevalue(photo))
    _, skin = find_skin(rgb)
    toned = map_skin_tone(rgb, skin, TONE)
    region = skin > 0.5
    lab_out, lab_in = rgb2lab(toned)[region], rgb2lab(rgb)[region]
    tone_lab = rgb2lab(hex_to_rgb([TONE.tone]).reshape(1, 1, 3)).reshape(3)
    assert deltaE_cie76(lab_out.mean(0), tone_lab) <= 6.0
    assert np.corrcoef(lab_out[:, 0], lab_in[:, 0])[0, 1] >= 0.8
    assert np.array_equal(toned[skin == 0], rgb[skin == 0])  # nothing but skin changes


def test_no_skin_no_change(astronaut):
    assert np.array_equal(map_skin_tone(astronaut, np.zeros(astronaut.shape[:2], np.float32), TONE), astronaut)
