"""Colour in written MP4s: tagged BT.709 (or as the source was tagged) and converted with the matrix the tags name.

A player picks the YUV → RGB matrix from the tags; an untagged file is a guess, and a file converted with
one matrix but shown with another has shifted colours (reds and greens most).
"""

from __future__ import annotations

import time
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import ColorRange

from celflow.realtime.offline import convert_video
from celflow.realtime.records import Frame, StylizedFrame
from celflow.realtime.sinks import Mp4Sink

from .conftest import RATE

BT709, SMPTE170M = 1, 6  # FFmpeg's numbers for the primaries, transfer and matrix tags
PATCHES = {"red": (200, 40, 40), "green": (40, 180, 60), "blue": (50, 60, 200), "skin": (225, 180, 150)}


def colour_patches() -> np.ndarray:
    """A 64×48 frame of four flat colour patches, one per quadrant."""
    rgb = np.zeros((48, 64, 3), np.uint8)
    for (top, left), colour in zip([(0, 0), (0, 32), (24, 0), (24, 32)], PATCHES.values()):
        rgb[top : top + 24, left : left + 32] = colour
    return rgb


def patch_colours(rgb: np.ndarray) -> list[np.ndarray]:
    """Mean colour of each patch's middle, away from the edges chroma subsampling blurs."""
    corners = [(0, 0), (0, 32), (24, 0), (24, 32)]
    return [rgb[top + 6 : top + 18, left + 8 : left + 24].reshape(-1, 3).mean(0) for top, left in corners]


def write_tagged_clip(path: Path, rgb: np.ndarray, frames: int, tag: int | None) -> Path:
    """H.264 of `rgb` repeated; with `tag`, converted with that matrix and tagged with it throughout."""
    with av.open(str(path), "w") as output:
        stream = output.add_stream("libx264", rate=RATE)
        stream.width, stream.height, stream.pix_fmt = rgb.shape[1], rgb.shape[0], "yuv420p"
        if tag is not None:
            context = stream.codec_context
            context.color_primaries = context.color_trc = context.colorspace = tag
            context.color_range = ColorRange.MPEG
        for _ in range(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            if tag is not None:
                frame = frame.reformat(format="yuv420p", dst_colorspace=tag, dst_color_range=ColorRange.MPEG)
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return path


def tags_and_colours_as_a_player_reads_them(path: Path) -> tuple[tuple[int, int, int, int], list[np.ndarray]]:
    """The file's (primaries, transfer, matrix, range) tags, and its last frame's patch colours decoded with
    the matrix the tags name (BT.709 when untagged, as players do for video)."""
    with av.open(str(path)) as container:
        context = container.streams.video[0].codec_context
        tags = (context.color_primaries, context.color_trc, context.colorspace, context.color_range)
        matrix = context.colorspace if context.colorspace != 2 else BT709
        *_, last = container.decode(video=0)
    rgb = last.reformat(format="rgb24", src_colorspace=matrix, src_color_range=ColorRange.MPEG).to_ndarray()
    return tags, patch_colours(rgb)


def assert_patches_kept(colours: list[np.ndarray]) -> None:
    for colour, expected in zip(colours, PATCHES.values(), strict=True):
        assert np.abs(colour - np.array(expected)).max() < 5, (colour, expected)


def test_converted_mp4_is_tagged_bt709_and_its_colours_come_back(tmp_path):
    source = write_tagged_clip(tmp_path / "untagged.mp4", colour_patches(), frames=4, tag=None)

    report = convert_video(source, tmp_path / "out.mp4", lambda rgb: colour_patches(), progress=False)

    tags, colours = tags_and_colours_as_a_player_reads_them(report.output)
    assert tags == (BT709, BT709, BT709, ColorRange.MPEG)
    assert_patches_kept(colours)


def test_a_source_tagged_bt601_keeps_its_tags_and_matrix(tmp_path):
    source = write_tagged_clip(tmp_path / "bt601.mp4", colour_patches(), frames=4, tag=SMPTE170M)

    report = convert_video(source, tmp_path / "out.mp4", lambda rgb: rgb, progress=False)

    tags, colours = tags_and_colours_as_a_player_reads_them(report.output)
    assert tags == (SMPTE170M, SMPTE170M, SMPTE170M, ColorRange.MPEG)
    assert_patches_kept(colours)


def test_live_recording_is_tagged_bt709_and_its_colours_come_back(tmp_path):
    sink = Mp4Sink(tmp_path / "recorded.mp4", rate=RATE)
    for index in range(4):
        frame = Frame(index, index / RATE, colour_patches(), time.perf_counter())
        sink.write(StylizedFrame(frame, frame.rgb, (), time.perf_counter()), frame.rgb)
    sink.close()

    tags, colours = tags_and_colours_as_a_player_reads_them(tmp_path / "recorded.mp4")
    assert tags == (BT709, BT709, BT709, ColorRange.MPEG)
    assert_patches_kept(colours)
