"""Where a drawing's flat lightness tones are cut, and the level each tone is drawn at.

A person is banded at fixed cuts: every output pixel then depends on its own neighbourhood only, which a
student seeing a crop needs in order to learn it. A background is drawn again at run time from the frame
itself (realtime/background_bands.py), so it need not be local, and fixed cuts fail it where it matters
most: a plain wall or a studio backdrop whose lightness sits near a cut is split into two far-apart tones,
a dark blotch over half of it, and a mid-grey wall is drawn near black or near white. So a scene's cuts move,
within CUT_REACH of their fixed place, to the lightness the fewest of its pixels have, and each tone is drawn
at the median lightness of its own pixels: one flat tone for a plain wall, as light as the wall. Only the
scene's own pixels count: the people in front of it are drawn apart, and a black suit counted with a blue curtain
would put the curtain's tone at the suit's lightness, a near-black patch where the photo shows a mid blue.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

SHADOW_LIFT = 0.18  # webtoon shadows are light: a mid tone is lifted this share of the way to white
CUT_REACH = 0.35  # share of a band's width a scene's cut may move from its fixed place
DENSITY_SMOOTHING = 3.0  # lightness levels: the histogram is read smoothed, so that noise does not place a cut
CUT_PULL = 0.01  # cost per band width moved, against the density (a share of pixels per level): ties stay home


class ToneBands(NamedTuple):
    cuts: np.ndarray  # lightness (0..255) where each tone ends and the next begins, ascending
    levels: np.ndarray  # lightness each tone is drawn at, one more than cuts


def lifted(levels: np.ndarray) -> np.ndarray:
    """Levels lifted towards white in proportion to how far they sit from black too: shadows on a shirt come
    out light, as webtoons draw them, while black hair and a black suit stay dark instead of turning grey."""
    return levels + 2 * SHADOW_LIFT * levels * (255 - levels) / 255


def fixed_bands(tones: int) -> ToneBands:
    """`tones` equal bands of the lightness range, each drawn at its lifted middle."""
    edges = np.linspace(0.0, 255.0, tones + 1)
    return ToneBands(edges[1:-1], lifted((edges[:-1] + edges[1:]) / 2))


def scene_bands(guide: np.ndarray, tones: int, scene: np.ndarray | None = None) -> ToneBands:
    """Bands for a scene whose smoothed lightness is `guide` (H×W, 0..255): each fixed cut moved to the least
    crowded lightness of the frame within CUT_REACH of a band's width, each tone at its scene pixels' median,
    lifted. `scene` (H×W, 0..1; None: all of it) is how far each pixel belongs to the scene, not to the people in
    front of it: the tones' pixels are counted by it. The cuts are placed on the whole frame's lightness: a gap
    there is a gap in the scene too, and without the people a scene can hold two gaps about as empty, between
    which a video's cut would jump as the people's mask moves from frame to frame, the background flickering."""
    lightness = np.clip(guide, 0, 255).astype(np.uint8).ravel()
    frame = np.bincount(lightness, minlength=256).astype(np.float32)
    histogram = frame if scene is None else np.bincount(lightness, scene.astype(np.float32).ravel(), minlength=256)
    density = cv2.GaussianBlur(frame[None] / max(frame.sum(), 1.0), (0, 0), DENSITY_SMOOTHING)[0]
    width = 255.0 / tones
    cuts = []
    for fixed in fixed_bands(tones).cuts:
        candidates = np.arange(int(np.ceil(fixed - CUT_REACH * width)), int(fixed + CUT_REACH * width) + 1)
        cost = density[candidates] + CUT_PULL * np.abs(candidates - fixed) / width
        cuts.append(float(candidates[cost.argmin()]))
    edges = np.concatenate([[0.0], cuts, [256.0]])
    cumulative = np.cumsum(histogram)
    levels = (edges[:-1] + edges[1:]) / 2  # an empty tone keeps its middle
    for tone, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        below, within = (cumulative[int(low) - 1] if low > 0 else 0.0), histogram[int(low) : int(high)].sum()
        if within > 0:
            levels[tone] = np.searchsorted(cumulative, below + within / 2)
    return ToneBands(np.array(cuts), lifted(np.minimum(levels, 255.0)))
