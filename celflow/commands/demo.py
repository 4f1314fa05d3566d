"""`celflow demo`: the whole pipeline offline on real photos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for everything the demo makes.")] = Path("celflow-demo"),
    minutes: Annotated[float | None, typer.Option(help="Training time budget in minutes (default: 7).")] = None,
) -> None:
    """Run the whole pipeline offline on real photos and a real clip: pairs, student, ONNX, video, report."""
    from celflow.pipelines.demo import DemoSettings, demo_flow

    settings = DemoSettings()
    if minutes is not None:
        settings = settings.model_copy(update={"train": settings.train.model_copy(update={"max_minutes": minutes})})
    summary = demo_flow(out, settings)
    typer.echo(summary.as_markdown())
