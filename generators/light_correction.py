"""Take the light out before reading skin tone: a conservative exposure lift and white balance.

A warm lamp or a dim room must not be read as someone's skin colour, but a correction that is too eager
turns a warm photo into the wrong skin. So both steps are conservative:
- exposure only lifts a photo whose highlights sit clearly under white (nothing in it is near 255) and whose
  skin's highlights do too, and never so far that the skin's own highlights would pass that level: a lit face
  in a dark room (a club, a stage, a party) is exposed for the face, and lifting it to the room's missing
  highlights would draw that person lighter; the lift fades in over DIM_BAND under that level, so that a
  little less light (a cool light lowers a face's red highlights) never switches on a lift of a stop and more;
- white balance reads the light's colour from the photo's near-grey surfaces only, never from skin (a
  close-up of warm skin is not a warm light), nor from the hair, brows and lips around a face (brown hair is
  near enough to grey to call a neutral light warm), nor from coloured things (an orange suit, a red curtain, and
  the paler ones that a loose test of "near grey" still lets in: a beige wall, a film's teal-and-orange grade,
  a muted blue backdrop), and removes only the part of that cast beyond CAST_TOLERANCE;
- and the white balance may move the skin's ITA° by at most MAX_SKIN_SHIFT, its a* (the red-green axis
  ITA° does not read) by at most MAX_SKIN_REDNESS_SHIFT and its hue by at most MAX_SKIN_HUE_SHIFT, the skin as
  a whole and each face's cheeks on their own: a blue studio backdrop read as a cast otherwise paints a pale
  person tan (near L* 50 ITA° hardly moves with b*, so there only the hue shows it), in a group photo a
  correction the lighter skin of the others allows can turn one person's dark skin grey, and a magenta party
  light removed in full drains the red from lit arms. A stronger correction is scaled back (in log gains) until no
  skin moves further. The exposure lift is not held to that shift: a photo one stop under moves the skin far
  more, and lifting it is the point.
Both act in linear RGB, as a camera's gains do. Written out here: no maintained library offers a
skin-excluding grey-pixel estimate; the iteration itself is the published one (Huo et al. 2006).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import cv2
import numpy as np

from celflow.generators.face_mesh import FACE_OVAL, Face
from celflow.generators.largest_share import largest_share
from celflow.generators.skin_tone import MIN_CHEEK_PIXELS, MIN_SKIN_CHROMA, cheek_mask

HIGHLIGHT_PERCENTILE = 99.0
UNDEREXPOSED = 0.80  # surroundings and skin with highlights (of 1) under this: the photo is dim, lift it
DIM_BAND = 0.06  # the lift grows from none to full as highlights fall this far under UNDEREXPOSED
HIGHLIGHT_TARGET = 0.98
MAX_LIFT = 3.0  # linear gain: never invent more than ~1.6 stops of light
MIN_SURROUNDINGS = 0.6  # share of the photo that is not skin, for its light level to be read at all
GREY_SATURATION = 0.2  # a pixel whose channels differ by less than this share of its brightness is near grey
GREY_ITERATIONS = 4
CAST_TOLERANCE = 0.08  # log-gain between channels a scene may carry without being called a cast
USABLE = (0.02, 0.95)  # linear values outside this are noise or clipped: no evidence about the light
MIN_PIXELS = 100
ESTIMATE_STRIDE = 3
MAX_SKIN_SHIFT = 8.0  # ITA° the correction may move the skin's median colour
MAX_SKIN_REDNESS_SHIFT = 5.0  # a* (CIE Lab) it may move it: the red-green axis, which ITA° does not read
MAX_SKIN_HUE_SHIFT = 5.0  # degrees of hue (CIE Lab) it may turn it: near L* 50 ITA° barely sees a change of b*
SHIFT_SEARCH_STEPS = 8
HEAD_REACH = 0.5  # face widths around the face oval: hair, brows and lips, never read for the light's colour


_LINEAR = (np.arange(256, dtype=np.float32) / 255) ** 2.2  # uint8 sRGB → linear, as a table


def _to_linear(rgb: np.ndarray) -> np.ndarray:
    return _LINEAR[rgb]


def _with_gains(rgb: np.ndarray, gains: np.ndarray) -> np.ndarray:
    """uint8 sRGB with linear per-channel gains applied, through one 256-entry table per channel."""
    tables = np.round(np.clip(_LINEAR[:, None] * gains, 0, 1) ** (1 / 2.2) * 255).astype(np.uint8)
    return np.stack([tables[rgb[..., c], c] for c in range(3)], axis=-1)


def _highlights(linear: np.ndarray) -> float:
    """sRGB level (of 1) of the brightest pixels among N×3 linear RGB, read at HIGHLIGHT_PERCENTILE."""
    return float(np.percentile(linear.max(-1), HIGHLIGHT_PERCENTILE)) ** (1 / 2.2)


def _dimness(highlights: float) -> float:
    """0 for highlights at UNDEREXPOSED or over, 1 for highlights DIM_BAND under it, linear between: the share
    of the lift a photo gets, so that a little less light never switches on a lift of a stop and a half."""
    return float(np.clip((UNDEREXPOSED - highlights) / DIM_BAND, 0.0, 1.0))


def exposure_gain(linear: np.ndarray, skin: np.ndarray) -> float:
    """Linear gain that brings a dim photo's highlights up to HIGHLIGHT_TARGET, but the skin's own highlights
    no higher than that; 1.0 for a normal photo, for one whose skin's highlights reach UNDEREXPOSED (the faces
    are lit: only the room around them is dark), and for a close-up that is mostly skin (without other
    surfaces, dark skin and dim light look alike). Between, over DIM_BAND, the lift fades in (in log gain).

    The skin's bound holds under any exposure, since a dimmer shot dims the skin's highlights with the rest: the
    same scene one stop under is lifted by twice the gain, and so comes out as it does at its own exposure."""
    surroundings = skin < 0.5
    if surroundings.mean() < MIN_SURROUNDINGS:
        return 1.0
    highlights = _highlights(linear[surroundings])
    if highlights >= UNDEREXPOSED or highlights <= 0:
        return 1.0
    gain = min((HIGHLIGHT_TARGET / highlights) ** 2.2, MAX_LIFT)
    share = _dimness(highlights)
    skin_pixels = linear[skin >= 0.5]
    if len(skin_pixels) >= MIN_PIXELS:
        skin_highlights = _highlights(skin_pixels)
        gain = min(gain, (HIGHLIGHT_TARGET / max(skin_highlights, 1e-3)) ** 2.2)
        share = min(share, _dimness(skin_highlights))
    return float(max(gain, 1.0) ** share)


def cast_gains(linear: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Per-channel gains (G = 1) that make the photo's near-grey surfaces grey again, beyond CAST_TOLERANCE.

    Grey pixels are picked anew after each correction (Huo et al. 2006): walls, shirts, metal and paper
    show the light's colour, while a red curtain or an orange suit is not near grey and so never counts.
    """
    candidates = (skin < 0.5) & (linear.max(-1) < USABLE[1]) & (linear.min(-1) > USABLE[0])
    pixels = linear[candidates].astype(np.float64)
    gains = np.ones(3)
    for _ in range(GREY_ITERATIONS):
        balanced = pixels * gains
        brightness = balanced.mean(-1)
        grey = np.abs(balanced - brightness[:, None]).max(-1) < GREY_SATURATION * brightness
        if grey.sum() < MIN_PIXELS:
            break
        mean = balanced[grey].mean(0)
        gains *= mean[1] / mean
    cast = -np.log(gains)  # (r, 0, b): how much redder / bluer the light is than grey
    size = float(np.linalg.norm(cast))
    if size <= CAST_TOLERANCE:
        return np.ones(3, np.float32)
    return np.exp(-cast * (size - CAST_TOLERANCE) / size).astype(np.float32)


