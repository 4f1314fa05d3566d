"""The `celflow` command line: one command per stage, plus `demo` that chains them all.

Each command lives in `celflow.cli.commands.<name>`; heavy libraries (torch, mediapipe, prefect) are imported
inside the command functions so `celflow --help` is instant.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from celflow.cli.commands import (
    bench,
    character,
    convert,
    demo,
    distill,
    evaluate,
    export,
    generate,
    live,
    serve,
    student,
    studio,
    stylize,
    train,
)
from celflow.cli.console import own_terminal, quiet_prefect_console
from celflow.cli.malloc_arenas import one_malloc_arena
from celflow.cli.prefect_defaults import quiet_local_server
from celflow.cli.prefect_logs import hide_user_error_tracebacks

app = typer.Typer(
    help="celflow: make photo→webtoon pairs with a slow teacher, distil them into a real-time student, ship it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def console_options(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Also print Prefect's line per task and flow state, and celflow's details, on the terminal.",
        ),
    ] = False,
) -> None:
    """What the terminal shows while a command runs; see celflow.cli.console."""
    quiet_prefect_console(verbose)
    # celflow's details (why a backend was skipped) with -v; without, the commands set INFO
    logging.getLogger("celflow").setLevel(logging.DEBUG if verbose else logging.NOTSET)
    hide_user_error_tracebacks()


# Registration: one line per command or command group.
app.command()(generate.generate)
app.command()(distill.distill)
app.command()(serve.serve)
app.command()(train.train)
app.command()(evaluate.evaluate)
app.command()(export.export)
app.command()(bench.bench)
app.command()(convert.convert)
app.command()(live.live)
app.command(epilog=stylize.EXAMPLES)(stylize.stylize)
app.command()(demo.demo)
app.command(epilog=studio.EXAMPLES)(studio.studio)
app.add_typer(character.app, name="character")
app.add_typer(student.app, name="student")


def main() -> None:
    one_malloc_arena()  # first: before any library starts a thread
    quiet_local_server()
    own_terminal()
    app(prog_name="celflow")


if __name__ == "__main__":
    sys.exit(main())
