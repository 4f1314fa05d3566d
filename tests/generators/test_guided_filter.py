import numpy as np

from celflow.generators.guided_filter import guided_filter


def test_a_coarse_mask_edge_snaps_to_the_photo_edge():
    photo = np.zeros((64, 64, 3), np.uint8)
    photo[:, 32:] = 255  # the person ends at column 32
    coarse = np.zeros((64, 64), np.float32)
    coarse[:, 28:] = 1.0  # the mask spills four pixels past it
    refined = guided_filter(photo, coarse, radius=6, eps=1e-3)
    steps = np.diff(refined, axis=1)
    assert (steps.argmax(axis=1) == 31).all()  # the mask's sharpest step now sits on the photo's edge
    assert (refined[:, 32:] > 0.95).all() and refined[:, 28:32].mean() < 0.75  # the spill is softened
    assert refined.min() >= 0.0 and refined.max() <= 1.0
