"""Writing RGB frames as H.264 with PyAV's bundled libx264, into an output container shared with the sound."""

from __future__ import annotations

import logging

import av
import cv2
import numpy as np
from av.container import OutputContainer
from av.video.reformatter import ColorRange

from celflow.realtime.video import VideoInfo

log = logging.getLogger(__name__)

# Speed first on two cores; stylized frames are mostly flat colour, so CRF 20 stays clean at small sizes. Motion
# searched to the whole pixel only (subme 0): x264 then keeps no half-pixel planes of each reference frame, which
# at 1080p is memory and time a conversion needs elsewhere, for a picture and a file size no different at CRF 20
# (benchmarks/bench_h264.py).
H264_OPTIONS = {"crf": "20", "preset": "superfast", "x264-params": "subme=0"}
# No B-frames: decode order = display order, so separately encoded segments join with rising timestamps.
JOINABLE_H264_OPTIONS = {**H264_OPTIONS, "bf": "0"}


def fitted(rgb: np.ndarray, height: int, width: int) -> np.ndarray:
    """H×W×3 uint8 `rgb` scaled to fit inside `height`×`width`, centred on black: a picture of another shape keeps
    its proportions (faces stretched to a new shape no longer look like the people)."""
    scale = min(height / rgb.shape[0], width / rgb.shape[1])
    size = (max(1, min(width, round(rgb.shape[1] * scale))), max(1, min(height, round(rgb.shape[0] * scale))))
    scaled = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    out = np.zeros((height, width, 3), np.uint8)
    top, left = (height - size[1]) // 2, (width - size[0]) // 2
    out[top : top + size[1], left : left + size[0]] = scaled
    return out


class H264Writer:
    """Encodes RGB frames into a libx264 yuv420p stream of an open output container.

    yuv420p needs an even width and height: an odd one is cropped by one pixel (last column or row), so no
    pixel is invented. Frames keep the source's rate and time base, so sound stays in sync; frames without
    a timestamp (raw .h264 streams carry none) are placed at their index / rate. RGB becomes YUV through the
    matrix of `info.colour`, which the stream is tagged with, in limited range as players expect of H.264.
    The stream has one size, the first frame's: a frame of another (a stream whose picture size changes midway) is
    fitted inside it (`fitted`), each change said once in the log.
    """

    def __init__(self, output: OutputContainer, info: VideoInfo, options: dict[str, str] = H264_OPTIONS) -> None:
        self._output = output
        self.width, self.height = info.width - info.width % 2, info.height - info.height % 2
        self._stream = output.add_stream("libx264", rate=info.rate, options=options)
        self._stream.width, self._stream.height, self._stream.pix_fmt = self.width, self.height, "yuv420p"
        context, self._colour = self._stream.codec_context, info.colour
        context.color_primaries, context.color_trc = self._colour.primaries, self._colour.transfer
        context.colorspace, context.color_range = self._colour.matrix, ColorRange.MPEG
        self._time_base = self._stream.codec_context.time_base = info.time_base
        self._ticks_per_frame = 1 / (info.rate * info.time_base)
        self._written = 0
        self._size = (info.height, info.width)  # the frames' own size, before the even crop
        self._fitted_from: tuple[int, ...] | None = None  # the last other size fitted, to say each change once
        self._last_pts: int | None = None

    def write(self, rgb: np.ndarray, pts: int | None) -> None:
        if rgb.shape[:2] != self._size:
            if rgb.shape[:2] != self._fitted_from:
                log.warning(
                    "frame %d is %d×%d, not %d×%d like the first: fitted inside that size, the rest black",
                    self._written + 1, rgb.shape[1], rgb.shape[0], self._size[1], self._size[0],
                )
                self._fitted_from = rgb.shape[:2]
            rgb = fitted(rgb, self.height, self.width)
        even = np.ascontiguousarray(rgb[: self.height, : self.width])
        rgb_frame = av.VideoFrame.from_ndarray(even, format="rgb24")
        frame = rgb_frame.reformat(
            format="yuv420p", dst_colorspace=self._colour.matrix, dst_color_range=ColorRange.MPEG
        )
        frame.time_base = self._time_base
        pts = pts if pts is not None else round(self._written * self._ticks_per_frame)
        if self._last_pts is not None and pts <= self._last_pts:
            # stamped at or before the frame before (two parts of one recording overlapping where they were
            # joined): a tick after it, so the muxer takes it and no later frame moves away from its sound
            pts = self._last_pts + 1
        frame.pts = self._last_pts = pts
        self._output.mux(self._stream.encode(frame))
        self._written += 1

    def flush(self) -> None:
        self._output.mux(self._stream.encode(None))
