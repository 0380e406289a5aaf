"""The writer lock: one ingest (or `corpus remove`) at a time per deployment.

On PostgreSQL a session advisory lock, so every host that shares the database shares the
lock; on SQLite a file lock beside the database file. Both go away with the process that
holds them, also when it is killed. A second writer says that it waits, waits up to
`store.ingest_lock_wait_seconds`, then fails with a clear message.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from assistant.db import lock_key, make_engine
from assistant.errors import IngestLockedError

LOCK_NAME = "metodstod:ingest"
POLL_SECONDS = 0.25
WAITING = "En annan inläsning (ingest) pågår{holder}; den här väntar tills den är klar …"


def locked_message(waited: float) -> str:
    return (
        f"En annan inläsning (ingest) pågick fortfarande efter {waited:.0f} s väntan, så inget ändrades. "
        "Försök igen när den är klar (eller höj store.ingest_lock_wait_seconds)."
    )


@contextmanager
def writer_lock(url: str, wait_seconds: float, notify: Callable[[str], object] | None = None) -> Iterator[None]:
    """Hold the deployment's writer lock for the block (see the module docstring)."""
    if url.startswith("sqlite:///"):
        with _file_lock(Path(url.removeprefix("sqlite:///")), wait_seconds, notify):
            yield
    elif make_engine(url).dialect.name == "postgresql":
        with _advisory_lock(url, wait_seconds, notify):
            yield
    else:  # another database: it must not be shared by several writers
        yield


Notify = Callable[[str], object] | None


def _wait(attempt: Callable[[], bool], wait_seconds: float, notify: Notify, holder: str) -> None:
    if attempt():
        return
    if notify is not None:
        notify(WAITING.format(holder=holder))
    started = time.monotonic()
    while time.monotonic() - started < wait_seconds:
        time.sleep(POLL_SECONDS)
        if attempt():
            return
    raise IngestLockedError(locked_message(time.monotonic() - started))


@contextmanager
def _file_lock(database: Path, wait_seconds: float, notify: Callable[[str], object] | None) -> Iterator[None]:
    path = database.with_name(database.name + ".ingest-lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def attempt() -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    try:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
        _wait(attempt, wait_seconds, notify, f" (process {holder})" if holder.isdigit() else "")
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _advisory_lock(url: str, wait_seconds: float, notify: Callable[[str], object] | None) -> Iterator[None]:
    key = lock_key(LOCK_NAME)
    conn = make_engine(url).connect()
    try:

        def attempt() -> bool:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
            conn.commit()
            return got

        _wait(attempt, wait_seconds, notify, "")
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()
    except BaseException:
        conn.invalidate()  # never hand a connection that may hold the lock back to the pool
        raise
    finally:
        conn.close()
