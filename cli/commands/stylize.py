"""`celflow stylize`: photos → webtoon PNGs with an exported student, no Prefect server (stills start at once)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from celflow.cli.support import (
    BackendOption,
    LineArtOption,
    StrengthOption,
    fail,
    show_celflow_logs,
    user_errors,
)
from celflow.core.defaults import AUTO_BACKEND, DEFAULT_CHARACTER, STILL_MAX_SIDE

MAX_SIDE_HELP = (
    f"Shrink photos so their long side is at most this first (default {STILL_MAX_SIDE}: a phone's 12 megapixels "
    "drawn at their own size take several gigabytes of memory and look no better); full = the photo's own size."
)

EXAMPLES = """Examples:

  celflow stylize portrait.jpg -o portrait-webtoon.png

  celflow stylize portrait.jpg -o webtoon/ --model celflow-demo/student.onnx

  celflow stylize holiday/ 'extra/*.png' -o webtoon/ --character runs/anna --strength 0.6

  celflow stylize group.jpg -o webtoon/ --model student.onnx --mode person-only --max-side 1024

A folder's photos keep their sub-folders inside OUT; every result is a PNG named after its photo. A photo that
cannot be read is skipped with a line naming it; the exit code is 1 only when nothing was converted."""


def stylize(
    inputs: Annotated[list[str], typer.Argument(help="Photos, folders (searched recursively) or patterns, e.g. 'trip/*.jpg'.")],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the webtoon PNGs; nothing is written outside it. For one photo, a file name "
            "(drawn.png, drawn.jpg) writes just that file.",
        ),
    ],
    model: Annotated[
        Path | None,
        typer.Option("--model", "-m", help="An ONNX student (`celflow export`) or a student folder (`celflow train`)."),
    ] = None,
    character: Annotated[
        str | None,
        typer.Option(
            "--character",
            "-c",
            help="A character's student: a `celflow distill` or `celflow demo` output folder, or NAME=PATH; "
            f"without --model or --character: {DEFAULT_CHARACTER}, the base student shipped with celflow.",
        ),
    ] = None,
    strength: StrengthOption = 1.0,
    mode: Annotated[
        str,
        typer.Option(
            help="full-frame; person-only: the people found by their faces, over the real background; per-person: "
            "with one character, the same as full-frame."
        ),
    ] = "full-frame",
    max_side: Annotated[str, typer.Option(help=MAX_SIDE_HELP)] = str(STILL_MAX_SIDE),
    backend: BackendOption = AUTO_BACKEND,
    line_art: LineArtOption = True,
) -> None:
    """Turn photos into webtoon images with a trained student: with or without faces, any common format."""
    show_celflow_logs()
    from celflow.core.image_files import READABLE_PHOTO_SUFFIXES
    from celflow.pipelines.stills import names_one_image, plan_stills, stylize_stills
    from celflow.realtime.still import open_photo_stylizer
    from celflow.realtime.working_size import FULL, parse_fixed_max_side

    try:
        if model is not None and character is not None:
            raise ValueError("give --model or --character, not both")
        if out.exists() and not out.is_dir() and not names_one_image(out):
            raise ValueError(f"--out {out}: is a file, not a folder")
        side = parse_fixed_max_side(max_side)
        plan = plan_stills(inputs, out)
        if not plan.photos:
            suffixes = ", ".join(sorted(READABLE_PHOTO_SUFFIXES))
            raise FileNotFoundError(f"{' '.join(inputs)}: no photos ({suffixes}) found outside the output folder")
        chosen = model if model is not None else character or DEFAULT_CHARACTER
        stylizer = open_photo_stylizer(chosen, strength, mode, backend, line_art)
    except user_errors() as error:
        fail(error)
    try:
        report = stylize_stills(plan, stylizer, None if side == FULL else side)
    except (OSError, ValueError) as error:  # the output folder cannot be written
        fail(error)
    finally:
        stylizer.close()
    skipped = f"{len(report.skipped)} skipped" if report.skipped else ""
    if not report.converted:
        fail(ValueError(f"nothing converted: every photo was skipped ({skipped})"))
    shrunk = f"{report.shrunk} drawn {side} px long, --max-side" if report.shrunk else ""
    details = "; ".join(part for part in (shrunk, skipped) if part)
    images = "image" if len(report.converted) == 1 else "images"
    typer.echo(f"wrote {len(report.converted)} webtoon {images} to {out}" + (f" ({details})" if details else ""))

