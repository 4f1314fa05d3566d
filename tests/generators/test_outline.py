"""The silhouette is drawn only where the person mask is sure of the person's edge, in whole stretches."""

from __future__ import annotations

import numpy as np
from celflow.generators.outline import MIN_STRETCH_PX, silhouette_lines
from celflow.generators.person_mask import with_window


def body() -> np.ndarray:
    """A 512² mask: a person from the waist up, cut off by the bottom of the picture."""
    mask = np.zeros((512, 512), np.float32)
    mask[160:, 140:380] = 1.0
    return mask


def test_no_line_where_the_segmenter_wandered_through_greys():
    mask = body()
    mask[260:420, 380:470] = 0.6  # a cushion beside them the segmenter was unsure of
    lines = silhouette_lines(mask, 2)
    assert lines[160, 200:320].min() > 0.5  # the shoulders' sure edge
    assert lines[255:265, 390:465].max() == 0  # none around the cushion: its top,
    assert lines[270:410, 465:475].max() == 0  # its far side
    assert lines[415:425, 390:465].max() == 0  # and its bottom
    assert lines[200:250, 380].max() > 0.5  # the arm's sure edge above it


def test_a_short_unsure_dip_does_not_break_the_line_into_dashes():
    mask = body()
    mask[150:160, 250:254] = 0.4  # four pixels of the shoulder's edge where the mask is less sure
    lines = silhouette_lines(mask, 2)
    assert lines[159:162, 200:320].max(0).min() > 0.5


def test_a_sure_fleck_is_not_drawn():
    mask = np.zeros((512, 512), np.float32)
    mask[200:400, 100:400] = 0.6  # a patch the segmenter was unsure of ...
    mask[200:210, 250 : 250 + MIN_STRETCH_PX // 4] = 1.0  # ... sure along a few pixels of its edge
    assert silhouette_lines(mask, 2).max() == 0


def test_a_window_segmented_on_its_own_joins_without_a_straight_edge():
    mask = np.zeros((512, 512), np.float32)
    found = np.zeros((300, 200), np.float32)
    found[60:, 40:160] = 1.0  # a body running on past the window's bottom side
    joined = with_window(mask, found, (150, 100, 350, 400))
    lines = silhouette_lines(joined, 2)
    assert lines[395:405, 200:300].max() == 0  # no line along the window's bottom side
    assert lines[160, 200:300].min() > 0.5  # the head's top is drawn
