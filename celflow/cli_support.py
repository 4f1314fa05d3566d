"""What every `celflow` command shares: one-line user errors and the common options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

CharacterOption = Annotated[
    str, typer.Option("--character", "-c", help="Character pack folder, its character.yaml, or a built-in name.")
]


def fail(error: Exception) -> NoReturn:
    """Print `celflow: error: …` on one line and exit 1: the user's input is wrong, not the program.

    Multi-line messages (pydantic lists each bad field on its own lines) are joined with "; ".
    """
    message = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
    typer.echo(f"celflow: error: {message}", err=True)
    raise typer.Exit(code=1)


def user_errors() -> tuple[type[Exception], ...]:
    """Errors that mean 'your input is wrong': shown as one line, never as a traceback."""
    from celflow.character import CharacterPackError
    from celflow.pipelines.pair_store import PhotoFolderError

    return (CharacterPackError, PhotoFolderError, FileNotFoundError, ValueError)


def require_file(path: Path, what: str) -> None:
    if not path.is_file():
        fail(FileNotFoundError(f"{path}: {what} not found"))
