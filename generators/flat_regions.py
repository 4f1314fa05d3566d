"""Flat regions: islands of a cel tone too small to be a shape are merged into the region around them.

Banding a photo at fixed cuts turns every patch of hair, cloth or background whose lightness wanders across a
cut into scattered islands of the next tone, and pulling colours to the nearest palette colour does the same
wherever a colour sits between two: the picture reads as blotches rather than as the few flat shapes a webtoon
artist paints. Islands smaller than MIN_REGION_PX are given the colour of the nearest pixel outside them, before
the banding, so they band as their surroundings do; not those more than a band apart from that colour, which
are small shapes rather than wanders across a cut. Lines are drawn from the photo itself, not from this, so
an edge that matters keeps its stroke. scikit-image labels the regions of equal tone in one pass; the fill is
OpenCV's distance transform, which names for every pixel the nearest pixel that is kept.
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.measure import label

MIN_REGION_PX = 100  # area at 512 px: about 10×10, a blotch rather than a shape


def tone_regions(tones: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 4-connected regions of equal value in the H×W integer `tones`: H×W region labels, and each label's
    area in pixels."""
    regions = label(tones, background=-1, connectivity=1)
    return regions, np.bincount(regions.ravel())


def fill_from_nearest(image: np.ndarray, holes: np.ndarray) -> np.ndarray:
    """`image` (H×W or H×W×C) with each pixel of the H×W bool `holes` given the value of the nearest pixel
    outside them; unchanged when there are no holes or nothing but holes."""
    if not holes.any() or holes.all():
        return image
    # with DIST_LABEL_PIXEL each kept (zero) pixel is labelled 1, 2, … in raster order, as image[~holes] lists them
    _, nearest = cv2.distanceTransformWithLabels(
        holes.astype(np.uint8), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
    )
    flat = image.reshape(holes.size, -1)
    kept, holes_at = np.flatnonzero(~holes), np.flatnonzero(holes)
    filled = flat.copy()
    filled[holes_at] = flat[kept[nearest.ravel()[holes_at] - 1]]
    return filled.reshape(image.shape)


def merge_small_regions(lab: np.ndarray, tones: np.ndarray, scale: float, band_width: float) -> np.ndarray:
    """H×W×3 Lab with every island of `tones` (H×W integer labels: band and palette colour) smaller than
    MIN_REGION_PX × scale² filled from the nearest pixel around it, unless it is on average more than
    `band_width` lighter or darker than that fill.

    A tone wandering across one cut makes islands within a band of what surrounds them; an island further
    apart is a shape that happens to be small (a white stripe on a black dress, a catchlight) and stays."""
    regions, areas = tone_regions(tones)
    small = areas[regions] < MIN_REGION_PX * scale * scale
    filled = fill_from_nearest(lab, small)
    moved = np.bincount(regions.ravel(), np.abs(lab[..., 0] - filled[..., 0]).ravel()) / np.maximum(areas, 1)
    return np.where((moved[regions] > band_width)[..., None], lab, filled)
