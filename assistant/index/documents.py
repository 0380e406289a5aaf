"""The document registry: which documents are in the corpus, in which version.

Lives in the records database (SQLite by default, any SQLAlchemy URL works). Switching a
document to a new version is one row update in one transaction: that is the moment readers
move from the old chunks to the new ones.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, select
from sqlalchemy.engine import Engine

from assistant.db import make_engine

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
        metadata.create_all(self.engine)

    def all(self) -> list[DocumentInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents).order_by(documents.c.doc_id)).mappings().all()
        return [DocumentInfo(**row) for row in rows]

    def get(self, doc_id: str) -> DocumentInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.doc_id == doc_id)).mappings().first()
        return DocumentInfo(**row) if row else None

    def put(self, info: DocumentInfo) -> None:
        """Insert or replace one document row in one transaction."""
        values = info.model_dump()
        values["ingested_at"] = values["ingested_at"] or datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(delete(documents).where(documents.c.doc_id == info.doc_id))
            conn.execute(documents.insert().values(**values))

    def remove(self, doc_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(documents).where(documents.c.doc_id == doc_id))

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(documents))

    def active_hashes(self) -> list[str]:
        """Versions of documents whose chunks readers may see."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents.c.doc_hash).where(documents.c.kind == "document")).all()
        return [r[0] for r in rows]

    def stamp(self) -> str:
        """Changes whenever the corpus changes; lets long-running readers reload."""
        return "|".join(sorted(f"{d.doc_id}:{d.doc_hash}" for d in self.all()))
