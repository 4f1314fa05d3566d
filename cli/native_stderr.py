"""The terminal without mediapipe's native start-up lines, which no setting turns off.

mediapipe's C++ graphs log through absl before anything calls `absl::InitializeLog()`, so every graph a worker
thread builds writes a `W0000 … inference_feedback_manager.cc` warning (and TFLite an XNNPACK `INFO:` line)
straight to file descriptor 2. Neither glog's nor absl's environment variables nor Python's `absl.logging`
reach that logger, and no Python binding sets its level. So the CLI routes its own standard error through a
pipe and lets everything through except those exact lines.
"""

from __future__ import annotations

import atexit
import os
import re
import sys
import threading

NATIVE_NOISE = re.compile(
    rb"W0000 [\d:.]+ +\d+ inference_feedback_manager\.cc:\d+\] .*"
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|INFO: Created TensorFlow Lite XNNPACK delegate for CPU\."
)
NOISE_STARTS = (b"W0000 ", b"WARNING: All log messages before absl::", b"INFO: Created TensorFlow Lite XNNPACK")
EXIT_WAIT_S = 2.0  # at exit, how long the forwarder may take to write what is still in the pipe


def _first_noise_start(data: bytes) -> int | None:
    """Where the first possible noise line starts in `data`: a whole start, or the beginning of one at its end.

    Noise can start mid-line: a progress bar redrawn with `\r` has no line end when a graph logs.
    """
    found = [i for start in NOISE_STARTS if (i := data.find(start)) >= 0]
    found += [
        len(data) - size
        for start in NOISE_STARTS
        for size in range(1, len(start))
        if data.endswith(start[:size])
    ]
    return min(found, default=None)


class NativeNoiseFilter:
    """Forwards bytes from a pipe to the real standard error, dropping every line that NATIVE_NOISE matches.

    Bytes before a possible noise line are written at once, so a progress bar redrawn in place shows as it
    changes; only what may still turn out to be noise waits for its line end.
    """

    def __init__(self, out_fd: int) -> None:
        self._out_fd = out_fd
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        """What to write out of `data`, keeping back an unfinished line that may still be noise."""
        data, self._pending = self._pending + data, b""
        out = bytearray()
        while data:
            start = _first_noise_start(data)
            if start is None:
                out += data
                break
            out += data[:start]
            end = data.find(b"\n", start)
            if end < 0:
                self._pending = data[start:]
                break
            line, data = data[start : end + 1], data[end + 1 :]
            if not NATIVE_NOISE.fullmatch(line.rstrip(b"\r\n")):
                out += line
        return bytes(out)

    def flush(self) -> bytes:
        pending, self._pending = self._pending, b""
        return pending

    def forward(self, in_fd: int) -> None:
        while chunk := os.read(in_fd, 1 << 16):
            os.write(self._out_fd, self.feed(chunk))
        os.write(self._out_fd, self.flush())
        os.close(in_fd)


def drop_native_noise() -> None:
    """From now until exit, standard error (this process's and its children's) goes through NativeNoiseFilter."""
    sys.stderr.flush()
    real_stderr = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    forwarder = threading.Thread(
        target=NativeNoiseFilter(real_stderr).forward, args=(read_end,), name="stderr-filter", daemon=True
    )
    forwarder.start()

    def restore() -> None:
        sys.stderr.flush()
        os.dup2(real_stderr, 2)  # closes this process's last write end: the forwarder drains the pipe and ends
        forwarder.join(EXIT_WAIT_S)

    atexit.register(restore)
