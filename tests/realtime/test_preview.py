"""The browser preview, opened in a real headless Chromium: the picture it shows keeps changing."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import urllib.request

import cv2
import numpy as np
import pytest

from celflow.realtime.overlay import draw_overlay
from celflow.realtime.preview import BOUNDARY, PreviewServer
from celflow.realtime.records import Track

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def live_preview(astronaut):
    """A preview server fed a panning view of the astronaut at 20 frames/s, with the overlay drawn."""
    server = PreviewServer()
    stop = threading.Event()

    def feed() -> None:
        step = 0
        while not stop.is_set():
            view = np.ascontiguousarray(astronaut[100 : 340, (7 * step) % 192 : (7 * step) % 192 + 320])
            track = Track(step % 3, (40.0, 40.0, 120.0, 140.0), "red")
            server.publish(draw_overlay(view, fps=20.0, latency_ms=35.0 + step % 10, tracks=[track]))
            step += 1
            time.sleep(0.05)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    yield server
    stop.set()
    feeder.join()
    server.close()


def screenshot(url: str, path) -> np.ndarray:
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=320,240",
         "--timeout=1500", f"--screenshot={path}", url],
        check=True, capture_output=True, timeout=60,
    )
    return cv2.imread(str(path))


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_headless_chromium_sees_the_preview_change(live_preview, tmp_path):
    first = screenshot(live_preview.url, tmp_path / "first.png")
    second = screenshot(live_preview.url, tmp_path / "second.png")

    assert first.shape == second.shape == (240, 320, 3)
    assert first.std() > 20  # a picture, not a blank page
    assert np.abs(first.astype(int) - second.astype(int)).mean() > 5


def test_the_stream_sends_a_new_jpeg_for_each_frame(live_preview):
    with urllib.request.urlopen(live_preview.url + "stream.mjpg", timeout=10) as response:
        assert response.headers["Content-Type"] == f"multipart/x-mixed-replace; boundary={BOUNDARY}"
        body = b""
        while body.count(b"\xff\xd8") < 3:  # three JPEG start markers: three frames arrived
            body += response.read1(65536)
    with urllib.request.urlopen(live_preview.url + "frame.jpg", timeout=10) as response:
        frame = cv2.imdecode(np.frombuffer(response.read(), np.uint8), cv2.IMREAD_COLOR)
    assert frame.shape == (240, 320, 3)


def test_the_preview_listens_on_localhost_only(live_preview):
    assert live_preview.url.startswith("http://127.0.0.1:")
