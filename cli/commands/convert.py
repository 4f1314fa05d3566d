"""`celflow convert`: a video through one or more exported students, resumable by segments.

In-process like `stylize` and `live`: no Prefect server to start, so the first frame is stylised within seconds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from celflow.cli.support import (
    BackendOption,
    LineArtOption,
    StrengthOption,
    fail,
    require_file,
    show_celflow_logs,
    user_errors,
)
from celflow.core.defaults import AUTO_BACKEND, CONVERT_MAX_SIDE, DEFAULT_CHARACTER

MAX_SIDE_HELP = (
    "Draw frames (painting, line art, face warp) at most this long a side, then scale them back to the video's size: "
    f"{CONVERT_MAX_SIDE} draws a 1080p clip at half size, several times faster, keeping the look; full = its own size."
)
ASSIGN_HELP = "Characters by the person number the overlay shows (from 1), e.g. 1=anna,2=ben; others round-robin."
CHARACTERS_HELP = (
    "Characters: NAME=student.onnx or model folders, comma-separated (the first also draws the background); "
    f"without --model or --characters: {DEFAULT_CHARACTER}, the base student shipped with celflow."
)


def convert(
    src: Annotated[Path, typer.Argument(help="Input video.")],
    dst: Annotated[Path, typer.Argument(help="Output MP4 (H.264; the input's sound is kept).")],
    model: Annotated[
        Path | None, typer.Option("--model", "-m", help="One ONNX student made by `celflow export`.")
    ] = None,
    characters: Annotated[str | None, typer.Option("--characters", help=CHARACTERS_HELP)] = None,
    mode: Annotated[str, typer.Option(help="full-frame, per-person or person-only.")] = "full-frame",
    assign: Annotated[str, typer.Option(help=ASSIGN_HELP)] = "",
    one_for_all: Annotated[bool, typer.Option(help="Every person gets the first character.")] = False,
    smoothing: Annotated[float, typer.Option(help="Temporal smoothing strength in [0, 1); 0 is off.")] = 0.0,
    max_side: Annotated[str, typer.Option(help=MAX_SIDE_HELP)] = str(CONVERT_MAX_SIDE),
    segment_seconds: Annotated[float, typer.Option(help="Length of each resumable segment.")] = 30.0,
    strength: StrengthOption = 1.0,
    backend: BackendOption = AUTO_BACKEND,
    line_art: LineArtOption = True,
) -> None:
    """Stylise every frame of a video; rerun the same command to resume an interrupted conversion."""
    require_file(src, "input video")
    show_celflow_logs()
    from celflow.realtime.characters import (
        CastMember,
        parse_characters,
        parse_track_map,
    )
    from celflow.realtime.modes import MODES
    from celflow.realtime.strength import check_strength
    from celflow.realtime.video import probe_video
    from celflow.realtime.working_size import parse_fixed_max_side

    try:
        probe_video(src)  # an unreadable input is said in one line now, not as a failed flow run
        if model is not None and characters is not None:
            raise ValueError("give --model or --characters, not both")
        if mode not in MODES:
            raise ValueError(f"--mode {mode}: expected one of {', '.join(MODES)}")
        check_strength(strength)
        drawn_side = parse_fixed_max_side(max_side)
        if model is not None:
            require_file(model, "ONNX model")
            cast = [CastMember(model.stem, model)]
        else:
            cast = parse_characters(characters or DEFAULT_CHARACTER)
        explicit = parse_track_map(assign, [c.name for c in cast])
        from celflow.realtime.build import ConvertOptions, convert_file

        options = ConvertOptions(
            mode=mode,
            assignment="one-for-all" if one_for_all else "round-robin",
            explicit=explicit,
            smoothing=smoothing,
            max_side=drawn_side,
            segment_seconds=segment_seconds,
            backend=backend,
            strength=strength,
            line_art=line_art,
        )
        report = convert_file(src, dst, cast, options)
    except user_errors() as error:
        fail(error)
    resumed = f", {report.resumed_frames} resumed from an earlier run" if report.resumed_frames else ""
    drawn = ""
    if isinstance(drawn_side, int) and max(report.width, report.height) > drawn_side:
        drawn = f" (drawn {drawn_side} px long, --max-side)"
    typer.echo(f"wrote {report.output}: {report.frames} frames{resumed}, {report.width}×{report.height}{drawn}, "
               f"{report.fps:.1f} frames/s, audio {report.audio}")
