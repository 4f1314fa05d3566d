"""Skin: where it is (face-mesh regions plus a colour model fitted to this photo's own face skin) and how to
paint it in the person's own colours as flat cel tones, so nobody's skin is whitewashed.

Written by hand: no maintained library fits a per-photo skin model from face landmarks; the parts that are
standard (colour spaces, Gaussian statistics, morphology) come from OpenCV and numpy.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np
from skimage.filters import apply_hysteresis_threshold

from celflow.core.character import SkinTone
from celflow.generators.face_mesh import (
    CHIN,
    FACE_OVAL,
    FOREHEAD,
    FOREHEAD_TOP,
    LEFT_BROW,
    LEFT_CHEEK,
    LEFT_EYE,
    LIPS_OUTER,
    RIGHT_BROW,
    RIGHT_CHEEK,
    RIGHT_EYE,
    Face,
)
from celflow.generators.largest_share import largest_share
from celflow.generators.palette import hex_to_rgb, rgb_to_cie_lab
from celflow.generators.skin_tone import MIN_SKIN_CHROMA
from celflow.generators.smoothstep import smoothstep

FEATURES = (RIGHT_EYE, LEFT_EYE, RIGHT_BROW, LEFT_BROW, LIPS_OUTER)
CHEEKS = (RIGHT_CHEEK, LEFT_CHEEK)
SKIN_SAMPLES = (*CHEEKS, FOREHEAD)
COLOUR_DISTANCE = 3.0  # Mahalanobis distance (σ) from the face skin's colour that still counts as skin
STRAY_SAMPLE = 3.0  # robust σ: a sample darker than the skin and this far off is a strand of hair, not skin
SHADING_SLACK = 2.5  # lightness varies more than hue across skin (shadows): its σ is widened this much
GROWN_DISTANCE = 4.5  # σ: lighter skin that touches skin found at COLOUR_DISTANCE may drift this far
LIT_CHROMA = 0.4  # lit skin keeps at least this share of the face skin's chroma, along its hue
SAME_HUE = 15.0  # degrees of hue (CIE Lab) from the face skin's: an arm in other light keeps its hue
SAME_CHROMA = (0.4, 1.6)  # ... and its chroma within these shares of the face skin's
SMOOTH_SKIN = 3.0  # L* standard deviation over a few pixels: skin is smooth, curls and knits are not
SMOOTH_SIGMA = 1.5  # px at PORTRAIT_FACE_PX, where that deviation is read
MAJORITY_PX = 7  # px: the window of the majority vote that closes pores and stubble in such skin
CROWN_REACH = 1.0  # face heights above the brows: where hair is, and skin is found by its colour alone
MIN_SKIN_PATCH = 0.01  # share of a face's width squared: a skin patch smaller than this is taken for hair or wood
FACE_SLACK = 2.0  # inside the face oval, colours this many times further away still count
MIN_SAMPLES = 30
MIN_OWN_SAMPLES = 100  # a face's own skin samples for a colour model of its own, in a group photo
BAND_STEP = (4.0, 10.0)  # L* between skin bands: the skin's own spread, within these bounds
BAND_SOFTNESS = 0.25  # share of a band over which one skin tone blends into the next
BAND_EDGE_SIGMA = 1.5  # px: band edges follow the face's shape, not its pores
PORTRAIT_FACE_PX = 200  # a portrait's face width at 512 px: the sizes below are for such a face
SHADING_SIGMA = 6.0  # px: the face's smooth 3-D shading, below the scale of eyes and lips
CHROMA_SIGMA = 6.0  # px: the skin's own colour, flushed cheeks kept, blemishes gone
MAX_TINT_ITA = 2.0  # ITA° the character's tint may move a person's skin by: a tint of colour, not of lightness


def face_regions(shape: tuple[int, int], faces: list[Face], regions: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """H×W bool: inside the convex hull of any of `regions` (landmark index lists) of any face."""
    mask = np.zeros(shape, np.uint8)
    for face in faces:
        for region in regions:
            cv2.fillConvexPoly(mask, cv2.convexHull(np.round(face.points[list(region)]).astype(np.int32)), 1)
    return mask.astype(bool)


def tone_lab(tone: str) -> np.ndarray:
    """A pack's skin `tone` (hex) as CIE Lab (3,)."""
    return rgb_to_cie_lab(hex_to_rgb([tone]).reshape(1, 1, 3)).reshape(3)


