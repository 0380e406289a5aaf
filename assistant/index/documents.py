"""The document registry: which documents are in the corpus, in which version.

Lives in the records database (SQLite by default, any SQLAlchemy URL works). Switching a
document to a new version is one row upsert in the ingest's one transaction, which also moves
the corpus generation (`assistant.index.generation`): that is the moment readers move from the
old chunks to the new ones. Called without a connection, each change is its own transaction
and moves the generation itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, select
from sqlalchemy.engine import Connection, Engine

from assistant.db import create_schema, make_engine, upsert
from assistant.index.generation import bump_generation, corpus_key, read_generation
from assistant.index.generation import metadata as generation_metadata

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(200), primary_key=True),
    Column("title", Text, nullable=False),
    Column("doc_type", String(50), nullable=False),
    Column("kind", String(20), nullable=False, default="document"),  # document | records
    Column("publisher", Text, default=""),
    Column("year", Integer, nullable=True),
    Column("source_path", Text, nullable=False),
    Column("doc_hash", String(64), nullable=False),
    Column("chunk_count", Integer, nullable=False, default=0),
    Column("pages", Integer, nullable=True),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("embedder", String(200), nullable=False, default=""),
)


class DocumentInfo(BaseModel):
    doc_id: str
    title: str
    doc_type: str
    kind: str = "document"
    publisher: str = ""
    year: int | None = None
    source_path: str
    doc_hash: str
    chunk_count: int = 0
    pages: int | None = None
    ingested_at: datetime | None = None
    embedder: str = ""


class DocumentRegistry:
    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        create_schema(self.engine, metadata)
        create_schema(self.engine, generation_metadata)

    def all(self) -> list[DocumentInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents).order_by(documents.c.doc_id)).mappings().all()
        return [DocumentInfo(**row) for row in rows]

    def get(self, doc_id: str) -> DocumentInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.doc_id == doc_id)).mappings().first()
        return DocumentInfo(**row) if row else None

    @contextmanager
    def _writing(self, conn: Connection | None) -> Iterator[Connection]:
        """The caller's transaction, or a new one that also moves the generation."""
        if conn is not None:
            yield conn
            return
        with self.engine.begin() as own:
            yield own
            bump_generation(own)

    def put(self, info: DocumentInfo, conn: Connection | None = None) -> None:
        """Insert or replace one document row (an upsert: safe with concurrent writers)."""
        values = info.model_dump()
        values["ingested_at"] = values["ingested_at"] or datetime.now(UTC)
        with self._writing(conn) as c:
            upsert(c, documents, values, ["doc_id"])

    def remove(self, doc_id: str, conn: Connection | None = None) -> None:
        with self._writing(conn) as c:
            c.execute(delete(documents).where(documents.c.doc_id == doc_id))

    def clear(self) -> None:
        with self._writing(None) as c:
            c.execute(delete(documents))

    def active_hashes(self) -> list[str]:
        """Versions of documents whose chunks readers may see."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents.c.doc_hash).where(documents.c.kind == "document")).all()
        return [r[0] for r in rows]

    def active_versions(self) -> dict[str, int]:
        """Active document versions (content hash) with their chunk counts."""
        kind = documents.c.kind == "document"
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents.c.doc_hash, documents.c.chunk_count).where(kind)).all()
        return {r[0]: int(r[1]) for r in rows}

    def generation(self) -> int:
        """The corpus generation (one small query; see `assistant.index.generation`)."""
        with self.engine.connect() as conn:
            return read_generation(conn)

    def stamp(self) -> str:
        """Names the active document versions: what the lexical index is built from."""
        return corpus_key(self.active_hashes())
