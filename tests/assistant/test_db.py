"""Several processes on one database: schema made at once, upserts, records replaces, the generation.

Each case runs on a SQLite file and on PostgreSQL (a fresh database on the session's server)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from assistant.db import make_engine
from assistant.index.documents import DocumentInfo, DocumentRegistry
from assistant.index.generation import corpus_key
from assistant.records.schema import ActivityRow
from assistant.records.store import SqlRecordStore


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    return request.getfixturevalue("pg_database")


def test_a_fresh_sqlite_file_goes_to_wal_mode_while_another_connection_holds_it(tmp_path: Path) -> None:
    """SQLite answers "database is locked" at once (no busy wait) when a new file is switched to
    WAL mode while another process writes it: what two ingests on a new data dir ran into."""
    path = tmp_path / "fresh.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE first_writer (x)")
    threading.Timer(0.5, holder.execute, args=("COMMIT",)).start()
    with make_engine(f"sqlite:///{path}").connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    holder.close()


def _open_everything(url: str, start: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    from assistant.feedback import FeedbackStore

    start.wait(30)
    DocumentRegistry(url)
    store = SqlRecordStore(url)
    store.create_schema()
    FeedbackStore(url)


def test_processes_starting_at_once_on_a_fresh_database_all_make_it(url: str) -> None:
    """What two `metodstod ingest` (or serve) processes do first on a new database."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_open_everything, args=(url, start)) for _ in range(4)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert DocumentRegistry(url).all() == []


def _info(doc_id: str, version: int) -> DocumentInfo:
    return DocumentInfo(
        doc_id=doc_id,
        title=f"{doc_id} v{version}",
        doc_type="pm",
        source_path=f"/corpus/{doc_id}.md",
        doc_hash=f"{version:032d}",
        chunk_count=version,
    )


def hammer(workers: int, calls: int, work: Callable[[int, int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def run(worker: int) -> None:
        barrier.wait()
        for call in range(calls):
            try:
                work(worker, call)
            except BaseException as exc:  # collected: the test shows them all
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def test_concurrent_registry_updates_are_upserts(url: str) -> None:
    """600 concurrent puts of five documents: no duplicate-key error, one row each, every put a generation."""
    registry = DocumentRegistry(url)
    before = registry.generation()
    errors = hammer(6, 100, lambda w, c: registry.put(_info(f"doc-{c % 5}", w * 1000 + c)))
    assert errors == []
    rows = registry.all()
    assert [r.doc_id for r in rows] == [f"doc-{i}" for i in range(5)]
    assert registry.generation() == before + 600


def _activity(id_: str, partner: str) -> ActivityRow:
    return ActivityRow.model_validate(
        {
            "id": id_,
            "kommun": "Linköping",
            "fokusomrade": 1,
            "aktivitet": f"Aktivitet {id_}",
            "format": "workshop",
            "kalla": "bilaga2",
            "section": "A",
            "page": 1,
            "quote": "Citat.",
            "partner": partner,
        }
    )


def test_concurrent_records_replaces_leave_one_file_and_no_orphan_links(url: str) -> None:
    store = SqlRecordStore(url)
    store.create_schema()
    versions = {w: [_activity(f"lkp-1-{w}{i}", f"Partner{w};Brå") for i in range(4)] for w in range(6)}
    errors = hammer(6, 20, lambda w, c: store.replace_file("activities", versions[w], "activities.csv"))
    assert errors == []
    rows = store.activities()
    assert len(rows) == 4 and len({r.id[-2] for r in rows}) == 1  # one writer's version, whole
    links, table = store.links, store.tables["activities"]
    with store.engine.connect() as conn:
        orphans = conn.execute(
            select(func.count()).select_from(links).where(links.c.row_pk.not_in(select(table.c.pk)))
        ).scalar_one()
    assert orphans == 0
    assert set(store.distinct_values("partner")) == {p for r in rows for p in r.partner}


def test_generation_moves_with_the_transaction_that_commits(url: str) -> None:
    from assistant.index.generation import bump_generation

    registry = DocumentRegistry(url)
    start = registry.generation()
    with pytest.raises(RuntimeError), registry.engine.begin() as conn:
        registry.put(_info("a", 1), conn)
        bump_generation(conn)
        raise RuntimeError("killed before commit")
    assert registry.generation() == start and registry.get("a") is None
    with registry.engine.begin() as conn:
        registry.put(_info("a", 1), conn)
        registry.put(_info("b", 1), conn)
        assert bump_generation(conn) == start + 1
    assert registry.generation() == start + 1
    registry.remove("b")  # on its own: its own transaction, its own generation
    assert registry.generation() == start + 2


def test_corpus_key_names_the_set_of_versions() -> None:
    assert corpus_key(["b", "a"]) == corpus_key(["a", "b", "a"]) != corpus_key(["a"])
    assert corpus_key({"a": 3, "b": 4}) == corpus_key(["a", "b"])
