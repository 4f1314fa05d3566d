import numpy as np

from celflow.core.character import load_character
from celflow.generators.background import compose_person_and_background, draw_background
from celflow.generators.cel_shading import cel_shade


def test_person_only_option_keeps_the_real_background(astronaut):
    style = load_character().background.model_copy(update={"keep_photo": True})
    assert np.array_equal(draw_background(astronaut, style), astronaut)


def test_background_has_its_own_style(astronaut):
    character = load_character()
    background = draw_background(astronaut, character.background)
    person = cel_shade(astronaut, character.teacher)
    assert background.shape == astronaut.shape and not np.array_equal(background, person)


def test_soft_mask_takes_the_person_inside_and_the_background_outside(astronaut):
    person, background = np.full_like(astronaut, 200), np.full_like(astronaut, 20)
    mask = np.zeros(astronaut.shape[:2], np.float32)
    mask[100:300, 100:300] = 1.0
    mask[300:310, 100:300] = 0.5
    out = compose_person_and_background(person, background, mask)
    assert (out[150, 150] == 200).all() and (out[450, 450] == 20).all() and (out[305, 150] == 110).all()
