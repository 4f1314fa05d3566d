"""How celflow starts Prefect's temporary local server: without usage telemetry.

The server's telemetry heartbeat races the first flow run for the SQLite lock ("database is locked"
tracebacks), and celflow runs offline anyway. Call before Prefect is imported; a user's own setting wins.
"""

from __future__ import annotations

import os


def quiet_local_server() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
