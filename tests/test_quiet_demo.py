"""`celflow demo` as a new user first runs it: an empty Prefect home, and a terminal a person can read."""

from __future__ import annotations

from tests.cli_process import run_celflow

MAX_LINES = 60


def test_the_quick_demo_on_a_fresh_machine_prints_a_short_readable_run_and_logs_the_rest(tmp_path):
    out = tmp_path / "demo"

    result = run_celflow(["demo", "--quick", "--out", str(out)], tmp_path / "prefect-home")

    printed = result.stdout
    assert result.returncode == 0, printed
    assert printed.count("\n") <= MAX_LINES, printed
    for noise in ("W0000", "GetPrototype", "absl::InitializeLog", "XNNPACK", "Task run", "Finished in state"):
        assert noise not in printed, f"{noise!r} on the terminal:\n{printed}"
    assert "photos: " in printed and "held out (hopper and obama, never trained on)" in printed
    assert "| held-out SSIM / PSNR / line F1 vs teacher |" in printed
    log = (out / "celflow.log").read_text(encoding="utf-8")
    assert "Task run" in log and "Finished in state Completed" in log  # Prefect's lines kept in the run's log
