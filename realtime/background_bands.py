"""The background as the teacher draws it, drawn again over the student's picture: its lightness in a few flat
bands, its colours pulled to the palette and its ink lines, all from the frame.

The teacher draws the background apart from the person (generators/background.py): the photo smoothed with its
edges kept, its lightness cut into the style's flat bands where the scene's lightness has a gap
(generators/tone_bands.py), its colours pulled to the background palette, and thin lines. A network cannot place
a band edge where the photo's smoothed lightness crosses a cut, which in a soft gradient (a wall, a curtain, a
sky) it cannot see to the pixel, nor see the whole frame that places the cut: it paints a soft ramp between the
bands and smudges for the lines, and the background reads as a blurred photo; and its colours are those of the
backgrounds it was trained on. Bands, colours and lines are functions of the frame alone, so the run time draws
them as the teacher does (generators/cel_shading.py's and tone_bands.py's own functions, on the frame smoothed by
realtime/flat_tones.py's edge-keeping filter instead of the teacher's slower bilateral one): outside the person
mask the picture becomes that drawing (a student's record written before the palette was carried keeps the
network's colours). It is drawn at most BANDS_SIDE long and scaled up: its bands and lines are as wide, in a
share of the picture, at any size, and its colours are flat.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from celflow.core.line_art import BackgroundLines
from celflow.generators.cel_shading import (
    REFERENCE_SIDE,
    band_guide,
    ink_lines,
    pull_chroma_to_palette,
    quantise_lightness,
)
from celflow.generators.palette import rgb_to_lab
from celflow.generators.tone_bands import fixed_bands, scene_bands
from celflow.realtime.flat_tones import flatten_tones
from celflow.realtime.small_copy import small_copy

BANDS_SIDE = 384  # the demo draws its pairs this long; finer bands and lines scored no closer to the teacher


@lru_cache(maxsize=8)
def _palette_lab(palette: tuple[tuple[int, int, int], ...]) -> np.ndarray:
    return rgb_to_lab(np.array(palette, np.uint8))


def drawn_behind(
    picture: np.ndarray, photo: np.ndarray, style: BackgroundLines, person: np.ndarray | None = None
) -> np.ndarray:
    """H×W×3 uint8: `photo` as the teacher draws a background, its lightness cut into `style.tones` flat bands, read
    outside the `person` mask (H×W 0..1, as the teacher reads them; None: the whole frame), its colours pulled to
    `style.palette` (without one, `picture`'s colours: the student's, of `photo`) and its ink lines. A video's first
    stage draws it while its second finishes the frame before, from the frame before's mask."""
    height, width = photo.shape[:2]
    shrink = min(1.0, BANDS_SIDE / max(height, width))
    size = (max(1, round(width * shrink)), max(1, round(height * shrink)))
    if shrink < 1.0:
        photo = small_copy(photo, size)
    scale = max(photo.shape[:2]) / REFERENCE_SIDE
    smooth = flatten_tones(photo)
    lab = cv2.cvtColor(smooth, cv2.COLOR_RGB2LAB)
    lightness = lab[..., 0].astype(np.float32)
    if style.palette:
        chroma = pull_chroma_to_palette(lab, _palette_lab(style.palette), style.palette_strength, style.saturation)
        lab[..., 1:] = np.clip(np.round(chroma + 128), 0, 255).astype(np.uint8)
    else:
        lab[..., 1:] = cv2.cvtColor(small_copy(picture, size) if shrink < 1.0 else picture, cv2.COLOR_RGB2LAB)[..., 1:]
    guide = band_guide(lightness, scale)
    if style.scene_tones:
        scene = None if person is None else 1.0 - np.clip(cv2.resize(person, size, interpolation=cv2.INTER_AREA), 0, 1)
        tones = scene_bands(guide, style.tones, scene)
    else:
        tones = fixed_bands(style.tones)
    lab[..., 0] = np.clip(np.round(quantise_lightness(guide, tones)), 0, 255).astype(np.uint8)
    lines = (ink_lines(smooth, style.line_weight, scale) * style.line_darkness).astype(np.float32)
    ink = np.empty_like(smooth)
    ink[:] = style.ink
    behind = cv2.blendLinear(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB), ink, 1.0 - lines, lines)
    return behind if shrink == 1.0 else cv2.resize(behind, (width, height), interpolation=cv2.INTER_LINEAR)


def behind_people(picture: np.ndarray, behind: np.ndarray, person: np.ndarray) -> np.ndarray:
    """`picture` where the H×W float `person` mask (0..1) says person, `behind` (what `drawn_behind` drew) where it
    does not, the mask's soft edge blending the two as the teacher composes them."""
    alpha = np.clip(person, 0.0, 1.0).astype(np.float32)
    return cv2.blendLinear(picture, behind, alpha, 1.0 - alpha)


def draw_background_bands(
    picture: np.ndarray, photo: np.ndarray, person: np.ndarray, style: BackgroundLines
) -> np.ndarray:
    """H×W×3 uint8 `picture` (the student's, of `photo`) with the teacher's background behind the people."""
    return behind_people(picture, drawn_behind(picture, photo, style, person), person)
