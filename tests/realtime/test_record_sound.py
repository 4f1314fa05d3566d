"""`live --record` with sound: a sound source's samples end up as AAC beside the video, or one line says why not."""

from __future__ import annotations

import time

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from celflow.cli import app
from celflow.realtime.records import Frame, StylizedFrame
from celflow.realtime.sinks import Mp4Sink

from .conftest import write_clip

SAMPLE_RATE = 48000


class ToneSource:
    """A sound source as the sink reads a microphone: blocks of mono float samples captured since the last read.

    Here 440 Hz, a tenth of a second per read, as a microphone delivers between frames at 10 frames/s.
    """

    rate = SAMPLE_RATE

    def __init__(self) -> None:
        self.started = self.stopped = False
        self._sent = 0

    def start(self) -> None:
        self.started = True

    def read(self) -> list[np.ndarray]:
        t = (self._sent + np.arange(SAMPLE_RATE // 10)) / SAMPLE_RATE
        self._sent += len(t)
        return [(0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)]

    def stop(self) -> None:
        self.stopped = True


def recorded_sound(path) -> tuple[float, float]:
    """(seconds of sound, its loudest frequency in Hz), decoded from the file."""
    with av.open(str(path)) as container:
        samples = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)])
        rate = container.streams.audio[0].rate
    spectrum = np.abs(np.fft.rfft(samples))
    return len(samples) / rate, float(np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()])


def test_a_sound_source_is_recorded_as_aac_beside_the_video(tmp_path, astronaut):
    sound = ToneSource()
    sink = Mp4Sink(tmp_path / "recorded.mp4", rate=10, sound=sound)
    for index in range(20):  # two seconds at 10 frames/s
        frame = Frame(index, index / 10, astronaut[:96, :128], time.perf_counter())
        sink.write(StylizedFrame(frame, frame.rgb, (), time.perf_counter()), frame.rgb)
    sink.close()

    assert sound.started and sound.stopped
    with av.open(str(tmp_path / "recorded.mp4")) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
        assert container.streams.video[0].frames == 20
    seconds, pitch = recorded_sound(tmp_path / "recorded.mp4")
    assert seconds == pytest.approx(2.0, abs=0.05) and pitch == pytest.approx(440, abs=2)


def test_without_a_microphone_live_says_so_in_one_line_and_records_the_video(crossing, characters, tmp_path):
    clip = write_clip(tmp_path / "crossing.mp4", [shot.rgb for shot in crossing[:6]])
    recording = tmp_path / "recorded.mp4"

    result = CliRunner().invoke(app, [
        "live", "--source", str(clip), "--characters", str(characters["red"]), "--mode", "full-frame",
        "--preview-port", "0", "--no-window", "--record", str(recording), "--microphone", "no such microphone",
    ])

    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if "sound" in line]
    assert line.startswith("recording without sound: ") and len(line) < 200
    with av.open(str(recording)) as container:
        assert container.streams.video[0].frames == 6 and not container.streams.audio