class SkinMasks(NamedTuple):
    """Where a photo's skin is, two ways (H×W float32 0..1 each)."""

    sure: np.ndarray  # skin by the strict colour test: what the light is read from
    painted: np.ndarray  # also the lit skin joined to it, less small patches: what is painted in the person's colours


def skin_masks(rgb: np.ndarray, faces: list[Face], person_mask: np.ndarray) -> SkinMasks:
    """Face, neck, ears, arms and hands; not eyes, brows, lips, hair or clothes.

    Skin pixels outside the face are found by their colour's distance to this photo's own cheek and
    forehead skin (in a group photo, their person's), so the model follows the photo's lighting and the person's
    complexion; skin in other light than the face (an arm by a window, a neck in the body's shade) by the face
    skin's hue on smooth pixels that join it, outside the hair above the brows. The light correction reads the
    sure mask: a lit arm's paler, less saturated skin would move the skin colour it holds steady.
    """
    shape = rgb.shape[:2]
    if not faces:
        return SkinMasks(*[np.zeros(shape, np.float32)] * 2)
    features = cv2.dilate(face_regions(shape, faces, FEATURES).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    samples = face_regions(shape, faces, SKIN_SAMPLES) & ~features
    lab = rgb_to_cie_lab(rgb)
    pixels = lab[samples]
    if len(pixels) < MIN_SAMPLES:
        return SkinMasks(*[(face_regions(shape, faces, (FACE_OVAL,)) & ~features).astype(np.float32)] * 2)
    mean, shade, distance = _colour_distance(lab, faces, features, pixels)
    # Inside the face oval a looser test suffices (shadows, make-up); it still drops hat brims and fringes.
    in_face = face_regions(shape, faces, (FACE_OVAL,)) & (distance < (FACE_SLACK * COLOUR_DISTANCE) ** 2)
    if float(_chroma(np.median(pixels, axis=0))) < MIN_SKIN_CHROMA:
        # black and white (or nearly): without colour a neck looks like a grey suit or a wall, and the whole
        # person was painted in skin bands, a black jacket turned grey; the face alone is skin there
        face_skin = ((in_face & ~features) | samples).astype(np.float32)
        return SkinMasks(*[cv2.GaussianBlur(face_skin, (0, 0), 0.8)] * 2)
    person = person_mask > 0.5
    near = ((distance < COLOUR_DISTANCE**2) & person).astype(np.uint8)
    near = cv2.morphologyEx(near, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    # lit skin keeps some of the skin's own colour: its chroma along the face skin's hue (chroma × cos(hue apart))
    skin_chroma = _chroma(mean)
    along_hue = (lab[..., 1] * mean[..., 1] + lab[..., 2] * mean[..., 2]) / skin_chroma
    lit = (lab[..., 0] > mean[..., 0]) & (along_hue > LIT_CHROMA * skin_chroma) & (distance < GROWN_DISTANCE**2)
    unshaded = lab[..., 0] > mean[..., 0] - SHADING_SLACK * shade  # deep shade: the palette's dark
    other_light = _smooth_in_skin_hue(lab, along_hue, skin_chroma, faces) & unshaded & ~_crowns(shape, faces)
    grown = _grown_skin(near, lit | other_light, person, in_face, faces)
    sure, painted = [((found | in_face) & ~features) | samples for found in (near, grown)]
    return SkinMasks(*[cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 0.8) for mask in (sure, painted)])


def _skin_colour(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance (+1 on the diagonal: a flat-coloured face stays invertible) of N×3 Lab skin samples,
    without the strays: samples darker than their median that lie more than STRAY_SAMPLE robust σ from it in any
    channel.

    Strands of dark hair over a forehead or a cheek, and in a group photo the hair between faces, fall among the
    samples: they widen the spread so far that the hair itself then passes for skin and is painted in skin
    tones, dark hair coming out a mottled grey-brown. A plain mean and covariance are pulled towards the strands
    they should leave out, so the strays are found against the median and the median absolute deviation (which
    a minority of strands cannot move), and the skin's covariance is taken without them. Only darker strays are
    left out: lit skin is lighter, and what lit arms and shoulders are found by."""
    centre = np.median(pixels, axis=0)
    spread = 1.4826 * np.median(np.abs(pixels - centre), axis=0) + 1.0  # the MAD as a normal's σ, +1 as below
    kept = pixels[(np.abs(pixels - centre) < STRAY_SAMPLE * spread).all(1) | (pixels[:, 0] >= centre[0])]
    if len(kept) < MIN_SAMPLES:
        kept = pixels
    return kept.mean(0), np.cov(kept, rowvar=False) + np.eye(3)


def _colour_distance(
    lab: np.ndarray, faces: list[Face], features: np.ndarray, samples: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The skin colour each pixel is judged against (Lab: one, or H×W×3 in a group photo), the spread of its
    lightness (σ: one, or H×W) and each pixel's squared Mahalanobis distance from it (H×W), L* widened by
    SHADING_SLACK. `samples` are the cheek and forehead pixels of every face (N×3 Lab).

    In a group photo each pixel is judged against the skin of its person (the nearest face), when that face has
    MIN_OWN_SAMPLES of its own: one model pooled over people of lighter and darker skin was wide enough to take
    a woman's brown hair beside her face for skin."""
    pooled = _skin_colour(samples)
    widen = np.diag([1 / SHADING_SLACK, 1.0, 1.0])
    if len(faces) == 1:
        mean, spread = pooled
        offset = lab - mean
        inverse = widen @ np.linalg.inv(spread) @ widen
        return mean, np.sqrt(spread[0, 0]), np.einsum("...i,ij,...j->...", offset, inverse, offset)
    models = []
    for face in faces:
        own = lab[face_regions(lab.shape[:2], [face], SKIN_SAMPLES) & ~features]
        models.append(_skin_colour(own) if len(own) >= MIN_OWN_SAMPLES else pooled)
    people = nearest_face(lab.shape[:2], faces)
    mean = np.stack([centre for centre, _ in models]).astype(np.float32)[people]
    shade = np.sqrt([spread[0, 0] for _, spread in models]).astype(np.float32)[people]
    offset = lab - mean
    distance = np.empty(lab.shape[:2], np.float32)
    for index, (_, spread) in enumerate(models):
        mine = people == index
        inverse = (widen @ np.linalg.inv(spread) @ widen).astype(np.float32)
        distance[mine] = np.einsum("...i,ij,...j->...", offset[mine], inverse, offset[mine])
    return mean, shade, distance


def _chroma(lab: np.ndarray) -> np.ndarray:
    return np.maximum(np.hypot(lab[..., 1], lab[..., 2]), 1e-3)


def _smooth_in_skin_hue(
    lab: np.ndarray, along_hue: np.ndarray, skin_chroma: np.ndarray, faces: list[Face]
) -> np.ndarray:
    """H×W bool: smooth pixels within SAME_HUE of the face skin's hue and about its chroma (`skin_chroma`),
    however far their lightness. `along_hue` is each pixel's chroma along the skin's hue.

    An arm or a shoulder in other light than the face (a window's highlight, the shade of the body) drifts
    from the face's colour mostly in lightness and saturation, and far: a colour test centred on the cheeks
    misses it, and the missed skin is painted the palette's light skin instead of the person's own. Its hue
    stays, and skin is smooth; hair of a skin-like hue (brown curls, auburn) is not, at the scale of its
    strands."""
    chroma = _chroma(lab)
    in_hue = (along_hue > np.cos(np.radians(SAME_HUE)) * chroma) & (chroma > SAME_CHROMA[0] * skin_chroma)
    in_hue &= chroma < SAME_CHROMA[1] * skin_chroma
    sigma = SMOOTH_SIGMA * max(float(np.median([face.width for face in faces])) / PORTRAIT_FACE_PX, 0.5)
    lightness = lab[..., 0]
    variance = cv2.GaussianBlur(lightness * lightness, (0, 0), sigma) - cv2.GaussianBlur(lightness, (0, 0), sigma) ** 2
    found = in_hue & (variance < SMOOTH_SKIN**2)
    # a majority over a few pixels: stubble and pores leave holes in a neck, which painted half in the person's
    # colours and half in the palette's come out mottled
    return cv2.blur(found.astype(np.float32), (MAJORITY_PX, MAJORITY_PX)) > 0.5


def _crowns(shape: tuple[int, int], faces: list[Face]) -> np.ndarray:
    """H×W bool: above each face's brows (along the face's own up) and within CROWN_REACH face heights of them:
    where the hair is. Smooth hair of a skin-like hue (a light-brown fringe) passes the hue and smoothness test
    and touches the forehead; arms rarely reach there, and those that do are still found by their colour."""
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    crowns = np.zeros(shape, bool)
    for face in faces:
        up = face.points[FOREHEAD_TOP] - face.points[CHIN]
        height = max(float(np.hypot(*up)), 1.0)
        brows = face.points[list(RIGHT_BROW + LEFT_BROW)].mean(0)
        above = ((xs - brows[0]) * up[0] + (ys - brows[1]) * up[1]) / height
        crowns |= (above > 0) & (np.hypot(xs - brows[0], ys - brows[1]) < CROWN_REACH * height)
    return crowns


def skin_mask(rgb: np.ndarray, faces: list[Face], person_mask: np.ndarray) -> np.ndarray:
    """H×W float32 0..1: the skin painted in the person's own colours (`skin_masks`)."""
    return skin_masks(rgb, faces, person_mask).painted


def _grown_skin(
    near: np.ndarray,
    loose: np.ndarray,
    person: np.ndarray,
    in_face: np.ndarray,
    faces: list[Face],
) -> np.ndarray:
    """H×W bool: `near` (skin by the strict test) grown into the person's `loose` pixels (skin by a looser test)
    that touch it or the face (hysteresis), less patches smaller than MIN_SKIN_PATCH of a face's area.

    A lit arm or shoulder drifts away from the face's colour gradually, paler and less saturated, so a looser
    test holds where it joins skin the strict test found: lighter pixels within GROWN_DISTANCE, since hair is
    mostly darker than the skin beside it, while some of the skin's colour is left, since the lit edge of a grey
    car seat beside a face is lighter too; and smooth pixels of the skin's hue (`_smooth_in_skin_hue`). The
    brown curls of hair near a skin colour are small islands, and a patch smaller than a fingertip is more often
    hair or wood than skin."""
    loose = (person & loose) | near
    grown = apply_hysteresis_threshold(loose.astype(np.uint8) + (near | in_face), 0.5, 1.5)
    _, patches, stats, _ = cv2.connectedComponentsWithStats(grown.astype(np.uint8), connectivity=8)
    min_area = MIN_SKIN_PATCH * float(np.median([face.width for face in faces])) ** 2
    big = stats[:, cv2.CC_STAT_AREA] >= min_area
    big[0] = False
    return big[patches] | (grown & in_face)


def _weighted_blur(values: np.ndarray, weight: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of `values` that only averages pixels where `weight` is high (normalised convolution)."""
    w = weight if values.ndim == 2 else weight[..., None]
    total = np.maximum(cv2.GaussianBlur(weight, (0, 0), sigma), 1e-4)
    return cv2.GaussianBlur(values * w, (0, 0), sigma) / (total if values.ndim == 2 else total[..., None])


def band_lightness(
    lightness: np.ndarray, centre: np.ndarray | float, step: np.ndarray | float, bands: int, scale: float
) -> np.ndarray:
    """Flat lightness bands `step` L* apart around the skin's own `centre` (per pixel, or one for all), mostly
    shadow bands below it and one highlight band above, with edges a pixel or two wide."""
    levels = np.arange(bands) - (bands - 2)
    relative = cv2.GaussianBlur((lightness - centre) / step, (0, 0), BAND_EDGE_SIGMA * scale)
    banded = np.full_like(relative, float(levels[0]))
    for cut in levels[:-1] + 0.5:
        banded += smoothstep((relative - cut) / BAND_SOFTNESS + 0.5)
    return centre + step * banded


def nearest_face(shape: tuple[int, int], faces: list[Face]) -> np.ndarray:
    """H×W int: for each pixel, the index of the face whose centre is nearest, in units of that face's width
    (a neck, a hand, an ear belongs to the person whose face is closest)."""
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    distances = [np.hypot(xs - c[0], ys - c[1]) / max(face.width, 1.0) for face in faces for c in [face.points.mean(0)]]
    return np.argmin(np.stack(distances), axis=0)


def _ita(lab: np.ndarray) -> float:
    return float(np.degrees(np.arctan2(lab[0] - 50.0, lab[2])))


def tint_shift(mean: np.ndarray, target: np.ndarray, tint: float, lightness: bool) -> np.ndarray:
    """The Lab shift that moves a person's mean skin colour `mean` `tint` of the way to the character's tone
    `target`. By default a tint of colour (a*, b*), never of lightness, and scaled back until it moves the skin's
    ITA° by at most MAX_TINT_ITA: on skin whose b* is near 0 (very light skin, a cool light) one unit of b* moves
    ITA° by several degrees, and a light tint would otherwise draw that person darker. With `lightness` (a pack
    that paints every face its tone) the whole way, lightness too."""
    shift = tint * (target - mean)
    if lightness:
        return shift.astype(np.float32)
    shift[0] = 0.0
    before = _ita(mean)

    def too_far(share: float) -> bool:
        return abs(_ita(mean + share * shift) - before) > MAX_TINT_ITA

    return (shift * largest_share(too_far)).astype(np.float32)


def paint_own_skin(
    stylised: np.ndarray,
    smoothed: np.ndarray,
    skin: np.ndarray,
    faces: list[Face],
    tone: SkinTone,
    keep_detail: bool = False,
) -> np.ndarray:
    """Paint the skin of `stylised` in each person's own skin colours from `smoothed` (the photo, smoothed by
    cel_shading.smoothed_photo), banded into cel tones.

    Lightness is banded around the median lightness of each person's own cheeks (other skin belongs to the
    nearest face), where skin tone is read, so a lit forehead never moves the cheeks a band; a share of the
    face's smooth shading is kept (the 3-D shape of a face carries its identity). Colour is the photo's own
    skin colour, smoothed; each person's mean colour then moves `tone.tint` of the way to the character's tone
    (tint_shift; its lightness too only with `tone.tint_lightness`). With `keep_detail` the teacher's own fine
    marks (a diffusion teacher's lines) stay on top. Pixels off the skin are unchanged.
    """
    core = skin > 0.5
    if core.sum() < MIN_SAMPLES or not faces:
        return stylised.copy()
    scale = float(np.median([face.width for face in faces])) / PORTRAIT_FACE_PX  # shading is sized by the face
    lab = rgb_to_cie_lab(smoothed)
    lightness = lab[..., 0]
    people = nearest_face(lightness.shape, faces)
    own = [core & (people == index) for index in range(len(faces))]
    own = [mine if mine.sum() >= MIN_SAMPLES else core for mine in own]  # too little skin: the photo's
    # bands are centred on each face's cheeks: the skin a reader looks at keeps its own lightness
    centres = []
    for face, mine in zip(faces, own):
        cheeks = face_regions(lightness.shape, [face], CHEEKS) & core
        centres.append(np.median(lightness[cheeks if cheeks.sum() >= MIN_SAMPLES else mine]))
    step = np.array([np.clip(lightness[mine].std(), *BAND_STEP) for mine in own], np.float32)[people]
    banded = band_lightness(lightness, np.array(centres, np.float32)[people], step, tone.bands, scale)
    shading = _weighted_blur(lightness, skin, SHADING_SIGMA * scale)
    painted = np.empty_like(lab)
    painted[..., 0] = (1 - tone.shading_kept) * banded + tone.shading_kept * shading
    painted[..., 1:] = _weighted_blur(lab[..., 1:], skin, CHROMA_SIGMA * scale)
    if keep_detail:
        drawn = rgb_to_cie_lab(stylised)[..., 0]
        painted[..., 0] += drawn - cv2.GaussianBlur(drawn, (0, 0), 2 * scale)
    target = tone_lab(tone.tone)
    for index, mine in enumerate(own):
        painted[people == index] += tint_shift(painted[mine].mean(0), target, tone.tint, tone.tint_lightness)
    rgb = np.clip(cv2.cvtColor(painted, cv2.COLOR_Lab2RGB) * 255, 0, 255)
    weight = skin[..., None]
    out = stylised.astype(np.float32) * (1 - weight) + rgb * weight
    return np.where(weight > 0, np.round(out), stylised).astype(np.uint8)  # no round-trip drift off the skin
