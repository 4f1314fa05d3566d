"""`celflow train`: pairs → student."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from celflow.cli_support import fail, user_errors

def train(
    pairs: Annotated[Path, typer.Argument(help="Pairs folder made by `celflow generate`.")],
    model_dir: Annotated[Path, typer.Argument(help="Output folder for the student (resumes if it holds a checkpoint).")],
    steps: Annotated[int, typer.Option(help="Optimisation steps.")] = 3000,
    minutes: Annotated[float | None, typer.Option(help="Stop after this many minutes even if steps remain.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Pairs per step [default: TrainConfig's].")] = None,
    crop: Annotated[int | None, typer.Option(help="Training crop in pixels, a multiple of the stride [default: TrainConfig's].")] = None,
    val_pairs: Annotated[Path | None, typer.Option(help="Held-out pairs folder for the final scores.")] = None,
) -> None:
    """Train the compact U-Net student on pairs (L1 + SSIM), with checkpoints and held-out PSNR/SSIM."""
    from celflow.records import read_manifest
    from celflow.student.train import TrainConfig

    try:
        read_manifest(pairs)
        if val_pairs is not None:
            read_manifest(val_pairs)
        chosen = {"batch_size": batch_size, "crop_size": crop}
        config = TrainConfig(steps=steps, max_minutes=minutes, **{k: v for k, v in chosen.items() if v is not None})
    except user_errors() as error:
        fail(error)
    from celflow.pipelines.train import train_flow

    report = train_flow(pairs, model_dir, config, val_pairs)
    scores = (
        f"held-out PSNR {report.val_psnr:.2f} dB, SSIM {report.val_ssim:.3f} ({report.val_pairs} pairs)"
        if report.val_ssim is not None
        else "no pairs held out"
    )
    typer.echo(f"trained {report.steps} steps in {report.seconds:.0f} s; {scores} → {model_dir}")
