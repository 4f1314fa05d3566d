"""Reading video files with PyAV: upright RGB frames and what is known about them before decoding."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.container import InputContainer
from av.video.reformatter import ColorPrimaries, ColorTrc, Colorspace
from av.video.stream import VideoStream


log = logging.getLogger(__name__)


class VideoError(Exception):
    """A video file that cannot be read or written as asked; the message names the file."""


# FFmpeg numbers the matrices BT.709, FCC, BT.470BG, SMPTE 170M, SMPTE 240M, BT.2020 NCL so; swscale converts
# RGB with each of them, and with nothing else a YUV 4:2:0 file can be tagged with
YUV_MATRICES = frozenset({1, 4, 5, 6, 7, 9})


@dataclass(frozen=True)
class Colour:
    """A video's colour tags, as FFmpeg numbers them: which YUV → RGB matrix decodes it and which primaries and
    transfer curve its RGB means. Players guess when a file carries none."""

    primaries: int = ColorPrimaries.BT709
    transfer: int = ColorTrc.BT709
    matrix: int = Colorspace.ITU709


BT709 = Colour()


@dataclass(frozen=True)
class VideoInfo:
    """What a writer and a progress bar need to know about a video before converting it."""

    width: int
    height: int
    rate: Fraction
    time_base: Fraction
    frames: int | None
    colour: Colour = BT709


def source_colour(frame: av.VideoFrame) -> Colour:
    """The colour tags a decoded frame carries, BT.709 for each one it leaves untagged.

    A matrix that 4:2:0 YUV cannot be written with (RGB sources, YCgCo, HDR's constant-luminance ones) is
    replaced by BT.709's too: a tag must name the matrix the pixels were really converted with.
    """
    primaries = int(frame.color_primaries) if frame.color_primaries != ColorPrimaries.UNSPECIFIED else BT709.primaries
    transfer = int(frame.color_trc) if frame.color_trc != ColorTrc.UNSPECIFIED else BT709.transfer
    matrix = int(frame.colorspace) if frame.colorspace in YUV_MATRICES else BT709.matrix
    return Colour(primaries, transfer, matrix)


def open_video(path: Path) -> InputContainer:
    """Open `path` for decoding, failing with the file named when it is missing or holds no video."""
    if not path.is_file():
        raise VideoError(f"{path}: no such file")
    try:
        container = av.open(str(path))
    except av.FFmpegError as error:
        raise VideoError(f"{path}: not a readable video ({error.strerror})") from error
    if container.streams.best("video") is None:
        container.close()
        raise VideoError(f"{path}: has no video stream")
    return container


def upright_rgb(frame: av.VideoFrame) -> np.ndarray:
    """The frame as H×W×3 uint8 RGB, turned as players show it (phones store sideways pixels and a rotation)."""
    return np.ascontiguousarray(np.rot90(frame.to_ndarray(format="rgb24"), k=round(frame.rotation / 90)))


def decode_packet(stream: VideoStream, packet: av.Packet, name: object) -> list[av.VideoFrame]:
    """The frames in one packet; a packet the decoder rejects as corrupt is skipped with a log line.

    A damaged frame in the middle of a long video should cost that frame, not the whole conversion.
    """
    try:
        return stream.decode(packet)
    except av.InvalidDataError as error:
        when = f"{float(packet.pts * packet.time_base):.3f} s" if packet.pts is not None else "unknown time"
        log.warning("%s: skipped a corrupt frame at %s (%s)", name, when, error.strerror)
        return []


def read_frames(path: Path) -> Iterator[np.ndarray]:
    """Every readable frame of the video in `path`, in order, as upright RGB."""
    with open_video(path) as container:
        stream = container.streams.best("video")
        for packet in container.demux(stream):
            for frame in decode_packet(stream, packet, path):
                yield upright_rgb(frame)


MAX_REORDER = 16  # frames H.264 may decode ahead of display (B-frames): how far a join's clock may step back


def clock_goes_back(path: Path) -> float | None:
    """The time (seconds) after which the video stream's clock starts again, or None where it only goes on.

    MPEG-TS recordings are joined by putting one file after the other, and each brings its own clock: the frames
    after the join are stamped earlier than those before. Two parts of one clock joined step back too, by their
    frames' decoding delay (MAX_REORDER frames at most), which is no restart. Other containers keep one clock,
    and are not read."""
    with open_video(path) as container:
        if "mpegts" not in container.format.name:
            return None
        stream = container.streams.best("video")
        rate = float(stream.average_rate or stream.guessed_rate or 30)
        latest = None
        for packet in container.demux(stream):
            if packet.dts is None:
                continue
            seconds = float(packet.dts * stream.time_base)
            if latest is not None and seconds < latest - MAX_REORDER / rate:
                return latest
            latest = seconds if latest is None else max(latest, seconds)
    return None


def probe_video(path: Path) -> VideoInfo:
    """Upright size (from the first frame), rate, time base, frame count and colour tags of the video in `path`."""
    with open_video(path) as container:
        stream = container.streams.best("video")
        try:  # a file FFmpeg opens by its name alone (text saved as .jpg) fails only here
            first = next(container.decode(stream), None)
        except av.FFmpegError as error:
            raise VideoError(f"{path}: not a readable video ({error.strerror})") from error
        if first is None:
            raise VideoError(f"{path}: video stream has no frames")
        rate = stream.average_rate or stream.guessed_rate
        if not rate:
            raise VideoError(f"{path}: frame rate unknown")
        height, width = upright_rgb(first).shape[:2]
        frames = _expected_frames(container, stream, rate)
        return VideoInfo(width, height, rate, stream.time_base, frames, source_colour(first))


def _expected_frames(container: InputContainer, stream: VideoStream, rate: Fraction) -> int | None:
    """The stored frame count, else duration × rate (Matroska stores no count); None when neither is known."""
    if stream.frames:
        return stream.frames
    if stream.duration is not None:
        return round(stream.duration * stream.time_base * rate)
    if container.duration is not None:
        return round(Fraction(container.duration, av.time_base) * rate)
    return None
