"""`celflow demo`: the whole pipeline offline on real photos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from celflow.cli.console import RUN_LOG_FILE, log_to_file
from celflow.cli.support import show_celflow_logs

QUICK_HELP = "A few photos, small pairs, a minute of training: checks an install in minutes (figures mean nothing)."


def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for everything the demo makes.")] = Path("celflow-demo"),
    minutes: Annotated[float | None, typer.Option(help="Training time budget in minutes (default: 7).")] = None,
    quick: Annotated[bool, typer.Option("--quick", help=QUICK_HELP)] = False,
) -> None:
    """Run the whole pipeline offline on real photos and a real clip: pairs, student, ONNX, video, report."""
    from celflow.pipelines.demo import DemoSettings, demo_flow, quick_settings

    show_celflow_logs()
    settings = quick_settings() if quick else DemoSettings()
    if minutes is not None:
        settings = settings.model_copy(update={"train": settings.train.model_copy(update={"max_minutes": minutes})})
    with log_to_file(out / RUN_LOG_FILE) as log_file:
        typer.echo(f"celflow demo → {out} (full log: {log_file})", err=True)
        summary = demo_flow(out, settings)
    typer.echo(summary.as_markdown())
