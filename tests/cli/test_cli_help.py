"""--help teaches: every option's help reaches the terminal whole, and the defaults it quotes are the real ones."""

from __future__ import annotations

import re

import click
import typer
from typer.testing import CliRunner

from celflow.cli import app
from celflow.student.train import TrainConfig


def all_options(command: click.Command, path: str = "celflow") -> list[tuple[str, click.Parameter]]:
    found = [(path, parameter) for parameter in command.params]
    for name, child in getattr(command, "commands", {}).items():
        found += all_options(child, f"{path} {name}")
    return found


def test_no_option_help_holds_square_brackets_that_rich_would_swallow_as_markup() -> None:
    swallowed = [
        f"{path} {parameter.opts[0]}"
        for path, parameter in all_options(typer.main.get_command(app))
        if re.search(r"(?<!\\)\[[^\]]*\]", getattr(parameter, "help", None) or "")  # rich reads \[ as a literal bracket
    ]

    assert not swallowed


def test_train_help_quotes_the_training_defaults() -> None:
    result = CliRunner().invoke(app, ["train", "--help"], env={"COLUMNS": "200"})

    defaults = TrainConfig()
    assert result.exit_code == 0
    assert f"Pairs per step, over all processes (default: {defaults.batch_size})." in result.output
    assert f"multiple of the stride (default: {defaults.crop_size})." in result.output
    assert "(default: none on CPU, up to 8 on a GPU)" in result.output


def test_an_escaped_bracket_reaches_the_terminal() -> None:
    result = CliRunner().invoke(app, ["generate", "--help"], env={"COLUMNS": "200"})

    assert "pip install 'celflow[ray]'" in result.output
