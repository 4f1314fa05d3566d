"""The procedural cel-shading teacher: flat tones, colours pulled towards the character's palette, ink lines.

Works on any photo without model weights, so the whole pipeline runs offline. Sizes (blur radii, line
width) scale with the image so a 256 px and a 1024 px photo get the same look.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from celflow.core.character import CelStyle
from celflow.generators.flat_regions import merge_small_regions
from celflow.generators.palette import hex_to_rgb, lab_to_rgb, rgb_to_lab
from celflow.generators.smoothstep import smoothstep
from celflow.generators.strokes import long_strokes
from celflow.generators.tone_bands import ToneBands, fixed_bands, scene_bands

REFERENCE_SIDE = 512
LAB_BIN = 4  # nearest palette colours are looked up per 4×4×4 Lab bin: a table, not a search per pixel
MIN_STROKE_PX = 20  # at 512 px
OWN_COLOUR_PASSES = 2
SLIVER_FILTER = 5  # px: median filter over the flat tones
BAND_EDGE = 10.0  # lightness units (of 255) over which one tone blends into the next
# The palette recolours a colour within its own hue's neighbourhood: its nearest palette colour is the nearest in
# chroma and lightness, which for a pink wall can be a blue-grey, and pulled all the way the wall would turn lilac.
HUE_KEPT = (30.0, 60.0)  # degrees between a colour's hue and its palette colour's: full pull under, none over
HUE_READABLE = (4.0, 10.0)  # CIE Lab chroma over which a hue goes from noise (a grey) to a colour's own


def smooth_preserving_edges(rgb: np.ndarray, passes: int, scale: float) -> np.ndarray:
    """Repeated bilateral filtering: flattens skin and cloth texture but keeps contours sharp. The window grows
    with `scale` as the spatial sigma does: OpenCV's filter reaches only as far as its window."""
    smooth = rgb
    for _ in range(passes):
        smooth = cv2.bilateralFilter(smooth, d=int(9 * scale) | 1, sigmaColor=30, sigmaSpace=7 * scale)
    return smooth


def smoothed_photo(rgb: np.ndarray) -> np.ndarray:
    """The photo with its texture smoothed away and its edges kept: what a person's own colours (skin,
    eyes, brows, lips) are painted from, computed once per photo and shared by those steps."""
    return smooth_preserving_edges(rgb, OWN_COLOUR_PASSES, max(rgb.shape[:2]) / REFERENCE_SIDE)


def band_guide(lightness: np.ndarray, scale: float) -> np.ndarray:
    """The lightness the bands are cut from: lightly blurred, so that a band edge follows shapes, not noise."""
    return cv2.GaussianBlur(lightness, (0, 0), 1.5 * scale)


def quantise_lightness(guide: np.ndarray, bands: ToneBands) -> np.ndarray:
    """Flat lightness at `bands`' levels, with edges a pixel or two wide where `guide` (the lightness as
    band_guide blurs it, computed once by callers that also place the cuts from it) crosses their cuts.

    With fixed bands (tone_bands.fixed_bands) every output pixel is a function of its own neighbourhood (a
    student seeing a crop can learn it); exposure is evened out before, where the skin is mapped onto the
    character's tone.
    """
    flat = np.full_like(guide, bands.levels[0])
    for cut, step in zip(bands.cuts, np.diff(bands.levels)):
        flat += step * smoothstep((guide - cut) / BAND_EDGE + 0.5)
    # slivers of one band a pixel or two wide along an edge read as speckled ink: fold them into their neighbours
    return cv2.medianBlur(np.clip(flat, 0, 255).astype(np.uint8), SLIVER_FILTER).astype(np.float32)


