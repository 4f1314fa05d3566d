"""Prefect's line per task stays off the terminal unless -v asks for it; a run's log file keeps every line."""

from __future__ import annotations

import logging
import os

import pytest

from celflow.cli.console import PREFECT_CONSOLE_LEVEL_ENV, log_to_file, quiet_prefect_console


def test_prefects_terminal_shows_warnings_only_unless_verbose(monkeypatch):
    monkeypatch.delenv(PREFECT_CONSOLE_LEVEL_ENV, raising=False)
    quiet_prefect_console(verbose=True)
    assert PREFECT_CONSOLE_LEVEL_ENV not in os.environ

    quiet_prefect_console(verbose=False)
    assert os.environ[PREFECT_CONSOLE_LEVEL_ENV] == "WARNING"


def test_a_users_own_prefect_console_level_wins(monkeypatch):
    monkeypatch.setenv(PREFECT_CONSOLE_LEVEL_ENV, "DEBUG")

    quiet_prefect_console(verbose=False)

    assert os.environ[PREFECT_CONSOLE_LEVEL_ENV] == "DEBUG"


@pytest.fixture
def prefect_logger_at_info():
    """Prefect's logger at INFO, as Prefect's logging settings configure it in a flow command."""
    prefect = logging.getLogger("prefect")
    level = prefect.level
    prefect.setLevel(logging.INFO)
    yield prefect
    prefect.setLevel(level)


def test_the_log_file_keeps_info_lines_while_the_command_runs_and_no_longer(tmp_path, prefect_logger_at_info):
    root_handlers = list(logging.getLogger().handlers)
    with log_to_file(tmp_path / "run" / "celflow.log") as path:
        prefect_logger_at_info.info("Starting temporary server")
        logging.getLogger("celflow.demo").info("photos: 3 for training")
    logging.getLogger("celflow.demo").info("after the command")

    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["Starting temporary server", "photos: 3 for training"]
    assert logging.getLogger().handlers == root_handlers
