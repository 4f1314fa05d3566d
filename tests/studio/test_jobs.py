"""Background jobs: the page sees their progress, their Prefect run and why one failed."""

from __future__ import annotations

import sys
import time

import pytest

from celflow.studio.jobs import Job, Jobs, run_process

DISTILL_LIKE_OUTPUT = r"""
import sys
print("12:00:01 INFO    Flow run 'calm-otter': Beginning flow run 'calm-otter' for flow 'distill'", flush=True)
print("12:00:01 INFO    Flow run 'calm-otter': View at http://127.0.0.1:4200/runs/flow-run/0b1c2d3e-aaaa-bbbb", flush=True)
sys.stderr.write("train:  40%|####      | 40/100 [00:04<00:06]\rtrain:  75%|#######5  | 75/100 [00:07<00:02]\r")
sys.stderr.flush()
print("done", flush=True)
sys.exit(int(sys.argv[1]))
"""


def wait(job: Job, seconds: float = 30) -> Job:
    deadline = time.monotonic() + seconds
    while job.state == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    return job


def test_a_distill_process_shows_its_run_link_and_progress(tmp_path):
    job = Job("1", "distill", "distill anna")
    run_process(job, [sys.executable, "-c", DISTILL_LIKE_OUTPUT, "0"], tmp_path / "jobs" / "anna.log")

    assert job.run_link == "http://127.0.0.1:4200/runs/flow-run/0b1c2d3e-aaaa-bbbb"
    assert job.run_name == "calm-otter"
    assert job.progress == 0.75  # the last progress bar redrawn with a carriage return
    assert list(job.output)[-1] == "done"
    assert "train:  40%" in (tmp_path / "jobs" / "anna.log").read_text()


def test_a_failing_process_fails_with_its_error_line(tmp_path):
    job = Job("1", "distill", "distill anna")
    script = "import sys; print('celflow: error: photos: no photos in this folder'); sys.exit(1)"
    with pytest.raises(RuntimeError, match="^celflow: error: photos: no photos in this folder$"):
        run_process(job, [sys.executable, "-c", script], tmp_path / "anna.log")


def test_a_job_runs_in_the_background_and_keeps_its_result_or_its_error():
    jobs = Jobs()
    done = wait(jobs.start("video", "clip", lambda job: "clip.mp4"))
    failed = wait(jobs.start("video", "clip", lambda job: 1 / 0))

    assert (done.state, done.result, done.progress) == ("done", "clip.mp4", 1.0)
    assert (failed.state, failed.message) == ("failed", "division by zero")
    assert [job.id for job in jobs.all()] == [failed.id, done.id]
    with pytest.raises(FileNotFoundError, match="no such job"):
        jobs.get("nothing")
