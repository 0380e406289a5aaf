"""The corpus generation: one number in the shared database that moves with every committed change.

Every process (serve, ask, eval) keeps caches of the shared stores (the lexical index, term
statistics, the active document versions); it reads this number, which costs one tiny query,
and refreshes its caches when the number moved. The ingest bumps it in the same transaction
that switches the registry, so a process never sees a new number with an old registry.

`corpus_key` names what the caches are built from (the active document versions): a cache
with the same key is the same cache, whichever host or run built it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, Table, select, update
from sqlalchemy.engine import Connection

from assistant.db import lock_in_transaction, upsert

metadata = MetaData()

corpus_state = Table(
    "corpus_state",
    metadata,
    Column("id", Integer, primary_key=True),  # one row, id 1
    Column("generation", BigInteger, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)
ROW = 1


def read_generation(conn: Connection) -> int:
    """The current generation; 0 before the first committed change."""
    value = conn.execute(select(corpus_state.c.generation).where(corpus_state.c.id == ROW)).scalar()
    return int(value or 0)


def bump_generation(conn: Connection) -> int:
    """Move the generation on, inside the caller's transaction (committed with its changes)."""
    lock_in_transaction(conn, "metodstod:generation")
    now = datetime.now(UTC)
    done = conn.execute(
        update(corpus_state)
        .where(corpus_state.c.id == ROW)
        .values(generation=corpus_state.c.generation + 1, changed_at=now)
    )
    if done.rowcount == 0:
        upsert(conn, corpus_state, {"id": ROW, "generation": 1, "changed_at": now}, ["id"])
    return read_generation(conn)


def corpus_key(active_hashes: Iterable[str]) -> str:
    """Names the set of active document versions (what a lexical cache is built from)."""
    joined = "\n".join(sorted(set(active_hashes)))
    return hashlib.sha256(joined.encode()).hexdigest()[:20]
