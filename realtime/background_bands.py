"""The background as the teacher draws it, drawn again over the student's picture: its lightness in a few flat
bands and its ink lines, both from the frame.

The teacher draws the background apart from the person (generators/background.py): the photo smoothed with its
edges kept, its lightness cut into the style's flat bands where the scene's lightness has a gap
(generators/tone_bands.py), its colours pulled to the background palette, and thin lines. The network learns the
colours, but a band edge lies where the photo's smoothed lightness crosses a cut, which in a soft gradient (a
wall, a curtain, a sky) it cannot place to the pixel, nor can it see the whole frame that places the cut: it
paints a soft ramp between the bands and smudges for the lines, and the background reads as a blurred photo.
The bands and the lines are functions of the frame alone, so the run time draws them as the teacher does
(generators/cel_shading.py's and tone_bands.py's own functions, on the frame smoothed by realtime/flat_tones.py's
edge-keeping filter instead of the teacher's slower bilateral one): outside the person mask the picture takes the bands'
lightness and the lines, and keeps the network's colours. That background is drawn at most BANDS_SIDE long and
scaled up: its bands and lines are as wide, in a share of the picture, at any size, and its colours are flat.
"""

from __future__ import annotations

import cv2
import numpy as np
from celflow.core.line_art import BackgroundLines
from celflow.generators.cel_shading import REFERENCE_SIDE, band_guide, ink_lines, quantise_lightness
from celflow.generators.tone_bands import scene_bands
from celflow.realtime.flat_tones import flatten_tones
from celflow.realtime.small_copy import small_copy

BANDS_SIDE = 384  # the demo draws its pairs this long; finer bands and lines scored no closer to the teacher


def drawn_behind(picture: np.ndarray, photo: np.ndarray, style: BackgroundLines) -> np.ndarray:
    """H×W×3 uint8: `picture` (the student's, of `photo`) as the teacher draws a background, the lightness of
    `photo` cut into `style.tones` flat bands and its ink lines over the picture's colours. It needs nothing but the
    frame and the picture: a video's first stage draws it while its second finishes the frame before."""
    height, width = photo.shape[:2]
    shrink = min(1.0, BANDS_SIDE / max(height, width))
    if shrink < 1.0:
        size = (max(1, round(width * shrink)), max(1, round(height * shrink)))
        photo, picture = small_copy(photo, size), small_copy(picture, size)
    scale = max(photo.shape[:2]) / REFERENCE_SIDE
    smooth = flatten_tones(photo)
    lab = cv2.cvtColor(picture, cv2.COLOR_RGB2LAB)
    lightness = cv2.cvtColor(smooth, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    bands = quantise_lightness(lightness, scene_bands(band_guide(lightness, scale), style.tones), scale)
    lab[..., 0] = np.clip(np.round(bands), 0, 255).astype(np.uint8)
    lines = (ink_lines(smooth, style.line_weight, scale) * style.line_darkness).astype(np.float32)
    ink = np.empty_like(picture)
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
    return behind_people(picture, drawn_behind(picture, photo, style), person)
