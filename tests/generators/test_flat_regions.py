import numpy as np

from celflow.core.character import load_character
from celflow.generators.cel_shading import cel_shade
from celflow.generators.flat_regions import fill_from_nearest, small_islands


def test_small_islands_are_the_regions_under_the_area():
    tones = np.zeros((40, 40), np.int32)
    tones[5:8, 5:8] = 1  # 9 px
    tones[20:35, 20:35] = 2  # 225 px
    islands = small_islands(tones, min_area=50)
    assert islands[5:8, 5:8].all()
    assert islands.sum() == 9


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
