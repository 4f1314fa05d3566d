"""The microphone, for `live --record`: PortAudio through `sounddevice`, captured in blocks on PortAudio's thread.

sounddevice's wheels bundle PortAudio on Windows and macOS; on Linux it uses the system's library.
"""

from __future__ import annotations

import queue
from typing import Protocol

import numpy as np


class SoundSource(Protocol):
    """Mono sound captured while the loop runs: `read` returns the float32 sample blocks captured since the last."""

    rate: int

    def start(self) -> None: ...

    def read(self) -> list[np.ndarray]: ...

    def stop(self) -> None: ...


class MicrophoneError(Exception):
    """No microphone can be recorded; the message says why and how to fix it, in one line."""


class Microphone:
    """An input device by name or number (None: the system's default), recorded in mono at its own rate."""

    def __init__(self, device: str | int | None = None) -> None:
        try:
            import sounddevice
        except ImportError as error:
            raise MicrophoneError("sounddevice is not installed (pip install sounddevice)") from error
        except OSError as error:  # sounddevice imports, then fails to find PortAudio
            raise MicrophoneError("PortAudio is missing (Debian/Ubuntu: apt install libportaudio2)") from error
        self._blocks: queue.SimpleQueue[np.ndarray] = queue.SimpleQueue()
        try:
            self.rate = int(sounddevice.query_devices(device, "input")["default_samplerate"])
            self._stream = sounddevice.InputStream(
                device=device, channels=1, samplerate=self.rate, dtype="float32", callback=self._keep
            )
        except (ValueError, sounddevice.PortAudioError) as error:
            name = "the default microphone" if device is None else f"microphone {device!r}"
            raise MicrophoneError(f"cannot open {name} ({error}); list them with `python -m sounddevice`") from error

    def _keep(self, samples: np.ndarray, frames: int, time: object, status: object) -> None:
        self._blocks.put(samples[:, 0].copy())  # PortAudio reuses its buffer after the callback returns

    def start(self) -> None:
        self._stream.start()

    def read(self) -> list[np.ndarray]:
        blocks = []
        while not self._blocks.empty():
            blocks.append(self._blocks.get_nowait())
        return blocks

    def stop(self) -> None:
        self._stream.stop()
        self._stream.close()
