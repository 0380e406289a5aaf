"""Small interfaces between the stages; implementations are picked in `assistant.wiring`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from assistant.types import Chunk, Passage


@runtime_checkable
class Embedder(Protocol):
    """Turns text into normalised vectors (langchain `Embeddings` compatible)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class Retriever(Protocol):
    def retrieve(self, query: str, k: int, filters: dict[str, object] | None = None) -> list[Passage]: ...


class Generator(Protocol):
    """Writes an answer from a question and numbered passages."""

    name: str

    def stream(self, question: str, passages: Sequence[Passage], language: str) -> Iterator[str]: ...


class ChunkStore(Protocol):
    def upsert_document(self, doc_id: str, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None: ...

    def delete_document(self, doc_id: str) -> None: ...
