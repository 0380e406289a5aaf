"""The two searches: dense (query embedding against Chroma) and lexical (BM25 over Swedish stems)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.language.terms import TermStats, lexical_query
from assistant.retrieval.filters import Predicate
from assistant.types import Chunk

if TYPE_CHECKING:
    from assistant.index.lexical import LexicalIndex
    from assistant.index.vector_store import ChromaStore
    from assistant.protocols import Embedder

Hits = list[tuple[Chunk, float]]


class DenseSearch:
    """Nearest chunks by cosine; tag filters are applied after the fetch, which over-fetches for them."""

    def __init__(self, store: ChromaStore, embedder: Embedder, overfetch: int) -> None:
        self.store = store
        self.embedder = embedder
        self.overfetch = overfetch

    def search(
        self, query: str, n: int, active: frozenset[str], where: dict, predicates: list[Predicate], size: int | None
    ) -> Hits:
        post_filtered = len(predicates) > len(where)  # municipality / focus-area filters
        fetch = n * self.overfetch if post_filtered else n
        if size is not None:
            fetch = min(fetch, max(n, size))
        hits = self.store.query(self.embedder.embed_query(query), fetch, active, where or None)
        return [(c, s) for c, s in hits if all(p(c) for p in predicates)][:n]


class SentenceSearch:
    """Chunks ranked by their single best sentence: a short answer inside a long chunk about
    something else is found by its sentence, whose vector the chunk's own does not resemble."""

    def __init__(self, store: ChromaStore, embedder: Embedder, per_chunk: int = 3) -> None:
        self.store = store
        self.embedder = embedder
        self.per_chunk = per_chunk  # sentences fetched per wanted chunk (several sentences share one)

    def search(self, query: str, n: int, index: LexicalIndex | None, active: frozenset[str], allowed: set[str]) -> Hits:
        if index is None:
            return []
        found = self.store.query_sentences(self.embedder.embed_query(query), n * self.per_chunk, active)
        best: dict[str, float] = {}
        for chunk_id, cos in found:
            if chunk_id in allowed and cos > best.get(chunk_id, -1.0):
                best[chunk_id] = cos
        ranked = sorted(best.items(), key=lambda item: -item[1])[:n]
        return [(chunk, cos) for chunk_id, cos in ranked if (chunk := index.get(chunk_id)) is not None]


def allowed_chunks(index: LexicalIndex | None, active: frozenset[str], predicates: list[Predicate]) -> set[str]:
    """The ids of the active chunks that pass the filters."""
    if index is None:
        return set()
    return {c.id for c in index.chunks if c.doc_hash in active and all(p(c) for p in predicates)}


def lexical_search(
    index: LexicalIndex | None,
    query: str,
    n: int,
    allowed: set[str],
    stats: TermStats | None,
) -> Hits:
    """BM25 hits among the `allowed` chunks (the active ones that pass the filters)."""
    if index is None:
        return []
    return index.search(lexical_query(query, stats), n, allowed)
