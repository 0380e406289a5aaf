"""The corpus's knowledge files, published by ingest into the shared database.

`records/vocabulary.yaml` (the municipalities, areas, methods … the router recognises and the
records may name) and `records/sveriges_kommuner.yaml` live in the corpus folder the ingest
reads (`corpus_dir`). An ingest publishes them, changed ones only, in its one transaction, so
the generation moves with them; every process reads the published copy, so all hosts route
alike. Before anything is published (a database from before this version, or no ingest yet)
the files in `corpus_dir` are read instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection, Engine

from assistant.db import create_schema, upsert

metadata = MetaData()

corpus_files = Table(
    "corpus_files",
    metadata,
    Column("name", String(200), primary_key=True),  # path inside the corpus folder
    Column("sha256", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)
KNOWLEDGE_FILES = ("records/vocabulary.yaml", "records/sveriges_kommuner.yaml")
VOCABULARY = KNOWLEDGE_FILES[0]
MUNICIPALITIES = KNOWLEDGE_FILES[1]


def local_files(corpus_dir: Path) -> dict[str, str]:
    """The knowledge files in a corpus folder (those that exist)."""
    found = {}
    for name in KNOWLEDGE_FILES:
        path = corpus_dir / name
        if path.is_file():
            found[name] = path.read_text(encoding="utf-8")
    return found


def published_files(engine: Engine) -> dict[str, str]:
    """The knowledge files as last published (empty when nothing was)."""
    create_schema(engine, metadata)
    with engine.connect() as conn:
        rows = conn.execute(select(corpus_files.c.name, corpus_files.c.text)).all()
    return {name: text for name, text in rows}


def publish(conn: Connection, files: Mapping[str, str]) -> None:
    """Write `files` inside the caller's transaction (the ingest's)."""
    now = datetime.now(UTC)
    for name, text in files.items():
        row = {"name": name, "sha256": _sha(text), "text": text, "published_at": now}
        upsert(conn, corpus_files, row, ["name"])


def version(files: Mapping[str, str]) -> str:
    """Names a set of knowledge files (changes when any of them does)."""
    return _sha("\n".join(f"{name}\n{_sha(text)}" for name, text in sorted(files.items())))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
