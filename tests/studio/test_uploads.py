"""Uploads are bounded in size and must decode as what they claim to be."""

from __future__ import annotations

import asyncio

import cv2
import numpy as np
import pytest

from celflow.studio.uploads import (
    UploadError,
    check_declared_size,
    check_video_upload,
    photo_from_upload,
    read_limited,
    save_limited,
)
from tests.conftest import SAMPLES


async def chunks(*parts: bytes):
    for part in parts:
        yield part


def test_a_body_under_the_limit_is_read_whole():
    assert asyncio.run(read_limited(chunks(b"ab", b"cd"), "photo.jpg", 4)) == b"abcd"


def test_a_body_over_the_limit_is_refused_whatever_it_declared():
    with pytest.raises(UploadError, match="photo.jpg: larger than") as refused:
        asyncio.run(read_limited(chunks(b"ab", b"cde"), "photo.jpg", 4))
    assert refused.value.status == 413


def test_a_declared_size_over_the_limit_is_refused_before_reading():
    with pytest.raises(UploadError, match="larger than 20 MB"):
        check_declared_size("big.jpg", str(21 * 1024 * 1024), 20 * 1024 * 1024)
    check_declared_size("small.jpg", "1000", 20 * 1024 * 1024)


def test_an_empty_body_is_refused():
    with pytest.raises(UploadError, match="empty file"):
        asyncio.run(read_limited(chunks(), "photo.jpg", 4))


def test_a_refused_stream_leaves_no_file(tmp_path):
    with pytest.raises(UploadError, match="larger than"):
        asyncio.run(save_limited(chunks(b"abc", b"def"), tmp_path / "clip.mp4", "clip.mp4", 4))
    assert not (tmp_path / "clip.mp4").exists()


def test_a_photo_is_read_as_celflow_stylize_reads_it():
    data = (SAMPLES / "grace_hopper.jpg").read_bytes()
    rgb = photo_from_upload(data, "grace_hopper.jpg")
    expected = cv2.cvtColor(cv2.imread(str(SAMPLES / "grace_hopper.jpg")), cv2.COLOR_BGR2RGB)
    assert rgb.dtype == np.uint8 and rgb.shape == expected.shape


def test_a_file_that_is_not_a_photo_is_refused_by_decoding_not_by_its_name():
    with pytest.raises(UploadError, match="holiday.jpg: not an image file; upload a JPEG"):
        photo_from_upload(b"<html>not a photo</html>", "holiday.jpg")


@pytest.mark.parametrize("content", [b"just some text, not a video" * 100, (SAMPLES / "grace_hopper.jpg").read_bytes()])
def test_a_file_that_is_not_a_video_is_refused_and_removed(tmp_path, content):
    fake = tmp_path / "clip.mp4"
    fake.write_bytes(content)
    with pytest.raises(UploadError, match="clip.mp4: not a video"):
        check_video_upload(fake, "clip.mp4")
    assert not fake.exists()


def test_a_real_video_is_taken(silent_clip):
    check_video_upload(silent_clip, "silent.mp4")
    assert silent_clip.exists()
