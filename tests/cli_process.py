"""Running `celflow` as a new user would: its own process, a fresh empty Prefect home, no Prefect settings set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_celflow(args: list[str], prefect_home: Path, timeout_s: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m celflow ARGS` with stdout and stderr captured together, as a terminal would show them.

    Line ends are kept as written: a progress bar redrawn in place with `\r` stays one line.

    Every PREFECT_* variable of the test process is dropped (the test harness sets its own), so the command
    meets Prefect exactly as on a fresh machine: no API URL, no database, celflow's own defaults.
    """
    prefect_home.mkdir(parents=True, exist_ok=True)
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(prefect_home)
    result = subprocess.run(
        [sys.executable, "-m", "celflow", *args],
        check=False,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout_s,
    )
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode("utf-8", "replace"))
