"""Crash points: named places where a test may kill the process as a power cut would.

`checkpoint("after-commit")` does nothing unless the environment variable
METODSTOD_TEST_CRASH_AT names that point; then the process sends itself SIGKILL (no cleanup,
no `finally`). The integration tests use it to check that the next ingest repairs every state
an interrupted one can leave.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "METODSTOD_TEST_CRASH_AT"


def checkpoint(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
