"""Database engines (SQLAlchemy): SQLite by default, any URL (e.g. PostgreSQL) works.

Also the few things every table owner needs to be safe with several processes on one database:
schema creation that two processes may run at once, upserts, and a transaction-scoped lock.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, create_engine, event, insert, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

SCHEMA_ATTEMPTS = 5
WAL_WAIT_SECONDS = 30.0


@lru_cache(maxsize=16)
def make_engine(url: str) -> Engine:
    """One engine per URL per process; SQLite files get their folder and WAL mode."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            _wal_mode(cur)
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _wal_mode(cur: Any, wait_seconds: float = WAL_WAIT_SECONDS) -> None:
    """Put the database file in WAL mode (it stays so). Switching a fresh file needs it to
    itself, and SQLite then answers "database is locked" at once instead of waiting its busy
    timeout, so two processes opening a new data dir together take turns here."""
    started = time.monotonic()
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() - started > wait_seconds:
                raise
            time.sleep(0.05)


def lock_key(name: str) -> int:
    """A stable signed 64-bit number for `name` (PostgreSQL advisory locks take one)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock_in_transaction(conn: Connection, name: str) -> None:
    """Serialise transactions that take the lock `name` until they end (PostgreSQL: an advisory
    transaction lock). SQLite needs none: it lets one writer at a time in anyway."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})


def create_schema(engine: Engine, metadata: MetaData) -> None:
    """Create the missing tables of `metadata`; safe when several processes start at once (on
    PostgreSQL they take turns; on SQLite the loser of a race sees the tables on its next try)."""
    for attempt in range(SCHEMA_ATTEMPTS):
        try:
            with engine.begin() as conn:
                lock_in_transaction(conn, "metodstod:schema")
                metadata.create_all(conn)
            return
        except DBAPIError as exc:
            if "already exists" not in str(exc).lower() or attempt == SCHEMA_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def upsert(conn: Connection, table: Table, values: Mapping[str, Any], keys: Sequence[str]) -> None:
    """Insert the row, or update the row with the same `keys`: one statement, no race."""
    changes = {k: v for k, v in values.items() if k not in keys}
    if conn.dialect.name in ("postgresql", "sqlite"):
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        statement = dialect_insert(table).values(**values)
        conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes))
        return
    where = [table.c[k] == values[k] for k in keys]
    if conn.execute(update(table).where(*where).values(**changes)).rowcount == 0:
        conn.execute(insert(table).values(**values))
