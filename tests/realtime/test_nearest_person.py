"""Who owns a pixel where people's crops overlap: the person whose body is nearest, the first listed on a tie."""

from __future__ import annotations

import numpy as np

from celflow.realtime.compose import nearest_person


def every_distance_compared(box, faces, own) -> np.ndarray:
    """The rule written out: every person's distance at every pixel, the nearest (first on a tie) owns it."""
    x0, y0, x1, y1 = box
    columns = np.arange(x0, x1, dtype=np.float32)[None, :] + 0.5
    rows = np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5
    distances = []
    for fx0, fy0, fx1, fy1 in faces:
        centre_x, centre_y, width = (fx0 + fx1) / 2, (fy0 + fy1) / 2, max(fx1 - fx0, 1.0)
        distances.append(np.hypot(columns - centre_x, np.maximum(centre_y - rows, 0)) / width)
    return (np.argmin(distances, axis=0) == own).astype(np.float32)


def test_pixels_go_to_the_nearest_body_in_random_groups_ties_to_the_first() -> None:
    rng = np.random.default_rng(0)
    for trial in range(400):
        count = int(rng.integers(1, 8))
        faces = []
        for _ in range(count):
            x, y, width = rng.uniform(0, 640), rng.uniform(0, 480), rng.uniform(8, 120)
            faces.append((x, y, x + width, y + width * rng.uniform(0.9, 1.3)))
        if trial % 5 == 0 and count > 1:
            faces[1] = faces[0]  # two boxes alike: every pixel a tie
        own = int(rng.integers(0, count))
        left, top = int(rng.integers(0, 600)), int(rng.integers(0, 440))
        box = (left, top, left + int(rng.integers(1, 200)), top + int(rng.integers(1, 300)))

        np.testing.assert_array_equal(nearest_person(box, faces, own), every_distance_compared(box, faces, own))


def test_someone_far_from_the_crop_changes_nothing_and_a_neighbour_takes_their_side() -> None:
    faces = [(100, 100, 140, 140), (180, 100, 220, 140), (600, 100, 640, 140)]
    box = (60, 60, 260, 400)

    owned = nearest_person(box, faces, 0)

    np.testing.assert_array_equal(owned, nearest_person(box, faces[:2], 0))
    assert owned[:, :60].all() and not owned[:, 140:].any()  # left of the middle (160) theirs, right of it not
