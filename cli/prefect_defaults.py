"""How celflow starts Prefect's temporary local server: without usage telemetry, and waiting long enough.

The server's telemetry heartbeat races the first flow run for the SQLite lock ("database is locked"
tracebacks), and celflow runs offline anyway. On an empty Prefect home the server's first start creates and
migrates its database, which on a small machine outlasts Prefect's own 20-second wait, so the first command
a new user runs would fail. Call before Prefect is imported; a user's own setting wins.
"""

from __future__ import annotations

import os

STARTUP_TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
# Seconds to wait for the temporary server: a first start on two busy cores, with room to spare.
FIRST_START_TIMEOUT_S = 180


def quiet_local_server() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault(STARTUP_TIMEOUT_ENV, str(FIRST_START_TIMEOUT_S))
