import io

import numpy as np
import pytest
from PIL import Image

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
