"""The `celflow` process keeps one malloc arena, so frames freed on another thread than the one that painted them
do not fragment memory over a long conversion."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

ARENAS_AFTER_A_THREAD = """
import ctypes, sys, tempfile, threading
if sys.argv[1] == "capped":
    from celflow.cli.malloc_arenas import one_malloc_arena
    assert one_malloc_arena()
worker = threading.Thread(target=lambda: [bytearray(200_000) for _ in range(20)])
worker.start()
worker.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile("r") as report:
    stream = ctypes.c_void_p(libc.fopen(report.name.encode(), b"w"))
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    print(report.read().count("<heap nr="))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc arenas")
def test_a_thread_allocating_gets_no_arena_of_its_own_once_capped():
    def arenas(how: str) -> int:
        run = subprocess.run([sys.executable, "-c", ARENAS_AFTER_A_THREAD, how], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return int(run.stdout)

    assert arenas("default") > 1  # glibc's default: the thread got an arena of its own
    assert arenas("capped") == 1


def test_the_command_caps_the_arenas_before_anything_else(monkeypatch):
    app = importlib.import_module("celflow.cli.app")  # the module: the package's `app` is the Typer app
    calls = []
    monkeypatch.setattr(app, "one_malloc_arena", lambda: calls.append("arenas"))
    monkeypatch.setattr(app, "quiet_local_server", lambda: calls.append("prefect"))
    monkeypatch.setattr(app, "own_terminal", lambda: calls.append("terminal"))
    monkeypatch.setattr(app, "app", lambda prog_name: calls.append("command"))
    app.main()

    assert calls == ["arenas", "prefect", "terminal", "command"]
