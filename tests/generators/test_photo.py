import io
import warnings

import cv2
import numpy as np
import pytest
from PIL import Image

from celflow.generators.face_finder import FaceFinder
from celflow.generators.photo import PhotoError, decode_photo


def _encode(array: np.ndarray, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt)
    return buffer.getvalue()


def test_jpeg_decodes_to_rgb_uint8(astronaut):
    photo = decode_photo(_encode(astronaut, "JPEG"))
    assert photo.shape == astronaut.shape and photo.dtype == np.uint8
    assert np.abs(photo.astype(int) - astronaut).mean() < 6


def test_grayscale_png_becomes_three_equal_channels(astronaut):
    grey = astronaut.mean(-1).astype(np.uint8)
    photo = decode_photo(_encode(grey, "PNG"))
    assert photo.shape == (*grey.shape, 3)
    assert np.array_equal(photo[..., 0], grey) and np.array_equal(photo[..., 2], grey)


def test_max_side_shrinks_keeping_aspect(astronaut):
    photo = decode_photo(_encode(astronaut[:, :256], "PNG"), max_side=128)
    assert photo.shape == (128, 64, 3)


def test_truncated_jpeg_is_refused_with_reason(astronaut):
    data = _encode(astronaut, "JPEG")
    with pytest.raises(PhotoError, match="truncated"):
        decode_photo(data[: len(data) // 2])


def test_text_file_is_not_an_image():
    with pytest.raises(PhotoError, match="not an image"):
        decode_photo(b"this is a text file named photo.jpg\n")


def test_empty_file_is_refused():
    with pytest.raises(PhotoError, match="empty"):
        decode_photo(b"")


def _png16(array16: np.ndarray) -> bytes:
    """A 16-bit PNG (grey, RGB or RGBA) as cameras and raw converters write them; OpenCV stores BGR order."""
    if array16.ndim == 3:
        array16 = cv2.cvtColor(array16, cv2.COLOR_RGB2BGR if array16.shape[2] == 3 else cv2.COLOR_RGBA2BGRA)
    ok, data = cv2.imencode(".png", array16)
    assert ok and array16.dtype == np.uint16
    return data.tobytes()


def test_16_bit_png_reads_as_the_same_8_bit_photo(astronaut):
    photo = decode_photo(_png16(astronaut.astype(np.uint16) * 257))

    assert photo.dtype == np.uint8 and np.array_equal(photo, astronaut)


def test_16_bit_grey_png_reads_as_the_grey_photo_and_its_face_is_found(astronaut):
    grey = cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY)

    photo = decode_photo(_png16(grey.astype(np.uint16) * 257))

    assert photo.dtype == np.uint8 and photo.shape == (*grey.shape, 3)
    assert np.abs(photo[..., 1].astype(int) - grey).max() <= 1
    finder = FaceFinder()
    try:
        assert len(finder(photo).faces) == 1
    finally:
        finder.close()


def test_transparent_pixels_read_as_white_and_opaque_ones_as_they_are(astronaut):
    rgba = np.dstack([astronaut, np.full(astronaut.shape[:2], 255, np.uint8)])
    rgba[:, 256:] = 0  # the right half cut out: transparent, with black behind the alpha

    for data in (_encode(rgba, "PNG"), _png16(rgba.astype(np.uint16) * 257)):
        photo = decode_photo(data)
        assert photo.dtype == np.uint8 and photo.shape == astronaut.shape
        assert np.array_equal(photo[:, :256], astronaut[:, :256])
        assert (photo[:, 256:] == 255).all()


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_photo_larger_than_pillow_opens_is_refused_in_one_line(monkeypatch):
    """Pillow refuses images past twice its pixel limit (decompression bombs) with an error of its own kind: a
    gigapixel panorama among a folder of photos must cost that photo, named, not the whole run."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5_000)  # the limit as if the image were a giant one
    with pytest.raises(PhotoError, match=r"more than 0.01 megapixels"):
        decode_photo(_png(110, 100))


def test_a_large_photo_under_the_limit_opens_without_a_warning(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's DecompressionBombWarning would print on the user's console
        assert decode_photo(_png(100, 60), max_side=50).shape == (30, 50, 3)
