"""What every `celflow` command shares: one-line user errors and the common options."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

CharacterOption = Annotated[
    str, typer.Option("--character", "-c", help="Character pack folder, its character.yaml, or a built-in name.")
]
STRENGTH_HELP = (
    "Style strength from 0 (the photo) to 1 (the student's picture); in between, a lighter stylisation that keeps "
    "the ink lines."
)
StrengthOption = Annotated[float, typer.Option(help=STRENGTH_HELP)]
LineArtOption = Annotated[
    bool,
    typer.Option(
        help="Draw the teacher's webtoon eyes, face strokes and the people's outline over the student's picture, "
        "from a face mesh and a person mask of each frame, its specks cleared and the mouth in the person's own "
        "colours (when the student was trained on a teacher that draws them), on faces as wide as the teacher "
        "drew lines on (its pack's quality.min_face_px); --no-line-art shows the student's picture alone."
    ),
]
BackendOption = Annotated[
    str,
    typer.Option(help="Runtime: auto (the fastest present, logged with why), cpu, cuda-ep, tensorrt-ep, tensorrt."),
]


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (a test runner swaps it between commands)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _ignored) -> None:
        pass


def show_celflow_logs() -> None:
    """celflow's own INFO lines (e.g. which backend `auto` chose) on stderr, its DEBUG lines too after `-v`;
    other libraries stay quiet."""
    logger = logging.getLogger("celflow")
    if not any(isinstance(handler, _CurrentStderr) for handler in logger.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    if logger.level == logging.NOTSET:  # `-v` set DEBUG
        logger.setLevel(logging.INFO)


def fail(error: Exception) -> NoReturn:
    """Print `celflow: error: …` on one line and exit 1: the user's input is wrong, not the program.

    Multi-line messages (pydantic lists each bad field on its own lines) are joined with "; ".
    """
    message = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
    typer.echo(f"celflow: error: {message}", err=True)
    raise typer.Exit(code=1)


def user_errors() -> tuple[type[Exception], ...]:
    """Errors that mean 'your input is wrong': shown as one line, never as a traceback."""
    from celflow.core.character import CharacterPackError
    from celflow.core.image_files import PhotoFolderError
    from celflow.pipelines.generate_summary import TooManyFailures
    from celflow.realtime.video import VideoError

    return (CharacterPackError, PhotoFolderError, TooManyFailures, VideoError, FileNotFoundError, ValueError)


def require_file(path: Path, what: str) -> None:
    if not path.is_file():
        fail(FileNotFoundError(f"{path}: {what} not found"))
