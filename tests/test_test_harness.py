"""The test run itself leaves nothing behind in the system's temp folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_test_run_removes_the_prefect_home_it_made(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_HOME"}
    env["TMPDIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider", "tests/test_first_run.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert not list(tmp_path.glob("celflow-prefect-*")), "the tests' Prefect home was left in the temp folder"
