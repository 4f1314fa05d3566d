"""The pure image operations around diffusion: working size and the mask composition of two passes."""

from __future__ import annotations

import numpy as np
import pytest

from celflow.generators.diffusion.two_pass import compose_with_mask, diffusion_size


@pytest.mark.parametrize(
    ("height", "width", "expected"), [(512, 512, (64, 64)), (480, 640, (48, 64)), (100, 30, (64, 16))]
)
def test_working_size_keeps_the_aspect_in_multiples_of_eight(height, width, expected):
    assert diffusion_size(height, width, 64) == expected


def test_mask_takes_person_from_one_pass_and_background_from_the_other():
    rng = np.random.default_rng(0)
    person, background = (rng.integers(0, 256, (32, 32, 3), dtype=np.uint8) for _ in range(2))
    mask = np.zeros((32, 32), np.float32)
    mask[8:24, 8:24] = 1.0
    mask[4:8, 8:24] = 0.5
    out = compose_with_mask(person, background, mask)
    assert np.array_equal(out[mask == 0], background[mask == 0])
    assert np.array_equal(out[mask == 1], person[mask == 1])
    halfway = (person[4:8, 8:24].astype(int) + background[4:8, 8:24]) / 2
    assert np.abs(out[4:8, 8:24] - halfway).max() <= 0.5
