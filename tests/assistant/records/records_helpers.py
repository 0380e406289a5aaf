"""Test helpers over the records store (what ingest does, in one call)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import and_, func, select

from assistant.records.schema import read_records_dir
from assistant.records.store import SqlRecordStore


def load_records(store: SqlRecordStore, directory: Path) -> dict[str, int]:
    """Validate every records CSV in ``directory`` and replace each file's rows."""
    loaded = read_records_dir(Path(directory))
    return {stem: store.replace_file(stem, rows, f"{stem}.csv") for stem, rows in loaded.items()}


def count_activities(store: SqlRecordStore, **filters: object) -> int:
    """Number of activity rows matching the filters (as `SqlRecordStore.activities`)."""
    conds = store._activity_conditions(
        *(filters.get(k) for k in ("kommun", "fokusomrade", "metod", "partner", "format", "text"))
    )
    query = select(func.count()).select_from(store.tables["activities"]).where(and_(True, *conds))
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
