"""`celflow serve`: keep the scheduled deployments running (nightly watch-folder runs, on-demand distill)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from celflow.cli.commands.generate import AddressOption, RunnerOption, WorkersOption, runner_spec
from celflow.cli.support import fail, user_errors
from celflow.core.defaults import DEFAULT_CHARACTER, DEFAULT_TRAIN_STEPS


def serve(
    watch: Annotated[Path, typer.Argument(help="Folder people drop new photos into.")],
    out: Annotated[Path, typer.Argument(help="Output root: one folder per character pack.")],
    character: Annotated[
        list[str], typer.Option("--character", "-c", help="Character pack (repeat for several).")
    ] = [DEFAULT_CHARACTER],  # noqa: B006 - typer needs a list default for a repeatable option
    cron: Annotated[str, typer.Option(help="When the watch folder is processed (cron, server time zone).")] = "0 2 * * *",
    steps: Annotated[int, typer.Option(help="Training steps of the distill deployments.")] = DEFAULT_TRAIN_STEPS,
    runner: RunnerOption = "threads",
    address: AddressOption = None,
    workers: WorkersOption = 2,
) -> None:
    """Serve `watch-<character>` (cron) and `distill-<character>` deployments until stopped with Ctrl-C."""
    from celflow.student.train import TrainConfig

    spec = runner_spec(runner, address, workers)
    if not watch.is_dir():
        fail(FileNotFoundError(f"{watch}: watch folder not found"))
    from prefect import serve as prefect_serve

    from celflow.pipelines.deployments import build_deployments

    try:
        deployments = build_deployments(watch, out, character, cron, spec, TrainConfig(steps=steps))
    except user_errors() as error:
        fail(error)
    typer.echo(f"serving {', '.join(d.name for d in deployments)}; watching {watch} on '{cron}'")
    prefect_serve(*deployments)
