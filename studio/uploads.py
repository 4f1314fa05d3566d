"""What the studio accepts from the browser: photos and videos of bounded size that really decode.

The file's name and declared type are not trusted: a photo is a photo when Pillow decodes it, a video when
PyAV finds a video stream in it. Each refusal is one line the page shows as it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import av
import numpy as np

from celflow.generators.photo import PhotoError, decode_photo
from celflow.realtime.video import VideoError, probe_video
from celflow.studio.limits import MEGABYTE


class UploadError(ValueError):
    """An upload refused: too large, empty, or not what it claims to be. `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def too_large(what: str, limit: int) -> UploadError:
    return UploadError(f"{what}: larger than {limit // MEGABYTE} MB; the studio takes up to {limit // MEGABYTE} MB", 413)


def check_declared_size(what: str, content_length: str | None, limit: int) -> None:
    """Refuse before reading when the browser already says the file is too large."""
    if content_length is not None and content_length.isdigit() and int(content_length) > limit:
        raise too_large(what, limit)


async def read_limited(chunks: AsyncIterator[bytes], what: str, limit: int) -> bytes:
    """The whole body, or an UploadError as soon as it passes `limit` bytes (a lying Content-Length included)."""
    data = bytearray()
    async for chunk in chunks:
        data += chunk
        if len(data) > limit:
            raise too_large(what, limit)
    if not data:
        raise UploadError(f"{what}: empty file")
    return bytes(data)


async def save_limited(chunks: AsyncIterator[bytes], path: Path, what: str, limit: int) -> Path:
    """Stream the body to `path` without holding it in memory; nothing is left at `path` when it is refused."""
    size = 0
    try:
        async with await anyio.open_file(path, "wb") as file:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise too_large(what, limit)
                await file.write(chunk)
        if size == 0:
            raise UploadError(f"{what}: empty file")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def photo_from_upload(data: bytes, what: str, max_side: int | None = None) -> np.ndarray:
    """The uploaded bytes as H×W×3 uint8 RGB, read as `celflow stylize` reads a file (upright, 8-bit)."""
    try:
        return decode_photo(data, max_side=max_side)
    except PhotoError as error:
        raise UploadError(f"{what}: {error}; upload a JPEG, PNG, WebP, BMP or TIFF photo") from error


def _still_image_format(path: Path) -> bool:
    """FFmpeg opens a photo as a one-frame video (image2, jpeg_pipe…): the studio takes photos in its Stylise tab."""
    with av.open(str(path)) as container:
        return container.format.name == "image2" or container.format.name.endswith("_pipe")


def check_video_upload(path: Path, what: str) -> None:
    """A saved upload that PyAV opens as a video; the file is removed when it is not one."""
    try:
        probe_video(path)
        if _still_image_format(path):
            raise VideoError("a still picture; stylise it in the Stylise tab")
    except (VideoError, av.FFmpegError) as error:
        path.unlink(missing_ok=True)
        raise UploadError(f"{what}: not a video the studio can read ({error})") from error
