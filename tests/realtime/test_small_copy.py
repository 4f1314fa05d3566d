"""The small copies the background's bands are drawn on: the size asked for, the frame's colours, and no aliasing
where the frame is at least twice as large (a fine pattern averages out instead of coming back as stripes)."""

from __future__ import annotations

import numpy as np
import pytest
from celflow.realtime.small_copy import small_copy


def stripes(height: int = 480, width: int = 640) -> np.ndarray:
    """One-pixel black and white columns: all their detail is at the finest scale a frame holds."""
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[:, ::2] = 255
    return rgb


@pytest.mark.parametrize("size", [(256, 192), (200, 150), (320, 240)])
def test_a_fine_pattern_averages_out_in_a_copy_half_the_size_or_less(size):
    small = small_copy(stripes(), size)
    assert small.shape == (size[1], size[0], 3)
    assert abs(float(small.mean()) - 127.5) < 2
    assert float(small.std()) < 2  # a plain bilinear resize leaves stripes of ±60 and more here


def test_the_copy_keeps_the_frames_colours_and_sizes_in_between():
    rng = np.random.default_rng(0)
    frame = np.full((480, 640, 3), (200, 120, 40), np.uint8)
    frame[100:300, 200:500] = (30, 90, 220)
    frame = np.clip(frame.astype(np.int16) + rng.integers(-5, 6, frame.shape), 0, 255).astype(np.uint8)
    small = small_copy(frame, (384, 288))
    assert small.shape == (288, 384, 3)
    assert np.abs(small[20, 20].astype(int) - (200, 120, 40)).max() <= 5
    assert np.abs(small[120, 210].astype(int) - (30, 90, 220)).max() <= 5


def test_a_frame_already_that_size_is_returned_as_it_is():
    frame = stripes(96, 128)
    assert small_copy(frame, (128, 96)) is frame
