"""How light or dark a face's skin is: the individual typology angle (ITA°) of its cheeks, and ΔE between two.

ITA° = atan2(L* − 50, b*) on CIE Lab (D65) is the dermatological skin-lightness scale (> 55° very light,
< −30° dark). Measured on the median colour of both cheeks from the face mesh, clear of eyes, brows and lips, and
only where the person is (a turned face's far cheek can reach past its edge): one median over both cheeks.
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


def _cheeks(shape: tuple[int, int], points: np.ndarray, within: np.ndarray | None) -> list[np.ndarray]:
    cheeks = [_cheek(shape, points, region) for region in (RIGHT_CHEEK, LEFT_CHEEK)]
    return cheeks if within is None else [cheek & within for cheek in cheeks]


def cheek_areas(shape: tuple[int, int], points: np.ndarray, within: np.ndarray | None = None) -> tuple[int, int]:
    """Pixels of each cheek (right, left) of one face mesh, counting only those `within` (H×W bool) when given."""
    right, left = _cheeks(shape, points, within)
    return int(right.sum()), int(left.sum())


def cheek_colour(
    rgb: np.ndarray,
    points: np.ndarray,
    within: np.ndarray | None = None,
    areas: tuple[int, int] | None = None,
) -> SkinColour:
    """Median Lab of the cheeks of the face whose mesh is `points`, on an H×W×3 uint8 RGB image.

    `within` (H×W bool) keeps only those cheek pixels: on a turned face the mesh's far cheek reaches past the
    face's edge, onto the backdrop in a photo and onto the silhouette's ink in a drawing, neither of them skin.
    `areas`, the photo's cheek_areas when reading an output warped to a character's face, weighs each cheek's
    pixels so that the cheek counts as much as it does on the photo: a warp that narrows a turned face shrinks
    its far cheek more than its near one, and on a face lit by two lights (a warm lamp on one cheek, a blue
    screen on the other) the median would follow that change of areas and read the same colours as another skin."""
    cheeks = _cheeks(rgb.shape[:2], points, within)
    total = sum(int(cheek.sum()) for cheek in cheeks)
    if total < MIN_CHEEK_PIXELS:
        raise ValueError(f"cheeks cover {total} pixels, fewer than {MIN_CHEEK_PIXELS}: face too small")
    lab = [rgb2lab(rgb[cheek][None])[0] for cheek in cheeks]
    pooled = np.concatenate(lab)
    if areas is not None:
        weights = np.concatenate([np.full(len(pixels), area / max(len(pixels), 1)) for pixels, area in zip(lab, areas)])
        if weights.sum():  # none where the photo's cheeks are not where these are: nothing to weigh by
            weights = np.repeat(weights[:, None], 3, axis=1)
            median = np.quantile(pooled, 0.5, axis=0, weights=weights, method="inverted_cdf")
            return SkinColour(lab=tuple(float(v) for v in median))
    return SkinColour(lab=tuple(float(v) for v in np.median(pooled, axis=0)))


def skin_difference(a: SkinColour, b: SkinColour) -> tuple[float, float]:
    """(ΔITA° = b − a, CIEDE2000 ΔE) between two skin colours."""
    delta_e = float(deltaE_ciede2000(np.array(a.lab), np.array(b.lab)))
    return b.ita - a.ita, delta_e
