"""What a person sees while a flow command runs, and the log file that keeps everything else.

On the terminal: celflow's own lines (one per stage), progress bars, warnings and errors. Prefect's line per
task and flow state goes only to the run's log file, unless `-v` asks for it on the terminal too.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFECT_CONSOLE_LEVEL_ENV = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"
RUN_LOG_FILE = "celflow.log"  # in the folder a command writes to
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# Prefect's own layout for lines about a run: which flow or task run said it.
FLOW_RUN_FORMAT = "%(asctime)s %(levelname)-7s Flow run %(flow_run_name)r: %(message)s"
TASK_RUN_FORMAT = "%(asctime)s %(levelname)-7s Task run %(task_run_name)r: %(message)s"


def quiet_prefect_console(verbose: bool) -> None:
    """Prefect's terminal handler at WARNING, unless `verbose`; call before Prefect is imported.

    Prefect's loggers keep their level, so its INFO lines still reach the Prefect server and the log file.
    A user's own PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL wins.
    """
    if not verbose:
        os.environ.setdefault(PREFECT_CONSOLE_LEVEL_ENV, "WARNING")


@contextmanager
def log_to_file(path: Path) -> Iterator[Path]:
    """Append every INFO-and-above line of celflow and Prefect to `path` while the block runs (celflow's DEBUG
    lines too after `-v`).

    Prefect's own logging settings give its loggers INFO; celflow's logger is set to INFO here unless `-v` set it.
    """
    from prefect.logging.formatters import PrefectFormatter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(
        PrefectFormatter(
            LOG_FORMAT,
            flow_run_fmt=FLOW_RUN_FORMAT,
            task_run_fmt=TASK_RUN_FORMAT,
            defaults={"flow_run_name": None, "task_run_name": None},  # a line logged outside a run is kept too
        )
    )
    celflow = logging.getLogger("celflow")
    loggers = [logging.getLogger()] + ([] if celflow.propagate else [celflow])  # see own_terminal
    for logger in loggers:
        logger.addHandler(handler)
    if celflow.level == logging.NOTSET:  # `-v` set DEBUG, which the file keeps too
        celflow.setLevel(logging.INFO)
    try:
        yield path
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        handler.close()


def own_terminal() -> None:
    """For a `celflow` process, not a library caller: mediapipe's native lines dropped, celflow's printed once.

    celflow's lines have their own terminal handler (`show_celflow_logs`); propagating them would print them a
    second time through Prefect's.
    """
    from celflow.cli.native_stderr import drop_native_noise

    drop_native_noise()
    logging.getLogger("celflow").propagate = False
