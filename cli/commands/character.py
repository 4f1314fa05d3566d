"""`celflow character …`: character packs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from celflow.cli.support import fail
from celflow.core.defaults import DEFAULT_CHARACTER
from celflow.generators.diffusion.captions import DEFAULT_TEMPLATE

app = typer.Typer(help="Inspect and validate character packs.", no_args_is_help=True)


@app.command("show")
def character_show(
    ref: Annotated[str, typer.Argument(help="Pack folder, character.yaml, or built-in name.")] = DEFAULT_CHARACTER,
) -> None:
    """Validate a character pack and print its settings."""
    import yaml

    from celflow.core.character import CharacterPackError, load_character

    try:
        character = load_character(ref)
    except CharacterPackError as error:
        fail(error)
    typer.echo(yaml.safe_dump(character.model_dump(), sort_keys=False).rstrip())


@app.command("train")
def character_train(
    ref: Annotated[str, typer.Argument(help="Pack folder whose character.yaml has `teacher: kind: diffusion`.")],
    images: Annotated[
        Path | None, typer.Option(help="Reference images (+ name.txt captions). Default: PACK/references.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Where the LoRA goes. Default: PACK/lora.")] = None,
    steps: Annotated[int, typer.Option(min=1)] = 500,
    resolution: Annotated[int, typer.Option(min=64)] = 512,
    learning_rate: Annotated[float, typer.Option("--learning-rate", "--lr")] = 1e-4,
    rank: Annotated[int, typer.Option(min=1)] = 4,
    batch_size: Annotated[int, typer.Option(min=1)] = 1,
    train_text_encoder: Annotated[bool, typer.Option(help="Also put LoRA layers on the text encoder.")] = False,
    sample_every: Annotated[int, typer.Option(min=1, help="Checkpoint and sample grid every K steps.")] = 100,
    sample_steps: Annotated[int, typer.Option(min=1, help="Denoising steps of the sample grid.")] = 25,
    caption_template: Annotated[
        str, typer.Option(help="Caption of images without a .txt; {trigger} = trigger word.")
    ] = DEFAULT_TEMPLATE,
    seed: int = 0,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Teach the pack's base model the character: a LoRA from its reference images. Rerun to resume."""
    from pydantic import ValidationError

    from celflow.core.character import CharacterPackError, load_character

    try:
        character = load_character(ref)
        spec = character.teacher
        if spec.kind != "diffusion":
            raise CharacterPackError(f"{ref}: teacher.kind is {spec.kind}; LoRA training needs `kind: diffusion`")
        if not spec.trigger_word:
            raise CharacterPackError(
                f"{ref}: teacher.trigger_word: set the word the LoRA should learn the character as"
            )
        from celflow.generators.diffusion.captions import reference_images
        from celflow.generators.diffusion.lora_training import LoraTrainingConfig, train_lora

        config = LoraTrainingConfig(
            resolution=resolution,
            steps=steps,
            learning_rate=learning_rate,
            rank=rank,
            batch_size=batch_size,
            train_text_encoder=train_text_encoder,
            sample_every=sample_every,
            sample_steps=sample_steps,
            seed=seed,
        )
        references = reference_images(images or spec.pack_dir / "references", spec.trigger_word, caption_template)
        out_dir = out or spec.pack_dir / "lora"
        record = train_lora(spec, references, out_dir, config, progress=progress)
    except (CharacterPackError, ValidationError, FileNotFoundError, ValueError) as error:
        fail(error)
    resumed = f", resumed at step {record.resumed_from}" if record.resumed_from else ""
    typer.echo(
        f"LoRA: {out_dir} ({record.steps_done} steps{resumed}, last loss {record.final_loss:.4f}, "
        f"base model {record.base_model}, {record.seconds:.0f} s)"
    )
    if spec.lora is None or spec.resolve(spec.lora).resolve() != out_dir.resolve():
        typer.echo(
            f"to use it, set `lora: {os.path.relpath(out_dir, spec.pack_dir)}` under `teacher:` in character.yaml"
        )
