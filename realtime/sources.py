"""Where frames come from: a webcam index, a video file, an RTSP/HTTP stream or a folder of images."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import av
import cv2

from celflow.realtime.records import Frame
from celflow.realtime.video import VideoError, decode_packet, open_video, probe_video, upright_rgb

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
STREAM_TIMEOUT_S = (10.0, 5.0)  # opening, then each read: a stream that goes silent ends instead of hanging


class SourceError(Exception):
    """A source that cannot be opened; the message names it."""


class VideoSource:
    """A video file (never drops a frame) or an RTSP/HTTP stream (live: latency first), decoded with PyAV."""

    def __init__(self, location: str) -> None:
        self.name = location
        self.live = "://" in location
        self.end_reason = ""
        try:
            if self.live:
                self._container = av.open(location, timeout=STREAM_TIMEOUT_S)
            else:
                probe_video(Path(location))  # a file FFmpeg opens by its name alone fails on its first frame
                self._container = open_video(Path(location))
        except av.FFmpegError as error:
            raise SourceError(f"{location}: cannot open the stream ({error.strerror})") from error
        except VideoError as error:
            raise SourceError(str(error)) from error
        self._stream = self._container.streams.best("video")
        if self._stream is None:
            raise SourceError(f"{location}: has no video stream")
        self._stream.thread_type = "AUTO"
        self.rate = float(self._stream.average_rate or self._stream.guessed_rate or 30)

    def frames(self) -> Iterator[Frame]:
        index = 0
        try:
            for packet in self._container.demux(self._stream):
                for frame in decode_packet(self._stream, packet, self.name):
                    seconds = frame.time if frame.time is not None else index / self.rate
                    yield Frame(index, seconds, upright_rgb(frame), time.perf_counter())
                    index += 1
            self.end_reason = "the stream ended" if self.live else "end of file"
        except av.FFmpegError as error:  # a stream cut or a file truncated mid-read
            self.end_reason = f"read failed ({error.strerror})"
        finally:
            self._container.close()


class CameraSource:
    """A webcam by index, read with OpenCV; unplugging it ends the stream with a message."""

    live = True

    def __init__(self, index: int) -> None:
        self.name = f"camera {index}"
        self.end_reason = ""
        self._capture = _quietly_opened(index)
        if not self._capture.isOpened():
            raise SourceError(f"{self.name}: cannot be opened (no such camera, or it is in use)")
        self.rate = self._capture.get(cv2.CAP_PROP_FPS) or 30.0

    def frames(self) -> Iterator[Frame]:
        started, index = time.perf_counter(), 0
        try:
            while True:
                ok, bgr = self._capture.read()
                if not ok:
                    self.end_reason = "the camera stopped delivering frames (unplugged?)"
                    return
                now = time.perf_counter()
                yield Frame(index, now - started, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), now)
                index += 1
        finally:
            self._capture.release()


def _quietly_opened(index: int) -> cv2.VideoCapture:
    """Camera `index` opened without OpenCV's own log lines (a missing camera prints an ERROR and WARN line per
    backend it tries): the caller says in one line what failed."""
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        return cv2.VideoCapture(index)
    finally:
        cv2.utils.logging.setLogLevel(level)


class ImageFolderSource:
    """The images of a folder in name order, as a clip at `rate`; unreadable files are skipped with a log line."""

    live = False

    def __init__(self, folder: Path, rate: float = 30.0) -> None:
        self.name = str(folder)
        self.rate = rate
        self.end_reason = ""
        self._paths = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._paths:
            raise SourceError(f"{folder}: holds no images ({', '.join(sorted(IMAGE_SUFFIXES))})")

    def frames(self) -> Iterator[Frame]:
        index = 0
        for path in self._paths:
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if bgr is None:
                log.warning("%s: skipped, not a readable image", path)
                continue
            yield Frame(index, index / self.rate, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), time.perf_counter())
            index += 1
        self.end_reason = "no more images"


Source = VideoSource | CameraSource | ImageFolderSource


def open_source(spec: str) -> Source:
    """`0`, `1`… a webcam; `rtsp://…`, `http://…` a stream; a folder of images; else a video file."""
    if spec.isdigit():
        return CameraSource(int(spec))
    if "://" in spec:
        return VideoSource(spec)
    path = Path(spec)
    if path.is_dir():
        return ImageFolderSource(path)
    if not path.exists():
        raise SourceError(f"{spec}: no such file, folder, camera index or stream URL")
    return VideoSource(spec)

