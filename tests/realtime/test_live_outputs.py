"""What `celflow live` gives streamers: a clean feed (virtual camera, browser source) and keys for strength and
character while it runs."""

from __future__ import annotations

import sys
import time
import urllib.request
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from celflow.cli import app
from celflow.realtime.build import build_pipeline
from celflow.realtime.characters import CastMember
from celflow.realtime.engine import run_loop
from celflow.realtime.live_keys import LiveKeys
from celflow.realtime.preview import PreviewServer
from celflow.realtime.records import Frame
from celflow.realtime.virtual_camera import (
    LOOPBACK_DEVICES,
    VirtualCameraError,
    VirtualCameraSink,
    check_virtual_camera,
)

from .conftest import redness, write_clip
from .test_engine import Recorder


def frames_of(photo: np.ndarray, count: int) -> list[Frame]:
    return [Frame(index, index / 20, photo, time.perf_counter()) for index in range(count)]


@pytest.fixture(scope="module")
def red_then_blue(characters):
    cast = [CastMember(name, path) for name, path in characters.items()]
    return build_pipeline(cast, "full-frame", track=False)


class AnnotatedRecorder(Recorder):
    """Keeps what the overlay-showing sinks were given too."""

    def __init__(self) -> None:
        super().__init__()
        self.annotated: list[np.ndarray] = []

    def write(self, result, annotated) -> bool:
        self.annotated.append(annotated)
        return super().write(result, annotated)


def test_without_the_overlay_every_sink_gets_the_clean_picture(red_then_blue, astronaut):
    with_overlay, without = AnnotatedRecorder(), AnnotatedRecorder()

    run_loop(frames_of(astronaut, 2), red_then_blue, [with_overlay])
    run_loop(frames_of(astronaut, 2), red_then_blue, [without], overlay=False)

    assert not np.array_equal(with_overlay.annotated[-1], with_overlay.results[-1].rgb)
    assert np.array_equal(without.annotated[-1], without.results[-1].rgb)


def test_keys_change_the_strength_and_the_character_between_frames(red_then_blue, astronaut):
    keys = LiveKeys(red_then_blue)
    [frame] = frames_of(astronaut, 1)
    try:
        assert redness(red_then_blue(frame).rgb) > redness(astronaut) + 60

        keys("c")
        assert redness(red_then_blue(frame).rgb) < redness(astronaut) - 60
        keys("c")  # round the cast and back to the first
        assert redness(red_then_blue(frame).rgb) > redness(astronaut) + 60

        keys("[")
        assert red_then_blue.strength == 0.9
        for _ in range(12):  # more presses than steps: it stops at 0
            keys("[")
        assert red_then_blue.strength == 0.0
        assert np.array_equal(red_then_blue(frame).rgb, astronaut)
        keys("]")
        keys("x")  # not a key of ours
        assert red_then_blue.strength == 0.1
    finally:
        red_then_blue.strength = 1.0


def test_the_preview_offers_the_clean_feed_for_a_browser_source(astronaut):
    server = PreviewServer()
    try:
        overlay = astronaut.copy()
        overlay[:40] = 0  # stands for the text drawn at the top
        server.publish(overlay, clean=astronaut)
        with urllib.request.urlopen(server.clean_url, timeout=10) as response:
            page = response.read().decode()
        with urllib.request.urlopen(server.url + "clean.jpg", timeout=10) as response:
            clean = cv2.imdecode(np.frombuffer(response.read(), np.uint8), cv2.IMREAD_COLOR)
        with urllib.request.urlopen(server.url, timeout=10) as response:
            main_page = response.read().decode()
    finally:
        server.close()

    assert server.clean_url == server.url + "clean"
    assert '<img src="/clean.mjpg"' in page and 'href="/clean"' in main_page
    assert np.abs(cv2.cvtColor(clean, cv2.COLOR_BGR2RGB)[:40].astype(np.int16) - astronaut[:40]).mean() < 6


SENT_TO_CAMERA: list[np.ndarray] = []


class FakeCameraBackend:
    """pyvirtualcam's backend interface, keeping what it was sent; pyvirtualcam itself checks the frames."""

    def __init__(self, *, width, height, fps, fourcc, device, **kw) -> None:
        self.size = (width, height)

    def send(self, frame: np.ndarray) -> None:
        SENT_TO_CAMERA.append(frame.copy())

    def close(self) -> None:
        pass

    def device(self) -> str:
        return "test camera"

    def native_fourcc(self):
        return None


def test_the_virtual_camera_gets_the_clean_stylized_frames(red_then_blue, astronaut):
    pyvirtualcam = pytest.importorskip("pyvirtualcam")
    pyvirtualcam.register_backend("celflow-test", FakeCameraBackend)
    SENT_TO_CAMERA.clear()
    recorder = Recorder()

    run_loop(frames_of(astronaut, 3), red_then_blue, [recorder, VirtualCameraSink(20.0, backend="celflow-test")])

    assert len(SENT_TO_CAMERA) == 3
    sent = SENT_TO_CAMERA[-1].reshape(astronaut.shape)  # pyvirtualcam hands backends flat RGB bytes
    assert np.array_equal(sent, recorder.results[-1].rgb)


def test_without_pyvirtualcam_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyvirtualcam", None)  # what `import pyvirtualcam` meets when it is missing

    with pytest.raises(VirtualCameraError, match=r"pyvirtualcam is not installed; pip install pyvirtualcam"):
        check_virtual_camera()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="v4l2loopback is Linux's virtual camera")
def test_without_a_loopback_device_the_error_says_how_to_load_one(tmp_path):
    pytest.importorskip("pyvirtualcam")

    with pytest.raises(VirtualCameraError, match=r"no v4l2loopback camera device .*; sudo modprobe v4l2loopback"):
        check_virtual_camera(tmp_path / "video4linux")


@pytest.mark.skipif(any(Path(LOOPBACK_DEVICES).glob("video*")), reason="this machine has a virtual camera")
def test_live_virtual_camera_without_one_is_one_line_and_exit_1(crossing, characters, tmp_path):
    clip = write_clip(tmp_path / "crossing.mp4", [shot.rgb for shot in crossing[:4]])

    result = CliRunner().invoke(app, ["live", "--source", str(clip), "--characters", str(characters["red"]),
                                      "--preview-port", "0", "--no-window", "--virtual-camera"])

    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("celflow: error: --virtual-camera: ")
    assert "pip install pyvirtualcam" in line or "sudo modprobe v4l2loopback" in line
