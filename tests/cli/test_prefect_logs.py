"""Prefect's engine log lines: a user's mistake loses its traceback (celflow prints it in one line), a bug keeps it."""

from __future__ import annotations

import logging
import sys

import pytest

from celflow.cli.prefect_logs import ENGINE_LOGGERS, hide_user_error_tracebacks


def logged_while_handling(error: Exception, logger_name: str) -> logging.LogRecord:
    try:
        raise error
    except Exception:
        record = logging.getLogger(logger_name).makeRecord(
            logger_name, logging.ERROR, __file__, 0, "Task run failed with exception: %r", (error,), sys.exc_info()
        )
    logging.getLogger(logger_name).filter(record)
    return record


@pytest.mark.parametrize("logger_name", ENGINE_LOGGERS)
def test_a_user_error_is_logged_without_its_traceback(logger_name: str) -> None:
    hide_user_error_tracebacks()
    filters = list(logging.getLogger(logger_name).filters)
    hide_user_error_tracebacks()  # every command calls it: filters are not stacked

    record = logged_while_handling(ValueError("photos/: no photos"), logger_name)

    assert record.exc_info is None and "no photos" in record.getMessage()
    assert logging.getLogger(logger_name).filters == filters


def test_a_bug_keeps_its_traceback() -> None:
    hide_user_error_tracebacks()

    record = logged_while_handling(ZeroDivisionError("division by zero"), ENGINE_LOGGERS[0])

    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError


def test_too_many_failed_photos_is_logged_without_its_traceback() -> None:
    """`generate` stops when too many photos fail (unreadable, too large): the photos' fault, said in one line."""
    from celflow.pipelines.generate_summary import TooManyFailures

    hide_user_error_tracebacks()

    record = logged_while_handling(TooManyFailures("pairs/: 2 of 3 photos failed"), "prefect.flow_runs")

    assert record.exc_info is None and "2 of 3 photos failed" in record.getMessage()
