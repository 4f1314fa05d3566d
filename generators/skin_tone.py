"""How light or dark a face's skin is: the individual typology angle (ITA°) of its cheeks, and ΔE between two.

ITA° = atan2(L* − 50, b*) on CIE Lab (D65) is the dermatological skin-lightness scale (> 55° very light,
< −30° dark). Measured on the median colour of both cheeks from the face mesh, clear of eyes, brows and lips (one
median over both: a cheek that lands on hair or the background, on a turned face, stays a minority).
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


def _cheek(shape: tuple[int, int], points: np.ndarray, region: tuple[int, ...]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(np.round(points[list(region)]).astype(np.int32)), 1)
    return mask.astype(bool)


def cheek_mask(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    """H×W bool: both cheek polygons of one face mesh (478 points in pixels)."""
    return _cheek(shape, points, RIGHT_CHEEK) | _cheek(shape, points, LEFT_CHEEK)


def cheek_colour(rgb: np.ndarray, points: np.ndarray, areas_of: np.ndarray | None = None) -> SkinColour:
    """Median Lab of the cheeks of the face whose mesh is `points`, on an H×W×3 uint8 RGB image.

    `areas_of`, the photo's mesh when reading an output warped to a character's face, weighs each cheek's pixels
    so that the cheek counts as much as it does on the photo: a warp that narrows a turned face shrinks its far
    cheek more than its near one, and on a face lit by two lights (a warm lamp on one cheek, a blue screen on
    the other) the median would follow that change of areas and read the same colours as another skin."""
    cheeks = [_cheek(rgb.shape[:2], points, region) for region in (RIGHT_CHEEK, LEFT_CHEEK)]
    total = sum(int(cheek.sum()) for cheek in cheeks)
    if total < MIN_CHEEK_PIXELS:
        raise ValueError(f"cheeks cover {total} pixels, fewer than {MIN_CHEEK_PIXELS}: face too small")
    lab = [rgb2lab(rgb[cheek][None])[0] for cheek in cheeks]
    if areas_of is None:
        return SkinColour(lab=tuple(float(v) for v in np.median(np.concatenate(lab), axis=0)))
    wanted = [float(_cheek(rgb.shape[:2], areas_of, region).sum()) for region in (RIGHT_CHEEK, LEFT_CHEEK)]
    weights = np.concatenate([np.full(len(pixels), area / max(len(pixels), 1)) for pixels, area in zip(lab, wanted)])
    if not weights.sum():  # the photo's cheeks lie off its edges: nothing to weigh by
        return cheek_colour(rgb, points)
    weights = np.repeat(weights[:, None], 3, axis=1)
    median = np.quantile(np.concatenate(lab), 0.5, axis=0, weights=weights, method="inverted_cdf")
    return SkinColour(lab=tuple(float(v) for v in median))


def skin_difference(a: SkinColour, b: SkinColour) -> tuple[float, float]:
    """(ΔITA° = b − a, CIEDE2000 ΔE) between two skin colours."""
    delta_e = float(deltaE_ciede2000(np.array(a.lab), np.array(b.lab)))
    return b.ita - a.ita, delta_e
