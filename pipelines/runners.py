"""Where a flow's tasks run: threads on this machine, a Dask cluster, or a Ray cluster — same flow code.

The engines are prefect-dask and prefect-ray; Ray is an optional extra (`celflow[ray]`), imported only
when asked for.
"""

from __future__ import annotations

from typing import Literal

from prefect import Flow
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from pydantic import BaseModel, ConfigDict, Field

RunnerKind = Literal["threads", "dask", "ray"]
RUNNER_KINDS: tuple[str, ...] = ("threads", "dask", "ray")


class RunnerError(ValueError):
    """The chosen runner cannot be used here (missing package, or settings that do not go together)."""


class RunnerSpec(BaseModel):
    """Which engine runs the tasks; `address` joins an existing cluster instead of starting a local one."""

    model_config = ConfigDict(frozen=True)

    kind: RunnerKind = "threads"
    address: str | None = None
    workers: int = Field(2, ge=1, description="threads, or local Dask workers when no address is given")

    def task_runner(self) -> TaskRunner:
        if self.kind == "threads":
            if self.address:
                raise RunnerError("--address needs --runner dask or --runner ray; threads run on this machine")
            return ThreadPoolTaskRunner(max_workers=self.workers)
        if self.kind == "dask":
            from prefect_dask import DaskTaskRunner

            if self.address:
                return DaskTaskRunner(address=self.address)
            # threads inside one process: workers start in a second on a small machine and share loaded models
            return DaskTaskRunner(cluster_kwargs={"n_workers": self.workers, "threads_per_worker": 1, "processes": False})
        try:
            from prefect_ray import RayTaskRunner
        except ImportError as error:
            raise RunnerError(
                "--runner ray needs prefect-ray, an optional extra: pip install 'celflow[ray]'"
            ) from error
        return RayTaskRunner(address=self.address) if self.address else RayTaskRunner()


def with_runner(flow: Flow, runner: RunnerSpec) -> Flow:
    """The same flow, its tasks sent to `runner`'s engine."""
    return flow.with_options(task_runner=runner.task_runner())