class _SkinReading(NamedTuple):
    ita: float
    redness: float  # a*
    hue: float  # degrees, CIE Lab
    chroma: float


def _skin_reading(linear: np.ndarray) -> _SkinReading:
    """ITA°, a*, hue and chroma of the median CIE Lab colour (D65) of N×3 linear RGB pixels, as skin_tone reads
    a face's: a mean in linear light is pulled up by the skin's specular highlights."""
    srgb = (np.clip(linear, 0, 1) ** (1 / 2.2)).astype(np.float32).reshape(1, -1, 3)
    lightness, a, b = np.median(cv2.cvtColor(srgb, cv2.COLOR_RGB2Lab)[0], axis=0)
    ita, hue = np.degrees(np.arctan2(lightness - 50, b)), np.degrees(np.arctan2(b, a))
    return _SkinReading(float(ita), float(a), float(hue), float(np.hypot(a, b)))


def _moved_too_far(before: _SkinReading, after: _SkinReading) -> bool:
    turned = abs((after.hue - before.hue + 180) % 360 - 180)
    has_hue = min(before.chroma, after.chroma) >= MIN_SKIN_CHROMA  # a grey's hue is noise
    return (
        abs(after.ita - before.ita) > MAX_SKIN_SHIFT
        or abs(after.redness - before.redness) > MAX_SKIN_REDNESS_SHIFT
        or (has_hue and turned > MAX_SKIN_HUE_SHIFT)
    )


