"""A background's flat tones: cut where the scene's lightness has a gap, each drawn at its own lightness, so a
plain wall is one flat tone as light as the wall; a person's tones stay at fixed cuts."""

from __future__ import annotations

import cv2
import numpy as np
from celflow.core.character import load_character
from celflow.generators.background import draw_background
from celflow.generators.tone_bands import fixed_bands, lifted, scene_bands


def plain_wall(lightness_top: float, lightness_bottom: float, seed: int = 0) -> np.ndarray:
    """A studio backdrop as a camera sees it: a blue-grey wall whose light falls off downwards, sensor noise, and
    a dark figure in front of it."""
    height, width = 384, 384
    grey = np.linspace(lightness_top, lightness_bottom, height, dtype=np.float32)[:, None].repeat(width, 1)
    rgb = np.stack([grey * 0.92, grey * 0.97, grey * 1.08], -1)
    rgb += np.random.default_rng(seed).normal(0, 4, rgb.shape)
    cv2.ellipse(rgb, (192, 384), (110, 230), 0, 0, 360, (40, 35, 30), -1)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def suit_before_curtain(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A man in a black suit before a mid-blue curtain and a light wall, and his person mask (H×W 0..1): the suit
    covers more of the frame than the curtain does."""
    height = width = 384
    rgb = np.empty((height, width, 3), np.float32)
    rgb[:] = (212, 206, 196)
    rgb[:, : width // 3] = (60, 100, 170)
    rgb += np.random.default_rng(seed).normal(0, 3, rgb.shape)
    person = np.zeros((height, width), np.float32)
    cv2.ellipse(person, (width // 2, height), (120, 300), 0, 0, 360, 1.0, -1)
    rgb[person > 0] = (18, 20, 28)
    return np.clip(rgb, 0, 255).astype(np.uint8), cv2.GaussianBlur(person, (0, 0), 2)


CURTAIN = (slice(20, 300), slice(10, 60))


def lab_lightness(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)


def wall_lightness(rgb: np.ndarray) -> np.ndarray:
    """8-bit Lab L of the wall only: its upper corners, away from the figure and the frame's border."""
    lightness = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    return np.concatenate([lightness[20:300, 20:70].ravel(), lightness[20:300, -70:-20].ravel()])


def test_a_plain_wall_across_the_middle_cut_is_drawn_as_one_tone_as_light_as_itself():
    """Fixed cuts split such a wall into a light and a near-black half: a dark blotch over a plain backdrop."""
    style = load_character().background
    for top, bottom in ((140, 112), (118, 150), (175, 150)):
        photo = plain_wall(top, bottom)
        drawn, seen = wall_lightness(draw_background(photo, style)), wall_lightness(photo)
        assert np.percentile(drawn, 95) - np.percentile(drawn, 5) <= 12, (top, bottom)
        assert abs(np.median(drawn) - np.median(seen)) <= 25, (top, bottom)


def test_a_scene_s_cut_moves_into_the_gap_between_its_lightnesses_and_its_tones_are_its_own():
    rng = np.random.default_rng(1)
    guide = np.concatenate([rng.normal(100, 5, 6000), rng.normal(150, 5, 4000)]).reshape(100, 100)
    bands = scene_bands(guide, 2)
    assert 112 <= bands.cuts[0] <= 138  # the fixed cut (127.5) moved into the gap, within its reach
    assert np.allclose(bands.levels, lifted(np.array([100.0, 150.0])), atol=3)


def test_a_scene_without_a_gap_keeps_the_fixed_cut_and_an_empty_tone_its_middle():
    flat_spread = np.tile(np.arange(256, dtype=np.float32), (40, 1))
    bands = scene_bands(flat_spread, 3)
    assert np.allclose(bands.cuts, fixed_bands(3).cuts, atol=1)
    dark_only = np.full((50, 50), 30.0, np.float32)
    bands = scene_bands(dark_only, 2)
    assert abs(bands.levels[1] - fixed_bands(2).levels[1]) <= 2


def test_the_people_in_front_do_not_set_the_background_s_tones():
    """Counted with the curtain, the black suit put the curtain's tone at its own lightness: a near-black patch
    where the photo shows a mid blue."""
    photo, person = suit_before_curtain()
    seen = lab_lightness(photo)[CURTAIN].mean()
    drawn = lab_lightness(draw_background(photo, load_character().background, person))[CURTAIN].mean()
    assert abs(drawn - lifted(np.array([seen]))[0]) <= 8, (seen, drawn)


def test_a_scene_s_tones_count_only_its_own_pixels():
    rng = np.random.default_rng(2)
    suit, curtain, wall = rng.normal(15, 3, 4000), rng.normal(105, 3, 2000), rng.normal(210, 3, 4000)
    guide = np.concatenate([suit, curtain, wall]).reshape(100, 100)
    scene = np.concatenate([np.zeros(4000), np.ones(6000)]).reshape(100, 100)
    assert np.allclose(scene_bands(guide, 2, scene).levels, lifted(np.array([105.0, 210.0])), atol=3)
    assert np.allclose(scene_bands(guide, 2, np.ones_like(scene)).levels, scene_bands(guide, 2).levels)


def test_the_cuts_stay_where_the_whole_frame_has_its_gap():
    """Without the people a scene can hold two gaps about as empty, and a video's cut jumped between them as the
    people's mask moved from frame to frame: the background flickered. The cuts are placed on the whole frame."""
    rng = np.random.default_rng(3)
    wall, person, window = rng.normal(100, 3, 3000), rng.normal(125, 3, 4000), rng.normal(200, 3, 3000)
    guide = np.concatenate([wall, person, window]).reshape(100, 100)
    scene = np.concatenate([np.ones(3000), np.zeros(4000), np.ones(3000)]).reshape(100, 100)
    bands = scene_bands(guide, 2, scene)
    assert np.array_equal(bands.cuts, scene_bands(guide, 2).cuts) and bands.cuts[0] > 135
    assert np.allclose(bands.levels, lifted(np.array([100.0, 200.0])), atol=3)
