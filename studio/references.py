"""A character's colours guessed from a few reference pictures: its palette and its skin tone, by k-means.

Colours are clustered in CIE Lab, where distances are what the eye sees, on an even sample of every reference
(each weighs the same, whatever its size). The guesses are a starting point the user edits as swatches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from celflow.generators.palette import lab_to_rgb, rgb_to_lab

PALETTE_COLOURS = 8
SAMPLES_PER_REFERENCE = 20_000
KMEANS_ATTEMPTS = 3
# Skin in YCrCb (Chai and Ngan's rule): wide enough for every skin tone, narrow enough to skip hair and cloth.
SKIN_CR = (133, 173)
SKIN_CB = (77, 127)
MIN_SKIN_SHARE = 0.002  # fewer skin pixels than this share of the sample: the references show no skin


@dataclass(frozen=True)
class ReferenceColours:
    """'#rrggbb' colours: the palette (most common first) and the skin tone, None when no skin was seen."""

    palette: list[str]
    skin_tone: str | None


def _hex(rgb: np.ndarray) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(value) for value in rgb))


def _even_sample(rgb: np.ndarray, count: int) -> np.ndarray:
    """About `count` pixels spread over the whole picture, as N×3 uint8."""
    pixels = rgb.reshape(-1, 3)
    step = max(1, len(pixels) // count)
    return pixels[::step]


def _clusters(rgb_pixels: np.ndarray, count: int) -> list[tuple[np.ndarray, int]]:
    """k-means on N×3 uint8 RGB pixels in Lab → (centre as uint8 RGB, members), largest first; same input, same answer."""
    lab = rgb_to_lab(rgb_pixels.reshape(-1, 1, 3)).reshape(-1, 3)
    count = min(count, len(np.unique(rgb_pixels, axis=0)))
    cv2.setRNGSeed(0)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 0.5)
    _, labels, centres = cv2.kmeans(lab, count, None, criteria, KMEANS_ATTEMPTS, cv2.KMEANS_PP_CENTERS)
    members = np.bincount(labels.ravel(), minlength=count)
    rgb_centres = lab_to_rgb(centres.reshape(-1, 1, 3)).reshape(-1, 3)
    order = np.argsort(-members, kind="stable")
    return [(rgb_centres[i], int(members[i])) for i in order]


def skin_pixels(rgb_pixels: np.ndarray) -> np.ndarray:
    """The N×3 uint8 RGB pixels whose colour is a skin colour."""
    ycrcb = cv2.cvtColor(rgb_pixels.reshape(-1, 1, 3), cv2.COLOR_RGB2YCrCb).reshape(-1, 3)
    cr, cb = ycrcb[:, 1], ycrcb[:, 2]
    skin = (cr >= SKIN_CR[0]) & (cr <= SKIN_CR[1]) & (cb >= SKIN_CB[0]) & (cb <= SKIN_CB[1])
    return rgb_pixels[skin]


def reference_colours(references: Sequence[np.ndarray], colours: int = PALETTE_COLOURS) -> ReferenceColours:
    """The palette of `colours` colours and the skin tone (the largest of three skin clusters) of H×W×3 RGB pictures."""
    if not references:
        raise ValueError("references: give at least one reference picture")
    pixels = np.concatenate([_even_sample(rgb, SAMPLES_PER_REFERENCE) for rgb in references])
    palette = [_hex(centre) for centre, _ in _clusters(pixels, colours)]
    skin = skin_pixels(pixels)
    skin_tone = _hex(_clusters(skin, 3)[0][0]) if len(skin) >= MIN_SKIN_SHARE * len(pixels) else None
    return ReferenceColours(palette, skin_tone)
