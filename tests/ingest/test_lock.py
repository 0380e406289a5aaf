"""The writer lock: a second writer says it waits, gets the lock when the first is done, or fails clearly."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from assistant.errors import IngestLockedError
from ingest.lock import writer_lock


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'metodstod.db'}"
    return request.getfixturevalue("pg_database")


def test_the_second_writer_waits_with_a_message_then_goes_on(url: str) -> None:
    said: list[str] = []
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with writer_lock(url, 10):
            first_in.set()
            time.sleep(0.8)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    with writer_lock(url, 10, notify=said.append):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]
    assert len(said) == 1 and "En annan inläsning (ingest) pågår" in said[0] and "väntar" in said[0]


def test_a_writer_that_waits_too_long_fails_clearly_and_the_lock_is_free_after(url: str) -> None:
    with (
        writer_lock(url, 5),
        pytest.raises(IngestLockedError, match="pågick fortfarande") as raised,
        writer_lock(url, 0.5),
    ):
        pytest.fail("two writers at once")
    assert "inget ändrades" in str(raised.value)
    with writer_lock(url, 0.5):  # released by the first, also after the failed attempt
        pass


def test_the_file_lock_names_the_process_that_holds_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'metodstod.db'}"
    said: list[str] = []
    with writer_lock(url, 5), pytest.raises(IngestLockedError), writer_lock(url, 0.3, notify=said.append):
        pass
    import os

    assert f"(process {os.getpid()})" in said[0]
    assert (tmp_path / "metodstod.db.ingest-lock").exists()
