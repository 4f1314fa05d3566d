"""Turn the bytes of a user's photo into an RGB array, or say exactly why that is impossible."""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()  # HEIC and HEIF photos (an iPhone's default) open in Pillow like any other


class PhotoError(ValueError):
    """A photo that cannot be used; the message says why in a few words."""


def as_8_bit_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow image as 8-bit RGB: 16-bit grey scaled (Pillow's own convert clips it to white), transparent
    pixels white, as an image viewer shows a cut-out on a page (the colour stored under them is arbitrary)."""
    if image.mode.startswith("I"):  # 16-bit grey PNGs and TIFFs
        image = image.convert("I").point(lambda value: value / 257).convert("L")
    if image.has_transparency_data:
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image.convert("RGBA"))
    return image.convert("RGB")


def decode_photo(data: bytes, max_side: int | None = None) -> np.ndarray:
    """Decode image bytes to H×W×3 uint8 RGB, upright (EXIF), grey, 16-bit and alpha converted, optionally shrunk.

    Pillow warns on the console of an image past its pixel limit and refuses one past twice that (a decompression
    bomb); a user's own large photo is opened without the warning, and one past the refusal is a PhotoError, so it
    costs that photo, not the run."""
    if not data:
        raise PhotoError("empty file")
    # a filter for the process, as catch_warnings is not thread-safe and photos are decoded on worker threads; set on
    # each call (it replaces itself), since a caller's own catch_warnings block drops one set at import
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # Pillow decodes lazily: truncation only shows here
            image = as_8_bit_rgb(ImageOps.exif_transpose(image))
    except Image.DecompressionBombError as error:
        most = 2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6  # Pillow refuses past twice its limit
        raise PhotoError(f"more than {most:.3g} megapixels, the most Pillow opens safely: shrink it first") from error
    except UnidentifiedImageError as error:
        raise PhotoError("not an image file") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise PhotoError(f"truncated or corrupt image ({error})") from error
    if max_side and max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return np.asarray(image, dtype=np.uint8).copy()