def within_skin_shift(gains: np.ndarray, skins: Sequence[np.ndarray]) -> np.ndarray:
    """`gains`, scaled back in log space as little as needed for the ITA° of each of `skins` (N×3 linear RGB
    pixels each) to move by at most MAX_SKIN_SHIFT, its a* by at most MAX_SKIN_REDNESS_SHIFT and its hue by at
    most MAX_SKIN_HUE_SHIFT (bisection on the share of the correction kept)."""
    if not skins or np.allclose(gains, 1.0):
        return gains
    before = [_skin_reading(skin) for skin in skins]

    def too_far(share: float) -> bool:
        return any(
            _moved_too_far(reading, _skin_reading(np.clip(skin * gains**share, 0, 1)))
            for skin, reading in zip(skins, before)
        )

    return (gains ** largest_share(too_far, SHIFT_SEARCH_STEPS)).astype(np.float32)


def skin_pixels(rgb: np.ndarray, skin: np.ndarray, faces: Sequence[Face]) -> list[np.ndarray]:
    """Linear RGB pixels of the skin as a whole (on every ESTIMATE_STRIDE-th pixel) and of each face's cheeks (all
    of them: a small face has few; the mesh's cheeks are skin, while the colour-fitted mask may keep only their
    lit part), leaving out sets too small to read a colour from."""
    sample = np.s_[::ESTIMATE_STRIDE, ::ESTIMATE_STRIDE]
    whole = _to_linear(rgb[sample])[skin[sample] > 0.5]
    skins = [whole] if len(whole) >= MIN_PIXELS else []
    for face in faces:
        cheeks = _to_linear(rgb[cheek_mask(skin.shape, face.points)])
        if len(cheeks) >= MIN_CHEEK_PIXELS:
            skins.append(cheeks)
    return skins


def heads(shape: tuple[int, int], faces: Sequence[Face], scale: float = 1.0) -> np.ndarray:
    """H×W float32, 1 within HEAD_REACH face widths of any face oval (face points times `scale`): where the grey
    pixels a white balance reads would be brown hair, brows and red lips, and they call a neutral light warm."""
    found = np.zeros(shape, np.uint8)
    for face in faces:
        oval = np.zeros(shape, np.uint8)
        cv2.fillConvexPoly(oval, cv2.convexHull(np.round(face.points[list(FACE_OVAL)] * scale).astype(np.int32)), 1)
        reach = max(int(HEAD_REACH * face.width * scale), 1)
        found |= cv2.dilate(oval, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1)))
    return found.astype(np.float32)


def correct_light(rgb: np.ndarray, skin: np.ndarray, faces: Sequence[Face] = ()) -> np.ndarray:
    """H×W×3 uint8 RGB with a dim exposure lifted and a strong colour cast removed, as far as the ITA° and a* of
    the skin and of each of `faces`' cheeks may move; the same photo when neither.

    The light is estimated on every ESTIMATE_STRIDE-th pixel: a light's colour and level need no more.
    """
    sample = np.s_[::ESTIMATE_STRIDE, ::ESTIMATE_STRIDE]
    linear, sampled_skin = _to_linear(rgb[sample]), skin[sample]
    not_grey = np.maximum(sampled_skin, heads(sampled_skin.shape, faces, 1 / ESTIMATE_STRIDE))
    gains = within_skin_shift(cast_gains(linear, not_grey), skin_pixels(rgb, skin, faces))
    gains = gains * exposure_gain(linear, sampled_skin)
    if np.allclose(gains, 1.0):
        return rgb.copy()
    return _with_gains(rgb, gains)
