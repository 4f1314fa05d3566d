"""A character's palette and skin tone, found by k-means on its reference pictures."""

from __future__ import annotations

import numpy as np
import pytest
from celflow.generators.palette import hex_to_rgb

from celflow.studio.references import reference_colours

SKIN = (224, 172, 140)  # a light skin colour, inside the YCrCb skin range
BLUE = (40, 70, 200)
GREEN = (40, 160, 70)


def flat(colours_and_shares: list[tuple[tuple[int, int, int], float]], size: int = 100) -> np.ndarray:
    """A picture made of horizontal bands of flat colour, each taking its share of the rows."""
    rows = []
    for colour, share in colours_and_shares:
        rows += [colour] * round(size * share)
    return np.repeat(np.array(rows, np.uint8)[:, None, :], size, axis=1)


def test_the_palette_is_the_references_colours_most_common_first():
    references = [flat([(BLUE, 0.6), (SKIN, 0.4)]), flat([(GREEN, 0.3), (BLUE, 0.7)])]
    colours = reference_colours(references, colours=3)
    found = hex_to_rgb(colours.palette).astype(int)
    assert np.abs(found - np.array([BLUE, SKIN, GREEN])).max() <= 2


def test_the_skin_tone_is_the_skin_coloured_cluster():
    colours = reference_colours([flat([(BLUE, 0.5), (SKIN, 0.2), (GREEN, 0.3)])], colours=3)
    assert np.abs(hex_to_rgb([colours.skin_tone]).astype(int)[0] - SKIN).max() <= 2


def test_references_without_skin_give_no_skin_tone():
    assert reference_colours([flat([(BLUE, 0.5), (GREEN, 0.5)])]).skin_tone is None


def test_a_real_photo_gives_eight_distinct_colours_and_a_skin_tone(hopper):
    colours = reference_colours([hopper])
    assert len(set(colours.palette)) == 8
    assert colours.skin_tone is not None


def test_the_same_references_give_the_same_colours(hopper, astronaut):
    assert reference_colours([hopper, astronaut]) == reference_colours([hopper, astronaut])


def test_no_references_is_an_error():
    with pytest.raises(ValueError, match="at least one reference"):
        reference_colours([])