def hue_agreement(own: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Two chroma arrays (…×2: a, b centred on 0) → … in [0, 1]: 1 where their hues lie within HUE_KEPT[0] degrees
    or either is too grey to have a hue of its own, 0 where they lie over HUE_KEPT[1] apart."""
    own_chroma, target_chroma = np.hypot(own[..., 0], own[..., 1]), np.hypot(target[..., 0], target[..., 1])
    cosine = (own * target).sum(-1) / np.maximum(own_chroma * target_chroma, 1e-6)
    near, far = np.cos(np.radians(HUE_KEPT))
    agree = smoothstep((cosine - far) / (near - far))
    low, high = HUE_READABLE
    both_coloured = smoothstep((own_chroma - low) / (high - low)) * smoothstep((target_chroma - low) / (high - low))
    return 1 - both_coloured * (1 - agree)


@lru_cache(maxsize=8)
def _palette_tables(palette_lab_bytes: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every Lab bin (LAB_BIN wide per channel), flattened: the index of the nearest palette colour, how far the
    bin's hue agrees with that colour's (hue_agreement) and that colour's chroma (a, b, centred on 0): per pixel,
    look-ups instead of a search."""
    palette_lab = np.frombuffer(palette_lab_bytes, np.float32).reshape(-1, 3)
    centres = np.arange(LAB_BIN / 2, 256, LAB_BIN, dtype=np.float32)
    lab = np.stack(np.meshgrid(centres, centres, centres, indexing="ij"), -1)
    distance = ((lab[..., None, 1:] - palette_lab[:, 1:]) ** 2).sum(-1)
    distance += 0.25 * (lab[..., None, 0] - palette_lab[:, 0]) ** 2
    nearest = distance.argmin(-1).astype(np.uint8)
    chroma = palette_lab[nearest, 1:] - 128
    agreement = hue_agreement(lab[..., 1:] - 128, chroma).astype(np.float32)
    return nearest.ravel(), agreement.ravel(), chroma.reshape(-1, 2)


def _bins(lab: np.ndarray) -> np.ndarray:
    """H×W int32: each pixel's Lab bin, as an index into the flattened _palette_tables."""
    if lab.dtype != np.uint8:
        lab = np.clip(lab, 0, 255).astype(np.uint8)
    bins = (lab // LAB_BIN).astype(np.int32)
    side = 256 // LAB_BIN
    return (bins[..., 0] * side + bins[..., 1]) * side + bins[..., 2]


def nearest_palette_colour(lab: np.ndarray, palette_lab: np.ndarray) -> np.ndarray:
    """H×W uint8: the index of each pixel's nearest palette colour."""
    return _palette_tables(palette_lab.astype(np.float32).tobytes())[0][_bins(lab)]


def pull_chroma_to_palette(lab: np.ndarray, palette_lab: np.ndarray, strength: float, saturation: float) -> np.ndarray:
    """Blend each pixel's chroma (a, b) with that of its nearest palette colour, as far as their hues agree
    (hue_agreement); returns chroma centred on 0."""
    _, agreement, palette_chroma = _palette_tables(palette_lab.astype(np.float32).tobytes())
    bins = _bins(lab)
    own = (lab[..., 1:].astype(np.float32) - 128) * np.float32(saturation)
    chroma = own + (np.float32(strength) * agreement[bins])[..., None] * (palette_chroma[bins] - own)
    flat = cv2.medianBlur(np.clip(chroma + 128, 0, 255).astype(np.uint8), 5)
    # slivers of one band a pixel or two wide along an edge read as speckled ink: fold them into their neighbours
    return cv2.medianBlur(np.clip(flat, 0, 255).astype(np.uint8), SLIVER_FILTER).astype(np.float32) - 128


def ink_lines(smooth_rgb: np.ndarray, weight: float, scale: float) -> np.ndarray:
    """Line-art opacity in [0, 1] from a difference of Gaussians: the dark side of every strong edge, kept
    only where it forms a stroke at least MIN_STROKE_PX long."""
    grey = cv2.cvtColor(smooth_rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    sigma = scale
    dog = cv2.GaussianBlur(grey, (0, 0), sigma) - cv2.GaussianBlur(grey, (0, 0), 1.6 * sigma)
    lines = np.clip((-dog - 0.012) / 0.02, 0, 1)
    lines *= long_strokes(lines > 0.5, MIN_STROKE_PX * scale)  # flecks of texture are not lines
    width = int(round(weight * scale))
    if width > 1:
        lines = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (width, width)))
    return cv2.GaussianBlur(lines, (0, 0), 0.6 * scale)


def ink_colour(params: CelStyle) -> np.ndarray:
    """The palette's darkest colour (RGB float32): what lines are drawn in."""
    palette = hex_to_rgb(params.palette)
    return palette[int(rgb_to_lab(palette)[:, 0].argmin())].astype(np.float32)


def cel_shade(
    rgb: np.ndarray, params: CelStyle, scene_tones: bool = False, scene: np.ndarray | None = None
) -> np.ndarray:
    """Stylise a whole H×W×3 uint8 RGB photo as cel-shaded line art in the character's palette; with
    `scene_tones`, its flat tones cut and drawn as the scene's lightness says (a background: tone_bands), read
    where `scene` (H×W 0..1; None: everywhere) says the scene is, not the people in front of it."""
    scale = max(rgb.shape[:2]) / REFERENCE_SIDE
    smooth = smooth_preserving_edges(rgb, params.smoothing_passes, scale)
    lab = rgb_to_lab(smooth)
    palette = hex_to_rgb(params.palette)
    palette_lab = rgb_to_lab(palette)
    guide = band_guide(lab[..., 0], scale)
    bands = scene_bands(guide, params.shading_tones, scene) if scene_tones else fixed_bands(params.shading_tones)
    tones = np.digitize(guide, bands.cuts) * len(palette)
    band_width = 255 / params.shading_tones
    lab = merge_small_regions(lab, tones + nearest_palette_colour(lab, palette_lab), scale, band_width)
    lightness = quantise_lightness(band_guide(lab[..., 0], scale), bands)
    chroma = pull_chroma_to_palette(lab, palette_lab, params.palette_strength, params.saturation)
    shaded = lab_to_rgb(np.dstack([lightness, chroma + 128])).astype(np.float32)
    ink = ink_colour(params)
    alpha = (ink_lines(smooth, params.line_weight, scale) * params.line_darkness)[..., None]
    return np.clip(shaded * (1 - alpha) + ink * alpha, 0, 255).astype(np.uint8)
