"""Long work started from the page and followed from it: converting a video, distilling a character.

A job runs beside the web server (a thread, or a `celflow distill` process) and keeps a small record the page
polls: its state, how far it got, its last output lines and, for a distill, the Prefect run it belongs to.
"""

from __future__ import annotations

import re
import subprocess
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

OUTPUT_LINES_KEPT = 40
# Prefect says where to watch a flow run ("View at http://…/runs/flow-run/<id>") when a server with its UI runs.
RUN_LINK = re.compile(r"https?://\S+/runs/flow-run/[0-9a-f-]+")
FLOW_RUN_NAME = re.compile(r"Beginning flow run '([^']+)' for flow 'distill'")
PERCENT = re.compile(r"(\d{1,3})%\|")  # a tqdm bar's share done


@dataclass
class Job:
    """What the page shows of one job; `progress` is a share done in [0, 1], None while unknown."""

    id: str
    kind: str
    title: str
    state: str = "running"  # running, done or failed
    progress: float | None = None
    message: str = ""
    result: str | None = None  # a file name in the gallery, or a run folder name
    run_link: str | None = None
    run_name: str | None = None
    output: deque[str] = field(default_factory=lambda: deque(maxlen=OUTPUT_LINES_KEPT))

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "kind": self.kind, "title": self.title, "state": self.state, "progress": self.progress,
            "message": self.message, "result": self.result, "run_link": self.run_link, "run_name": self.run_name,
            "output": list(self.output),
        }


class Jobs:
    """The jobs of one studio process, newest first; each runs on its own daemon thread."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, title: str, work: Callable[[Job], str | None]) -> Job:
        """Run `work(job)` in the background; what it returns is the job's result, what it raises its message."""
        job = Job(uuid.uuid4().hex[:12], kind, title)
        with self._lock:
            self._jobs[job.id] = job

        def run() -> None:
            try:
                job.result = work(job)
                job.state, job.progress = "done", 1.0
            except Exception as error:  # noqa: BLE001  (the page shows why; the server keeps serving)
                job.state, job.message = "failed", "; ".join(str(error).splitlines()) or type(error).__name__

        threading.Thread(target=run, name=f"studio-{kind}-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            if job_id not in self._jobs:
                raise FileNotFoundError(f"job {job_id!r}: no such job in this studio session")
            return self._jobs[job_id]

    def all(self) -> list[Job]:
        with self._lock:
            return list(reversed(self._jobs.values()))


def follow_output(job: Job, line: str) -> None:
    """Take one output line of `celflow distill` into the job: its text, its Prefect run, a progress bar's share."""
    line = line.strip()
    if not line:
        return
    job.output.append(line)
    if (link := RUN_LINK.search(line)) is not None:
        job.run_link = link.group(0)
    if (name := FLOW_RUN_NAME.search(line)) is not None:
        job.run_name = name.group(1)
    if (percent := PERCENT.search(line)) is not None:
        job.message = line
        job.progress = min(int(percent.group(1)), 100) / 100


def run_process(job: Job, command: list[str], log_file: Path, env: dict[str, str] | None = None) -> None:
    """Run `command`, its output (stdout and stderr, progress bars' carriage returns as lines) followed into
    `job` and kept whole in `log_file`; a non-zero exit raises with its last line."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "w", encoding="utf-8", buffering=1) as log, subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, bufsize=0
    ) as process:
        pending = b""
        while chunk := process.stdout.read(4096):
            pending += chunk
            *lines, pending = re.split(rb"[\r\n]", pending)
            for raw in lines:
                text = raw.decode("utf-8", errors="replace")
                log.write(text + "\n")
                follow_output(job, text)
        follow_output(job, pending.decode("utf-8", errors="replace"))
        returncode = process.wait()
    if returncode != 0:
        last = next((line for line in reversed(job.output) if line.startswith("celflow: error")), None)
        raise RuntimeError(last or f"celflow distill stopped with exit code {returncode}; see {log_file}")
