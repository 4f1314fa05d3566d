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
