"""ControlNet conditioning maps computed offline from real photos."""

from __future__ import annotations

import numpy as np
import pytest

from celflow.generators.diffusion.conditioning import CONDITIONING_MAPS


@pytest.mark.parametrize("kind", ["canny", "lineart"])
def test_edge_maps_are_sparse_white_lines_on_black(hopper, kind):
    edges = CONDITIONING_MAPS[kind](hopper)
    assert edges.shape == hopper.shape and edges.dtype == np.uint8
    assert set(np.unique(edges)) <= {0, 255}
    assert 0.01 < (edges[..., 0] == 255).mean() < 0.4


def test_pose_map_draws_the_skeleton_of_the_person(astronaut):
    pose = CONDITIONING_MAPS["pose"](astronaut)
    assert pose.shape == astronaut.shape
    drawn = pose.any(axis=2)
    assert drawn.mean() > 0.001
    rows = np.flatnonzero(drawn.any(axis=1))
    assert rows.min() < astronaut.shape[0] // 2  # the head and shoulders, not noise at the border


def test_pose_map_of_a_photo_without_a_person_is_black():
    assert not CONDITIONING_MAPS["pose"](np.full((128, 128, 3), 200, np.uint8)).any()
