"""`celflow studio` as a command: it teaches with an example, starts without Prefect, and a taken port is one line."""

from __future__ import annotations

import socket
import subprocess
import sys

from tests.cli_process import run_celflow


def test_help_shows_an_example_and_the_limits(tmp_path):
    result = run_celflow(["studio", "--help"], tmp_path / "prefect", timeout_s=120)
    assert result.returncode == 0
    assert "celflow studio --root" in result.stdout
    assert "20 MB" in result.stdout and "200 MB" in result.stdout


def test_a_taken_port_is_one_line_and_exit_code_1(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_celflow(["studio", "--port", str(port), "--root", str(tmp_path / "root")], tmp_path / "prefect",
                             timeout_s=120)
    assert result.returncode == 1
    assert result.stdout.strip() == (
        f"celflow: error: --port {port}: already in use on 127.0.0.1 (another studio?); pass another --port"
    )


def test_the_studio_starts_without_importing_prefect(tmp_path):
    script = (
        "import sys; from celflow.studio.app import create_app; create_app(sys.argv[1]); "
        "print(sorted(m for m in sys.modules if m == 'prefect' or m.startswith('prefect.')))"
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "root")], capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stdout.strip() == "[]"
