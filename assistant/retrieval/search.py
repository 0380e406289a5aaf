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


def lexical_search(
    index: LexicalIndex | None,
    query: str,
    n: int,
    active: frozenset[str],
    predicates: list[Predicate],
    stats: TermStats | None,
) -> Hits:
    """BM25 hits among the active chunks that pass the filters."""
    if index is None:
        return []
    allowed = {c.id for c in index.chunks if c.doc_hash in active and all(p(c) for p in predicates)}
    return index.search(lexical_query(query, stats), n, allowed)
