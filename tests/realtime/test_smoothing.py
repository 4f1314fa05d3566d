"""Temporal smoothing: less flicker where the picture is still, no ghost where it moves."""

from __future__ import annotations

import numpy as np
import pytest

from celflow.realtime.smoothing import TemporalSmoother
from celflow.student.flicker import clip_flicker as flicker  # the one flicker metric, used by evaluate too


def jittery_student(seed: int = 0):
    """What an unstable student does: the same photo comes back with a different few levels of noise each time."""
    generator = np.random.default_rng(seed)

    def stylize(rgb: np.ndarray) -> np.ndarray:
        noise = generator.integers(-12, 13, rgb.shape)
        return np.clip(rgb.astype(np.int16) + noise, 0, 255).astype(np.uint8)

    return stylize


@pytest.fixture(scope="module")
def still_photos(astronaut) -> list[np.ndarray]:
    return [astronaut[:200, :200].copy() for _ in range(12)]


def test_smoothing_lowers_flicker_on_a_still_picture(still_photos):
    stylize, smoother = jittery_student(), TemporalSmoother(strength=0.7)
    raw = [stylize(photo) for photo in still_photos]
    smoothed = [smoother(photo, out) for photo, out in zip(still_photos, raw)]

    assert flicker(still_photos, smoothed) < 0.6 * flicker(still_photos, raw)


def test_a_moving_person_leaves_no_ghost(astronaut):
    """A patch of face jumps across a dark frame: the smoothed output shows it only where it is now."""
    before, after = np.zeros((120, 120, 3), np.uint8), np.zeros((120, 120, 3), np.uint8)
    before[10:40, 10:40] = astronaut[120:150, 230:260]
    after[70:100, 70:100] = astronaut[120:150, 230:260]
    smoother = TemporalSmoother(strength=0.9)

    smoother(before, before)
    out = smoother(after, after)

    assert np.array_equal(out[10:40, 10:40], after[10:40, 10:40])  # where it was: nothing trails
    assert np.array_equal(out[70:100, 70:100], after[70:100, 70:100])  # where it is: fully new


def test_strength_must_leave_room_for_the_new_frame():
    with pytest.raises(ValueError, match=r"strength=1.0: must be in \[0, 1\)"):
        TemporalSmoother(strength=1.0)
