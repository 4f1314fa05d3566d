"""`celflow evaluate`: the student vs its teacher on held-out photos and a real clip."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from celflow.cli.support import CharacterOption, fail, user_errors
from celflow.core.defaults import DEFAULT_CHARACTER


def evaluate(
    model_dir: Annotated[Path, typer.Argument(help="Student folder made by `celflow train`.")],
    heldout_pairs: Annotated[Path, typer.Argument(help="Pairs folder of photos the student never trained on.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for evaluation.json and contact_sheet.png.")] = Path("evaluation"),
    clip: Annotated[Path | None, typer.Option(help="A real video: temporal flicker of student vs per-frame teacher.")] = None,
    character: CharacterOption = DEFAULT_CHARACTER,
    frames: Annotated[int, typer.Option(help="Clip frames to compare (the teacher is slow).")] = 60,
    clip_scale: Annotated[float, typer.Option(help="Resize clip frames by this factor first (the teacher rejects small faces).")] = 1.0,
) -> None:
    """PSNR, SSIM, MS-SSIM and line F1 vs the teacher (alpha IoU with an alpha head), a contact sheet, and flicker.

    These score the student network alone; `stylize`, `convert` and `live` also draw the teacher's line art
    over its picture (`celflow demo` scores both)."""
    from celflow.core.character import load_character
    from celflow.core.pair_folder import read_manifest
    from celflow.student.checkpoint import load_student

    try:
        load_student(model_dir)
        read_manifest(heldout_pairs)
        load_character(character)
        if clip is not None and not clip.is_file():
            raise FileNotFoundError(f"{clip}: no video there")
        if clip_scale <= 0:
            raise ValueError(f"--clip-scale {clip_scale}: must be above 0")
    except user_errors() as error:
        fail(error)
    from celflow.pipelines.evaluate import evaluate_flow

    try:
        evaluation = evaluate_flow(model_dir, heldout_pairs, out, clip, character, frames, clip_scale)
    except user_errors() as error:  # e.g. no frame of the clip that the teacher can stylise
        fail(error)
    typer.echo(evaluation.as_markdown())
