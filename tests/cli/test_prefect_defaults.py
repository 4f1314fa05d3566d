"""Prefect's temporary server is given time for a first start, unless the user says otherwise."""

from __future__ import annotations

import os

from celflow.cli.prefect_defaults import FIRST_START_TIMEOUT_S, STARTUP_TIMEOUT_ENV, quiet_local_server

PREFECT_OWN_DEFAULT_S = 20


def test_celflow_waits_far_longer_than_prefects_own_default(monkeypatch):
    monkeypatch.delenv(STARTUP_TIMEOUT_ENV, raising=False)

    quiet_local_server()

    assert int(os.environ[STARTUP_TIMEOUT_ENV]) == FIRST_START_TIMEOUT_S > 3 * PREFECT_OWN_DEFAULT_S


def test_a_users_own_startup_timeout_wins(monkeypatch):
    monkeypatch.setenv(STARTUP_TIMEOUT_ENV, "7")

    quiet_local_server()

    assert os.environ[STARTUP_TIMEOUT_ENV] == "7"
