"""`celflow student info`: what a student architecture costs before anyone trains it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

import typer

from celflow.cli.support import fail, user_errors
from celflow.core.defaults import STUDENT_ONNX_FILE

app = typer.Typer(help="The student network: sizes and costs of the presets or of a trained model.", no_args_is_help=True)


@app.command()
def info(
    preset: Annotated[Literal["tiny", "small", "base", "dense"], typer.Option(help="Architecture preset to describe.")] = "small",
    model: Annotated[Path | None, typer.Option(help="A trained student folder instead of a preset.")] = None,
    alpha_head: Annotated[bool, typer.Option("--alpha-head", help="Include the alpha (person matte) head.")] = False,
) -> None:
    """Print parameters, GFLOPs at 256², 512² and 640×480, and the exported ONNX size."""
    from celflow.export.onnx_export import export_onnx
    from celflow.student.checkpoint import load_student, save_student
    from celflow.student.info import student_cost
    from celflow.student.unet import StudentUNet, student_preset

    try:
        if model is not None:
            network, config = load_student(model)
        else:
            config = student_preset(preset, alpha_head)
            network = StudentUNet(config)
    except user_errors() as error:
        fail(error)
    cost = student_cost(network)
    with tempfile.TemporaryDirectory() as folder:
        save_student(network, config, Path(folder))
        onnx_bytes = export_onnx(Path(folder), Path(folder) / STUDENT_ONNX_FILE).size_bytes
    name = str(model) if model is not None else f"preset {preset}"
    typer.echo(f"student      {name}: {config.blocks} blocks, widths {config.widths}, unshuffle {config.unshuffle}, alpha head {config.alpha_head}")
    typer.echo(f"stride       {config.stride} (frames are padded to multiples of it)")
    typer.echo(f"parameters   {cost.parameters:,}")
    for size, gflops in cost.gflops.items():
        typer.echo(f"GFLOPs       {gflops:.3f} at {size}")
    typer.echo(f"ONNX size    {onnx_bytes / 1e6:.2f} MB")
