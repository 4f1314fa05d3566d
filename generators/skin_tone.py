"""How light or dark a face's skin is: the individual typology angle (ITA°) of its cheeks, and ΔE between two.

ITA° = atan2(L* − 50, b*) on CIE Lab (D65) is the dermatological skin-lightness scale (> 55° very light,
< −30° dark). Measured on the median colour of both cheeks from the face mesh, clear of eyes, brows and lips.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab

from celflow.generators.face_mesh import LEFT_CHEEK, RIGHT_CHEEK

MIN_CHEEK_PIXELS = 20
MIN_SKIN_CHROMA = 4.0  # below this the photo is black and white (or nearly): its skin has no ITA° to keep


@dataclass(frozen=True)
class SkinColour:
    """The median CIE Lab colour of a face's cheeks."""

    lab: tuple[float, float, float]

    @property
    def chroma(self) -> float:
        return float(np.hypot(self.lab[1], self.lab[2]))

    @property
    def ita(self) -> float:
        lightness, _, b = self.lab
        return float(np.degrees(np.arctan2(lightness - 50.0, b)))


def cheek_mask(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    """H×W bool: both cheek polygons of one face mesh (478 points in pixels)."""
    mask = np.zeros(shape, np.uint8)
    for region in (RIGHT_CHEEK, LEFT_CHEEK):
        hull = cv2.convexHull(np.round(points[list(region)]).astype(np.int32))
        cv2.fillConvexPoly(mask, hull, 1)
    return mask.astype(bool)


def cheek_colour(rgb: np.ndarray, points: np.ndarray) -> SkinColour:
    """Median Lab of the cheeks of the face whose mesh is `points`, on an H×W×3 uint8 RGB image."""
    mask = cheek_mask(rgb.shape[:2], points)
    if mask.sum() < MIN_CHEEK_PIXELS:
        raise ValueError(f"cheeks cover {int(mask.sum())} pixels, fewer than {MIN_CHEEK_PIXELS}: face too small")
    lab = rgb2lab(rgb[mask][None])[0]
    return SkinColour(lab=tuple(float(v) for v in np.median(lab, axis=0)))


def skin_difference(a: SkinColour, b: SkinColour) -> tuple[float, float]:
    """(ΔITA° = b − a, CIEDE2000 ΔE) between two skin colours."""
    delta_e = float(deltaE_ciede2000(np.array(a.lab), np.array(b.lab)))
    return b.ita - a.ita, delta_e
