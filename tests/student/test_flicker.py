"""Flicker: the warping error between consecutive stylised frames, along the photo's own motion (OpenCV DIS)."""

from __future__ import annotations

import numpy as np
import pytest

from celflow.student.flicker import clip_flicker, warping_error


def panning_clip(astronaut: np.ndarray, frames: int = 5, step: int = 3) -> list[np.ndarray]:
    """A real photo panned `step` px to the right per frame: known, smooth motion."""
    return [np.ascontiguousarray(astronaut[100:292, 100 + i * step : 356 + i * step]) for i in range(frames)]


def test_a_stylisation_that_moves_with_the_photo_does_not_flicker(astronaut: np.ndarray) -> None:
    photos = panning_clip(astronaut)
    steady = [255 - photo for photo in photos]  # any per-pixel style follows the motion exactly

    assert clip_flicker(photos, steady) < 3.0


def test_a_stylisation_with_per_frame_noise_flickers(astronaut: np.ndarray) -> None:
    photos = panning_clip(astronaut)
    rng = np.random.default_rng(0)
    noisy = [np.clip(255 - p.astype(np.int16) + rng.integers(-30, 31, p.shape), 0, 255).astype(np.uint8) for p in photos]

    assert clip_flicker(photos, noisy) > 10.0


def test_frames_the_teacher_rejected_are_skipped(astronaut: np.ndarray) -> None:
    photos = panning_clip(astronaut, frames=4)
    stylised = [255 - photos[0], 255 - photos[1], None, 255 - photos[3]]

    assert clip_flicker(photos, stylised) == pytest.approx(warping_error(photos[0], photos[1], stylised[0], stylised[1]))
    with pytest.raises(ValueError, match="no two consecutive frames"):
        clip_flicker(photos, [stylised[0], None, stylised[3], None])


def test_frames_of_different_sizes_are_refused(astronaut: np.ndarray) -> None:
    photo = astronaut[:64, :64]
    with pytest.raises(ValueError, match="frames: sizes differ"):
        warping_error(photo, photo, photo, astronaut[:32, :64])
