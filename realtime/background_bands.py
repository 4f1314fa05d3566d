"""The background as the teacher draws it, drawn again over the student's picture: its lightness in a few flat
bands and its ink lines, both from the frame.

The teacher draws the background apart from the person (generators/background.py): the photo smoothed with its
edges kept, its lightness cut into the style's flat bands at fixed levels, its colours pulled to the background
palette, and thin lines. The network learns the colours, but a band edge lies where the photo's smoothed
lightness crosses a fixed cut, which in a soft gradient (a wall, a curtain, a sky) it cannot place to the pixel:
it paints a soft ramp between the bands and smudges for the lines, and the background reads as a blurred photo.
The cut and the lines are functions of the frame alone, so the run time draws them as the teacher does
(generators/cel_shading.py's own functions, on the frame smoothed by realtime/flat_tones.py's edge-keeping
filter instead of the teacher's slower bilateral one): outside the person mask the picture takes the bands'
lightness and the lines, and keeps the network's colours. Bands and lines are found at most BANDS_SIDE long, the
size the teacher's styles are set for, and scaled up: both are as wide, in a share of the picture, at any size.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from celflow.core.line_art import BackgroundLines
from celflow.generators.cel_shading import REFERENCE_SIDE, ink_lines, quantise_lightness
from celflow.realtime.flat_tones import flatten_tones

BANDS_SIDE = 384  # the demo draws its pairs this long; finer bands and lines scored no closer to the teacher


@dataclass(frozen=True)
class BackgroundDrawing:
    """What the teacher would draw behind the people, found from the frame alone (a video's first stage finds it
    while its second draws the frame before): H×W uint8 Lab lightness in flat bands, H×W float32 line opacity."""

    lightness: np.ndarray
    lines: np.ndarray


def background_drawing(photo: np.ndarray, style: BackgroundLines) -> BackgroundDrawing:
    """The lightness of `photo` cut into `style.tones` flat bands, and its ink lines, at `photo`'s size."""
    height, width = photo.shape[:2]
    shrink = min(1.0, BANDS_SIDE / max(height, width))
    small = photo if shrink == 1.0 else cv2.resize(photo, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    scale = max(small.shape[:2]) / REFERENCE_SIDE
    smooth = flatten_tones(small)
    bands = quantise_lightness(cv2.cvtColor(smooth, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32), style.tones, scale)
    bands = np.clip(np.round(bands), 0, 255).astype(np.uint8)
    lines = (ink_lines(smooth, style.line_weight, scale) * style.line_darkness).astype(np.float32)
    if shrink != 1.0:
        bands = cv2.resize(bands, (width, height), interpolation=cv2.INTER_LINEAR)
        lines = cv2.resize(lines, (width, height), interpolation=cv2.INTER_LINEAR)
    return BackgroundDrawing(bands, lines)


def draw_background(
    picture: np.ndarray, drawing: BackgroundDrawing, person: np.ndarray, ink: tuple[int, int, int]
) -> np.ndarray:
    """H×W×3 uint8 `picture` with, where the H×W float `person` mask (0..1) is not a person, `drawing`'s lightness
    and its lines in `ink`; the person as it was, the mask's soft edge blending the two as the teacher composes
    them."""
    lab = cv2.cvtColor(picture, cv2.COLOR_RGB2LAB)
    lab[..., 0] = drawing.lightness
    # blended over the whole frame in two passes: the lines' soft edges reach too many pixels to ink one by one
    inked = np.empty_like(picture)
    inked[:] = ink
    behind = cv2.blendLinear(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB), inked, 1.0 - drawing.lines, drawing.lines)
    alpha = np.clip(person, 0.0, 1.0).astype(np.float32)
    return cv2.blendLinear(picture, behind, alpha, 1.0 - alpha)


def draw_background_bands(
    picture: np.ndarray, photo: np.ndarray, person: np.ndarray, style: BackgroundLines
) -> np.ndarray:
    """H×W×3 uint8 `picture` (the student's, of `photo`) with, where the H×W float `person` mask (0..1) is not a
    person, the lightness of `photo` cut into `style.tones` flat bands and its ink lines."""
    return draw_background(picture, background_drawing(photo, style), person, style.ink)
