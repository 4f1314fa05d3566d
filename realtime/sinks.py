"""Where stylized frames go: an OpenCV window, an H.264 MP4 (with the microphone's sound), the browser preview."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Protocol

import av
import cv2
import numpy as np
from av.audio.stream import AudioStream

from celflow.core.atomic import atomic_path
from celflow.realtime.h264 import H264Writer
from celflow.realtime.microphone import SoundSource
from celflow.realtime.preview import PreviewServer
from celflow.realtime.records import StylizedFrame
from celflow.realtime.video import VideoInfo


class Sink(Protocol):
    def write(self, result: StylizedFrame, annotated: np.ndarray) -> bool:
        """Take one frame (`annotated` carries the overlay); False when the user asked to stop."""

    def close(self) -> None: ...


def has_display() -> bool:
    """Whether a window can open: always on Windows and macOS, on Linux only under X11 or Wayland."""
    return sys.platform in ("win32", "darwin") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class WindowSink:
    """An OpenCV window with the overlay; `q` or Esc stops the loop, any other key goes to `on_key`."""

    def __init__(self, title: str = "celflow live", on_key: Callable[[str], None] | None = None) -> None:
        self._title = title
        self._on_key = on_key

    def write(self, result: StylizedFrame, annotated: np.ndarray) -> bool:
        cv2.imshow(self._title, cv2.cvtColor(annotated, cv2.COLOR_RGB2BGR))
        key = cv2.waitKey(1) & 0xFF
        if key in (ord("q"), 27):
            return False
        if key != 0xFF and self._on_key is not None:  # 0xFF: no key pressed
            self._on_key(chr(key))
        return True

    def close(self) -> None:
        cv2.destroyWindow(self._title)


class PreviewSink:
    """The browser preview: `/` with the overlay, `/clean` without it; see `PreviewServer`."""

    def __init__(self, port: int = 0) -> None:
        self.server = PreviewServer(port)

    def write(self, result: StylizedFrame, annotated: np.ndarray) -> bool:
        self.server.publish(annotated, clean=result.rgb)
        return True

    def close(self) -> None:
        self.server.close()


class Mp4Sink:
    """Clean frames (no overlay) to an H.264 MP4 timed by each frame's source time, with `sound` (a microphone)
    as AAC when given; renamed into place on close.

    The sound starts with the first frame, placed at the time that frame was captured plus how long it took
    to reach the sink, so picture and sound line up as they were filmed.
    """

    TIME_BASE = Fraction(1, 1000)

    def __init__(self, path: Path, rate: float, sound: SoundSource | None = None) -> None:
        self._path = Path(path)
        self._rate = Fraction(rate).limit_denominator(1001)
        self._atomic = atomic_path(self._path)
        self._tmp = self._atomic.__enter__()
        self._output = av.open(str(self._tmp), "w", format="mp4")
        self._writer: H264Writer | None = None
        self._last_pts = -1
        self._sound = sound
        self._sound_stream: AudioStream | None = None
        self._sound_pts = 0

    def write(self, result: StylizedFrame, annotated: np.ndarray) -> bool:
        height, width = result.rgb.shape[:2]
        if self._writer is None:
            self._writer = H264Writer(self._output, VideoInfo(width, height, self._rate, self.TIME_BASE, None))
            if self._sound is not None:
                self._start_sound(result.frame.time + time.perf_counter() - result.frame.captured_at)
        else:
            self._write_sound()
        pts = max(round(result.frame.time / self.TIME_BASE), self._last_pts + 1)  # live clocks may repeat
        self._writer.write(result.rgb, pts)
        self._last_pts = pts
        return True

    def close(self) -> None:
        if self._sound is not None:  # a microphone opened but never started is released too
            self._write_sound()
            self._sound.stop()
        if self._sound_stream is not None:
            self._output.mux(self._sound_stream.encode(None))
        if self._writer is not None:
            self._writer.flush()
        self._output.close()
        self._atomic.__exit__(None, None, None)

    def _start_sound(self, seconds: float) -> None:
        self._sound_stream = self._output.add_stream("aac", rate=self._sound.rate, layout="mono")
        self._sound_pts = round(seconds * self._sound.rate)
        self._sound.start()

    def _write_sound(self) -> None:
        for samples in self._sound.read() if self._sound_stream is not None else ():
            frame = av.AudioFrame.from_ndarray(samples[None, :], format="fltp", layout="mono")
            frame.sample_rate, frame.time_base = self._sound.rate, Fraction(1, self._sound.rate)
            frame.pts = self._sound_pts
            self._sound_pts += len(samples)
            self._output.mux(self._sound_stream.encode(frame))
