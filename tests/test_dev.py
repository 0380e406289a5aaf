"""dev.py: `python3 dev.py run` stops quietly on Ctrl-C or SIGTERM (no traceback, the server stopped too)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO

TOKEN = f"dev-test-{os.getpid()}"
# Like `metodstod serve`: says it is ready, and stops quietly on Ctrl-C or SIGTERM.
CHILD = f"""import signal, sys, time
try:
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    print('klar', flush=True)
    time.sleep(120)  # {TOKEN}
except KeyboardInterrupt:
    pass
"""
HARNESS = (
    f"import sys; sys.path.insert(0, {str(REPO)!r}); import dev; "
    f"sys.exit(dev.run_until_stopped(sys.executable, '-c', {CHILD!r}))"
)


def _start() -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HARNESS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group: Ctrl-C goes to the group, as in a terminal
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.stdout.readline().strip() == "klar":
            return proc
    proc.kill()
    pytest.fail("the child did not start")


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_run_stops_quietly(how: str) -> None:
    proc = _start()
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)  # the terminal sends SIGINT to the whole foreground group
    else:
        proc.send_signal(signal.SIGTERM)  # e.g. `kill PID` or a service manager: only dev.py gets it
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert not subprocess.run(["pgrep", "-f", TOKEN], capture_output=True).stdout.strip()  # the server is gone
