import numpy as np

from celflow.core.character import load_character
from celflow.generators.cel_shading import cel_shade
from celflow.generators.flat_regions import fill_from_nearest, tone_regions


def test_tone_regions_are_the_connected_areas_of_one_tone():
    tones = np.zeros((40, 40), np.int32)
    tones[5:8, 5:8] = 1  # 9 px
    tones[20:35, 20:35] = 2  # 225 px
    tones[0, 30:] = 1  # 10 px, the same tone as the first square but apart from it
    regions, areas = tone_regions(tones)
    assert areas[regions[6, 6]] == 9
    assert areas[regions[25, 25]] == 225
    assert areas[regions[0, 35]] == 10
    assert areas[regions[39, 0]] == 1600 - 9 - 225 - 10


def test_holes_take_the_value_of_the_nearest_pixel_outside_them():
    image = np.zeros((10, 20, 3), np.float32)
    image[:, 10:] = (0, 0, 255)
    image[:, :10] = (255, 0, 0)
    holes = np.zeros((10, 20), bool)
    holes[3:7, 7:13] = True
    image[holes] = (0, 255, 0)
    filled = fill_from_nearest(image, holes)
    assert (filled[3:7, 7:10] == (255, 0, 0)).all()
    assert (filled[3:7, 10:13] == (0, 0, 255)).all()
    assert np.array_equal(filled[~holes], image[~holes])


def test_flecks_of_another_tone_are_painted_as_the_region_around_them():
    """A wall or a head of hair with small lighter patches crossing a tone cut comes out one flat tone, not
    blotches; a patch as large as a shape keeps its own tone."""
    photo = np.full((512, 512, 3), 150, np.uint8)  # at 512 px, the size the teacher's sizes are given for
    for y in range(40, 240, 32):
        for x in range(40, 472, 32):
            photo[y : y + 6, x : x + 6] = 190  # 6×6 flecks, lighter by a tone
    photo[320:460, 80:220] = 190  # a 140×140 shape
    drawn = cel_shade(photo, load_character().teacher).astype(int)
    ground = drawn[280, 256]
    assert np.abs(drawn[20:260, 20:492] - ground).max() <= 2
    assert np.abs(drawn[390, 150] - ground).max() > 10


def test_thin_stripes_far_lighter_than_their_cloth_stay_stripes():
    """White stripes on a black dress, broken by folds into short dashes, are each smaller than a shape but far
    more than a tone lighter than the cloth: they are the pattern, not a wander of one tone across a cut, and
    filling them painted the dress plain black."""
    photo = np.full((512, 512, 3), 30, np.uint8)  # a black dress
    for y in range(60, 460, 16):
        for x in range(60, 460, 30):
            photo[y : y + 4, x : x + 20] = 230  # white dashes of 80 px
    drawn = cel_shade(photo, load_character().teacher).astype(int)
    dashes = drawn[61:63, 66:74]
    assert (dashes.mean(axis=-1) > drawn[40, 40].mean() + 60).all()
