"""Prefect's log lines about a user's mistake inside a flow, without their tracebacks.

Prefect's engine logs a task or flow that raises with its whole traceback, then celflow prints its one-line
error: for errors that mean "your input is wrong" (a refused INT8 variant, a photo folder with nothing in it)
the traceback only buries that line. The log line itself stays, in the terminal and in the run's server logs.
"""

from __future__ import annotations

import logging

ENGINE_LOGGERS = ("prefect.task_runs", "prefect.flow_runs")


class _WithoutUserErrorTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            from celflow.cli.support import user_errors  # only when an error is logged: it imports Prefect

            if isinstance(error, user_errors()):
                record.exc_info, record.exc_text = None, None
        return True


def hide_user_error_tracebacks() -> None:
    for name in ENGINE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, _WithoutUserErrorTraceback) for existing in logger.filters):
            logger.addFilter(_WithoutUserErrorTraceback())
