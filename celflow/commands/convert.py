"""`celflow convert`: a video through an exported student."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from celflow.cli_support import fail, require_file

def convert(
    src: Annotated[Path, typer.Argument(help="Input video.")],
    dst: Annotated[Path, typer.Argument(help="Output MP4 (H.264; the input's sound is kept).")],
    model: Annotated[Path, typer.Option("--model", "-m", help="ONNX student made by `celflow export`.")],
) -> None:
    """Stylise every frame of a video with an ONNX student; audio is copied across."""
    require_file(src, "input video")
    require_file(model, "ONNX model")
    from celflow.pipelines.convert import convert_flow
    from celflow.realtime.video import VideoError

    try:
        report = convert_flow(src, dst, model)
    except VideoError as error:
        fail(error)
    typer.echo(f"wrote {report.output}: {report.frames} frames, {report.width}×{report.height}, "
               f"{report.fps:.1f} frames/s, audio {report.audio}")
