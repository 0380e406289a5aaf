"""The searches: dense (query embedding against Chroma), lexical (BM25 over Swedish stems) and by sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
    something else is found by its sentence, whose vector the chunk's own does not resemble.
    The search is exact (every sentence vector of the active corpus, held per corpus version):
    the approximate index returned different neighbours from run to run."""

    def __init__(self, store: ChromaStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self._held: tuple[frozenset[str], np.ndarray, np.ndarray] | None = None

    def search(self, query: str, n: int, index: LexicalIndex | None, active: frozenset[str], allowed: set[str]) -> Hits:
        if index is None:
            return []
        chunk_ids, vectors = self._vectors(active)
        if not len(chunk_ids):
            return []
        cosines = vectors @ np.asarray(self.embedder.embed_query(query), dtype=np.float32)
        best: dict[str, float] = {}
        for row in np.argsort(-cosines, kind="stable"):
            chunk_id = str(chunk_ids[row])
            if chunk_id in allowed and chunk_id not in best:
                best[chunk_id] = float(cosines[row])
                if len(best) == n:
                    break
        return [(chunk, cos) for chunk_id, cos in best.items() if (chunk := index.get(chunk_id)) is not None]

    def _vectors(self, active: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        if self._held is None or self._held[0] != active:
            chunk_ids, vectors = self.store.sentence_vectors_of(active)
            matrix = np.asarray(vectors, dtype=np.float32) if vectors else np.zeros((0, 0), dtype=np.float32)
            self._held = (active, np.asarray(chunk_ids, dtype=object), matrix)
        return self._held[1], self._held[2]


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
