"""`celflow distill`: one character end to end — photos → pairs → student → ONNX → scores, cached per stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from celflow.cli.commands.generate import (
    AddressOption,
    FailedShareOption,
    MaxSideOption,
    RunnerOption,
    WorkersOption,
    runner_spec,
    warn_if_batches_cannot_fill,
)
from celflow.cli.console import RUN_LOG_FILE, log_to_file
from celflow.cli.support import CharacterOption, fail, user_errors
from celflow.core.defaults import DEFAULT_CHARACTER, DEFAULT_TRAIN_STEPS


def distill(
    photos: Annotated[Path, typer.Argument(help="Folder of the character's training photos.")],
    out: Annotated[Path, typer.Argument(help="Output folder: pairs/, student/<pairs fingerprint>/, summaries.")],
    character: CharacterOption = DEFAULT_CHARACTER,
    heldout: Annotated[Path | None, typer.Option(help="Folder of held-out photos to score the student on.")] = None,
    steps: Annotated[int, typer.Option(help="Training steps.")] = DEFAULT_TRAIN_STEPS,
    minutes: Annotated[float | None, typer.Option(help="Stop training after this many minutes.")] = None,
    max_side: MaxSideOption = 512,
    runner: RunnerOption = "threads",
    address: AddressOption = None,
    workers: WorkersOption = 2,
    max_failed_share: FailedShareOption = 0.5,
    from_scratch: Annotated[
        bool, typer.Option("--from-scratch", help="Train the student from random weights, not from the shipped base student.")
    ] = False,
) -> None:
    """generate → train → export → evaluate. Rerun with the same inputs and nothing is recomputed."""
    from celflow.core.character import load_character
    from celflow.core.image_files import list_photos
    from celflow.student.base import fine_tuning
    from celflow.student.train import TrainConfig

    try:
        list_photos(photos)
        if heldout is not None:
            list_photos(heldout)
        pack = load_character(character)
        config = TrainConfig(steps=steps, max_minutes=minutes)
        config = config if from_scratch else fine_tuning(config)
    except user_errors() as error:
        fail(error)
    spec = runner_spec(runner, address, workers)
    warn_if_batches_cannot_fill(pack, workers)
    from celflow.pipelines.distill import distill_flow
    from celflow.pipelines.generate_summary import TooManyFailures

    try:
        with log_to_file(out / RUN_LOG_FILE):
            summary = distill_flow(
                photos, out, character=character, train=config, heldout_photos_dir=heldout,
                max_side=max_side, runner=spec, max_failed_share=max_failed_share,
            )
    except TooManyFailures as error:
        fail(error)
    typer.echo(summary.as_markdown())
