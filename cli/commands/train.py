"""`celflow train`: pairs → student."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

import typer
from celflow.cli.support import fail, user_errors
from celflow.core.defaults import DEFAULT_TRAIN_STEPS


def parse_loss_weights(text: str, names: Iterable[str]) -> dict[str, float]:
    """'edge=1,adversarial=0.05' → {'edge': 1.0, 'adversarial': 0.05}; each name must be one of `names`."""
    known, weights = list(names), {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = (piece.strip() for piece in item.partition("="))
        if name not in known:
            raise ValueError(f"--loss {text}: unknown term {name!r}, choose from {', '.join(known)}")
        try:
            weights[name] = float(value)
        except ValueError:
            raise ValueError(f"--loss {text}: expected NAME=NUMBER[,NAME=NUMBER…], e.g. edge=1,lab=0.1") from None
    return weights


def train(
    pairs: Annotated[Path, typer.Argument(help="Pairs folder made by `celflow generate`.")],
    model_dir: Annotated[Path, typer.Argument(help="Output folder for the student (resumes if it holds a checkpoint).")],
    steps: Annotated[int, typer.Option(help="Optimisation steps (the learning-rate schedule spans them).")] = DEFAULT_TRAIN_STEPS,
    minutes: Annotated[float | None, typer.Option(help="Stop after this many minutes even if steps remain.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Pairs per step, over all processes (default: 8).")] = None,
    learning_rate: Annotated[
        float | None,
        typer.Option(help="Peak learning rate (default: 2e-3 from scratch, 1e-4 when fine-tuning a trained student)."),
    ] = None,
    crop: Annotated[int | None, typer.Option(help="Training crop in pixels, a multiple of the stride (default: 128).")] = None,
    preset: Annotated[
        Literal["tiny", "small", "base", "dense"],
        typer.Option(help="Student architecture: small (default), tiny (fastest), base (wider), dense (for INT8 on CPUs)."),
    ] = "small",
    alpha_head: Annotated[bool, typer.Option("--alpha-head", help="Also learn a person matte from the pairs' masks.")] = False,
    schedule: Annotated[Literal["cosine", "one_cycle", "constant"], typer.Option(help="Learning-rate schedule.")] = "cosine",
    loss: Annotated[
        str,
        typer.Option(
            help="Loss weights to change, e.g. 'edge=1,adversarial=0.05,perceptual=0.1'; anchor (1 when fine-tuning, "
            "0 turns it off) pulls the weights back towards the student training started from."
        ),
    ] = "",
    vgg_weights: Annotated[Path | None, typer.Option(help="torchvision VGG16 state dict (.safetensors or .pth) for the perceptual loss.")] = None,
    val_pairs: Annotated[Path | None, typer.Option(help="Held-out pairs folder for the final scores.")] = None,
    from_scratch: Annotated[
        bool,
        typer.Option(
            "--from-scratch",
            help="Start from random weights instead of the base student shipped with celflow (which has already "
            "learnt to draw from many people; used when the preset is `small`).",
        ),
    ] = False,
    init_from: Annotated[
        Path | None, typer.Option(help="Start from this trained student folder instead of the shipped base student.")
    ] = None,
    loader_workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Processes drawing batches ahead of the GPU (default: none on CPU, up to 8 on a GPU); "
            "0 in containers with a small /dev/shm. The weights do not depend on it.",
        ),
    ] = None,
) -> None:
    """Train the compact U-Net student on pairs, with checkpoints, EMA, TensorBoard logs and held-out scores.

    For several GPUs (or CPU processes) run it under torchrun, e.g.
    `torchrun --nproc-per-node 2 -m celflow train pairs/ model/`.
    """
    from celflow.core.pair_folder import read_manifest
    from celflow.student.base import fine_tuning
    from celflow.student.losses import LossWeights
    from celflow.student.train import TrainConfig
    from celflow.student.unet import student_preset

    try:
        read_manifest(pairs)
        if val_pairs is not None:
            read_manifest(val_pairs)
        student = student_preset(preset, alpha_head)
        if from_scratch and init_from is not None:
            raise ValueError("--from-scratch and --init-from: choose one")
        chosen = {"batch_size": batch_size, "crop_size": crop, "vgg_weights": vgg_weights, "learning_rate": learning_rate}
        config = TrainConfig(
            steps=steps,
            max_minutes=minutes,
            schedule=schedule,
            student=student,
            loss=LossWeights(**parse_loss_weights(loss, LossWeights.model_fields)),
            **{k: v for k, v in chosen.items() if v is not None},
        )
        if not from_scratch:
            config = fine_tuning(config, init_from, learning_rate)
    except user_errors() as error:
        fail(error)
    try:
        if int(os.environ.get("WORLD_SIZE", "1")) > 1:  # under torchrun: every process trains, no flow per process
            from celflow.student.train import train_student

            report = train_student(pairs, model_dir, config, val_pairs, loader_workers=loader_workers)
        else:
            from celflow.pipelines.train import train_flow

            report = train_flow(pairs, model_dir, config, val_pairs, loader_workers)
    except user_errors() as error:  # e.g. a checkpoint saved under other settings
        fail(error)
    scores = (
        f"held-out PSNR {report.val_psnr:.2f} dB, SSIM {report.val_ssim:.3f} ({report.val_pairs} pairs)"
        if report.val_ssim is not None
        else "no pairs held out"
    )
    typer.echo(f"trained {report.steps} steps in {report.seconds:.0f} s; {scores} → {model_dir}")
