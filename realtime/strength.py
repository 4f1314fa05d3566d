"""Style strength: how far a stylised picture goes from the photo, chosen at run time without retraining.

Mixing the two pictures pixel by pixel in RGB reads as a grey double exposure: colours go muddy and the ink
lines turn into faint grey traces. Here the colours are mixed in CIE Lab, where a half-way colour looks half
way, and the student's ink lines are drawn at their full darkness from a low strength on, so a low strength
looks like a lighter stylisation of the photo rather than two pictures on top of each other.
"""

from __future__ import annotations

import cv2
import numpy as np
from celflow.generators.palette import rgb_to_cie_lab

LINES_FULL_FROM = 0.3  # strength from which the ink lines are as dark as the student drew them
INK_DROP_L = (15.0, 30.0)  # L* darker than the photo's neighbourhood: from not ink to surely ink
INK_THINNESS_L = (8.0, 16.0)  # L* darker than the stylised picture's own surroundings: lines, not dark areas
NEIGHBOURHOOD_PX = 7  # the photo's local lightness is its mean over this square
LINE_WIDTH_PX = 5  # structures narrower than this count as lines (black-hat kernel)


def check_strength(strength: float) -> float:
    """`strength` itself when it lies in [0, 1]; a ValueError naming it otherwise."""
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"--strength {strength}: must be between 0 (the photo) and 1 (the student's picture)")
    return strength


def _ramp(values: np.ndarray, start: float, end: float) -> np.ndarray:
    return np.clip((values - start) / (end - start), 0.0, 1.0)


def drawn_ink_lines(photo_lab: np.ndarray, stylized_lab: np.ndarray) -> np.ndarray:
    """H×W float32 in [0, 1]: 1 where the student drew an ink line, i.e. a thin stroke much darker than the photo
    around it. Dark shading areas are not lines: they are wide, and fade with the strength like any colour."""
    photo_l, stylized_l = photo_lab[..., 0], stylized_lab[..., 0]
    around = cv2.blur(photo_l, (NEIGHBOURHOOD_PX, NEIGHBOURHOOD_PX))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (LINE_WIDTH_PX, LINE_WIDTH_PX))
    thin = cv2.morphologyEx(stylized_l, cv2.MORPH_BLACKHAT, kernel)
    return _ramp(around - stylized_l, *INK_DROP_L) * _ramp(thin, *INK_THINNESS_L)


def apply_strength(
    photo: np.ndarray, stylized: np.ndarray, strength: float, photo_in_proportion: np.ndarray | None = None
) -> np.ndarray:
    """H×W×3 uint8 RGB between `photo` (strength 0) and `stylized` (strength 1), both returned as they are.

    Every pixel moves towards the stylised one by `strength` in Lab; ink-line pixels move by
    strength / LINES_FULL_FROM (capped at 1), so the lines reach full darkness early. Each pixel's
    distance from the photo grows with the strength. In between, the mix starts from `photo_in_proportion` when
    given: the photo with its faces warped as the stylised picture's were, so both show the same faces.
    """
    strength = float(check_strength(strength))  # a numpy float64 would turn the float32 pictures into float64
    if photo.shape != stylized.shape:
        raise ValueError(f"strength: photo {photo.shape} and stylised picture {stylized.shape} differ in size")
    if strength == 0.0:
        return photo
    if strength == 1.0:
        return stylized
    if photo_in_proportion is not None:
        photo = photo_in_proportion
    photo_lab, stylized_lab = rgb_to_cie_lab(photo), rgb_to_cie_lab(stylized)
    lines = drawn_ink_lines(photo_lab, stylized_lab) * min(1.0, strength / LINES_FULL_FROM)
    weight = np.maximum(strength, lines)[..., None]
    mixed = photo_lab + (stylized_lab - photo_lab) * weight
    rgb = cv2.cvtColor(mixed, cv2.COLOR_Lab2RGB)
    return np.rint(np.clip(rgb, 0.0, 1.0) * 255.0).astype(np.uint8)
