import cv2
import numpy as np

from celflow.core.character import load_character
from celflow.generators.cel_shading import cel_shade, ink_lines, nearest_palette_colour, pull_chroma_to_palette
from celflow.generators.palette import hex_to_rgb, rgb_to_lab


def _distinct_colours(rgb: np.ndarray) -> int:
    return len(np.unique((rgb // 8).reshape(-1, 3), axis=0))


def test_output_matches_input_shape_and_type(astronaut):
    params = load_character().teacher
    for image in (astronaut, astronaut[:97, :131]):
        out = cel_shade(image, params)
        assert out.shape == image.shape and out.dtype == np.uint8


def test_colours_are_flattened(astronaut):
    out = cel_shade(astronaut, load_character().teacher)
    assert _distinct_colours(out) < 0.5 * _distinct_colours(astronaut)


def test_lightness_falls_into_the_configured_tones(hopper):
    params = load_character().teacher
    out = cel_shade(hopper, params)
    lines = ink_lines(cv2.bilateralFilter(hopper, 9, 30, 7), params.line_weight, 1.0)
    lightness = cv2.cvtColor(out, cv2.COLOR_RGB2LAB)[..., 0][lines < 0.05]
    histogram = np.bincount(lightness // 16, minlength=16) / lightness.size
    # three flat tones (plus chroma rounding) hold nearly all line-free pixels in a few lightness bins
    assert np.sort(histogram)[-params.shading_tones - 2 :].sum() > 0.85


def test_ink_lines_follow_strong_edges():
    image = np.full((128, 128, 3), 220, np.uint8)
    image[:, 64:] = 40
    lines = ink_lines(image, weight=1.5, scale=0.25)
    assert lines[:, 60:68].max() > 0.5
    assert lines[:, :40].max() < 0.05 and lines[:, 90:].max() < 0.05


def test_lines_darken_the_teacher_output_at_edges(astronaut):
    params = load_character().teacher
    out = cel_shade(astronaut, params).astype(int).sum(-1)
    edges = cv2.Canny(cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY), 100, 200) > 0
    assert out[edges].mean() < out[~edges].mean() - 40


def test_same_photo_same_output(astronaut):
    params = load_character().teacher
    assert np.array_equal(cel_shade(astronaut, params), cel_shade(astronaut, params))


def test_each_pixel_depends_only_on_its_neighbourhood(astronaut):
    """A student seeing a crop can learn the teacher only if the rest of the photo does not change the look."""
    params = load_character().teacher
    darker_left = astronaut.copy()
    darker_left[:, :200] //= 3
    changed = cel_shade(darker_left, params).astype(int) - cel_shade(astronaut, params)
    assert np.abs(changed[:, 260:]).max() == 0
    assert np.abs(changed[:, :200]).max() > 0


def test_fixed_tone_cuts_give_darker_photos_darker_tones(hopper):
    params = load_character().teacher
    lightness = lambda rgb: cv2.cvtColor(cel_shade(rgb, params), cv2.COLOR_RGB2LAB)[..., 0].mean()  # noqa: E731
    assert lightness((hopper * 0.5).astype(np.uint8)) < lightness(hopper) - 20


def test_a_photo_twice_the_size_is_smoothed_as_flat(astronaut, hopper):
    """The edge-preserving smoothing reaches as far, relative to the photo, at 1024 px as at 512 px: a larger
    photo is not drawn with more of its texture left."""
    from celflow.generators.cel_shading import smooth_preserving_edges
    from celflow.generators.drawing_metrics import flat_share

    everywhere = np.ones((512, 512), np.float32)
    for photo in (astronaut, cv2.resize(hopper, (512, 512), interpolation=cv2.INTER_AREA)):
        big = cv2.resize(photo, (1024, 1024), interpolation=cv2.INTER_CUBIC)
        at_512 = flat_share(smooth_preserving_edges(photo, 3, 1.0), everywhere)
        smoothed_big = smooth_preserving_edges(big, 3, 2.0)
        at_1024 = flat_share(cv2.resize(smoothed_big, (512, 512), interpolation=cv2.INTER_AREA), everywhere)
        assert at_1024 >= at_512 - 0.03


def test_black_stays_dark_while_shadows_come_out_light():
    """Webtoon shadows are light, but black hair or a black suit drawn mid-grey no longer reads as black."""
    params = load_character().teacher
    photo = np.zeros((120, 180, 3), np.uint8)
    photo[:, :60] = 20  # black cloth
    photo[:, 60:120] = 110  # a mid-grey shirt in shadow
    photo[:, 120:] = 230  # a white wall
    lightness = cv2.cvtColor(cel_shade(photo, params), cv2.COLOR_RGB2LAB)[..., 0].astype(float) * 100 / 255
    black, shadow, white = (lightness[40:80, x0 + 15 : x0 + 45].mean() for x0 in (0, 60, 120))
    assert black < 25  # as dark as black hair is drawn
    assert shadow > 50  # a mid tone is lifted
    assert white > 85


def _hue(lab: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(lab[..., 1], lab[..., 0]))


def test_the_palette_never_turns_a_colour_to_another_hue():
    """A pink wall's nearest colour in the default background palette is its cool grey: pulled to it, the wall came
    out lilac. The pull recolours within a hue's neighbourhood and leaves a colour of no nearby hue its own."""
    background = load_character().background
    palette_lab = rgb_to_lab(hex_to_rgb(background.palette))
    wall = np.full((8, 8, 3), (182, 135, 135), np.uint8)  # a pink wall as photographed
    lab = rgb_to_lab(wall)
    assert palette_lab[nearest_palette_colour(lab, palette_lab)[0, 0], 2] < 128  # the nearest is a blue-ish grey
    pulled = pull_chroma_to_palette(lab, palette_lab, background.palette_strength, background.saturation)
    turned = (_hue(pulled) - _hue(lab[..., 1:] - 128) + 180) % 360 - 180
    assert np.abs(turned).max() < 15


def test_the_palette_still_pulls_a_colour_to_its_own_hue():
    """A blue a little off the palette's blue is drawn in the palette's blue, as far as the strength says."""
    background = load_character().background
    palette_lab = rgb_to_lab(hex_to_rgb(background.palette))
    palette_blue = rgb_to_lab(np.full((1, 1, 3), (61, 111, 182), np.uint8))  # the default background's blue
    blue = palette_lab[nearest_palette_colour(palette_blue, palette_lab)[0, 0]]
    own = rgb_to_lab(np.full((8, 8, 3), (80, 110, 160), np.uint8))
    pulled = pull_chroma_to_palette(own, palette_lab, 1.0, 1.0)
    assert np.allclose(pulled, blue[1:] - 128, atol=1.5)
