"""Fixtures for the generator tests: a group photo made of real portraits."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def group_photo(hopper, astronaut) -> np.ndarray:
    """Two real people side by side (256×512): head-and-shoulders crops of Grace Hopper and the astronaut.

    No group photo ships offline, so this one is built from the two real portraits; crops keep both faces
    large enough for mediapipe's short-range face detector, which runs on a 128 px view of the image.
    """
    return np.ascontiguousarray(np.hstack([hopper[60:316, 128:384], astronaut[0:256, 100:356]]))


@pytest.fixture(scope="session")
def wide_group_photo(hopper, astronaut) -> np.ndarray:
    """The two whole 512² portraits side by side (512×1024): the astronaut's face is too small in this frame
    for the face mesh's own short-range detector, so finding it needs the full-range detector."""
    return np.ascontiguousarray(np.hstack([hopper, astronaut]))
