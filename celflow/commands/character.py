"""`celflow character …`: character packs."""

from __future__ import annotations

from typing import Annotated

import typer

from celflow.cli_support import fail

app = typer.Typer(help="Inspect and validate character packs.", no_args_is_help=True)


@app.command("show")
def character_show(ref: Annotated[str, typer.Argument(help="Pack folder, character.yaml, or built-in name.")] = "default") -> None:
    """Validate a character pack and print its settings."""
    import yaml

    from celflow.character import CharacterPackError, load_character

    try:
        character = load_character(ref)
    except CharacterPackError as error:
        fail(error)
    typer.echo(yaml.safe_dump(character.model_dump(), sort_keys=False).rstrip())
