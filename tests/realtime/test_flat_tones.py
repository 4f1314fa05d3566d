"""The student's texture flattened before the line art: skin grain gone, strong edges where they were, nothing
changed outside the stylised area; on real photos of light and dark skin."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from celflow.generators.face_mesh import FaceMeshDetector
from celflow.generators.skin_tone import cheek_mask
from celflow.realtime.flat_tones import flatten_tones


def fitted(rgb: np.ndarray, side: int = 512) -> np.ndarray:
    scale = side / max(rgb.shape[:2])
    return np.ascontiguousarray(cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))


def grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)


def cheek_grain(rgb: np.ndarray, cheeks: np.ndarray) -> float:
    """Standard deviation of the cheeks' fine detail: the grey minus its own blur (2 px at 512 px long)."""
    g = grey(rgb)
    return float((g - cv2.GaussianBlur(g, (0, 0), 2 * max(g.shape) / 512))[cheeks].std())


def gradient(rgb: np.ndarray) -> np.ndarray:
    g = grey(rgb)
    return np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))


@pytest.fixture(scope="module", params=["hopper", "obama"])
def portrait_and_cheeks(request) -> tuple[np.ndarray, np.ndarray]:
    photo = fitted(request.getfixturevalue(request.param))
    detector = FaceMeshDetector(max_faces=1)
    try:
        (face,) = detector(photo)
    finally:
        detector.close()
    return photo, cheek_mask(photo.shape[:2], face.points)


def test_skin_grain_is_flattened_and_strong_edges_stay_sharp(portrait_and_cheeks):
    photo, cheeks = portrait_and_cheeks
    flat = flatten_tones(photo)

    assert cheek_grain(flat, cheeks) < 0.7 * cheek_grain(photo, cheeks)
    # the photo's strongest edges (hair, collar, eyes against skin) keep their steepness, as a blur would not
    edges = gradient(photo)
    strong = edges >= np.percentile(edges, 98)
    assert np.median(gradient(flat)[strong] / edges[strong]) > 0.85
    # and the picture keeps its colours: a flattened tone is the mean of what it flattened
    assert np.abs(flat.astype(np.float32).mean((0, 1)) - photo.astype(np.float32).mean((0, 1))).max() < 1.5


def test_only_the_stylised_area_is_flattened(portrait_and_cheeks):
    photo, cheeks = portrait_and_cheeks
    where = np.zeros(photo.shape[:2], bool)
    where[:, : photo.shape[1] // 2] = True

    flat = flatten_tones(photo, where)

    assert np.array_equal(flat[~where], photo[~where])
    assert np.abs(flat[where].astype(np.int16) - photo[where]).max() > 0


def test_a_large_picture_is_flattened_as_its_smaller_self(portrait_and_cheeks):
    """The window grows with the picture, as the teacher's smoothing does: the same photo at 1600 px loses as
    large a share of its grain as at 512."""
    photo, cheeks = portrait_and_cheeks
    large = cv2.resize(photo, None, fx=1600 / max(photo.shape[:2]), fy=1600 / max(photo.shape[:2]))
    large_cheeks = cv2.resize(cheeks.astype(np.uint8), large.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0

    kept_small = cheek_grain(flatten_tones(photo), cheeks) / cheek_grain(photo, cheeks)
    kept_large = cheek_grain(flatten_tones(large), large_cheeks) / cheek_grain(large, large_cheeks)

    assert kept_large < 0.7
    assert abs(kept_large - kept_small) < 0.06
