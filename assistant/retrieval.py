"""Hybrid retrieval: dense (Chroma) + lexical (BM25 over Swedish stems), fused by weighted RRF.

The lexical index is loaded once and reloaded only when the corpus changes: the registry
stamp and the index pointer are checked at most every `index_check_seconds`, so a query
costs one embedding, one Chroma query and one BM25 scoring — nothing more. Results are
restricted to the registered (active) document versions, so a reader never mixes an old
and a new version of a document while ingest is switching them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from assistant.errors import IndexMissingError, InputError, MissingDependencyError
from assistant.lexical import POINTER, LexicalIndex, index_text
from assistant.question import TermStats, lexical_query
from assistant.text import split_sentences, stems
from assistant.types import Chunk, Passage

if TYPE_CHECKING:
    from assistant.protocols import Embedder
    from assistant.registry import DocumentRegistry
    from assistant.settings import Settings
    from assistant.store import ChromaStore

NOT_INDEXED = "Nothing is indexed yet. Build the index first: run `metodstod ingest corpus/`"
STORE_FILTERS = ("doc_id", "doc_type")
TAG_FILTERS = {"kommun": "kommuner", "fokusomrade": "fokusomraden"}
Predicate = Callable[[Chunk], bool]


def _values(value: object) -> list[str]:
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    return [str(v) for v in items if v is not None and str(v).strip()]


def _tag_predicate(field: str, wanted: list[str]) -> Predicate:
    want = {w.strip().casefold() for w in wanted}

    def ok(chunk: Chunk) -> bool:
        have = {t.strip().casefold() for t in str(getattr(chunk, field, "")).split(";")}
        return bool(have & want)

    return ok


def parse_filters(filters: dict[str, object] | None) -> tuple[dict, list[Predicate]]:
    """Split filters into a Chroma `where` (doc_id, doc_type) and chunk predicates (all of them)."""
    where: dict = {}
    predicates: list[Predicate] = []
    for key, raw in (filters or {}).items():
        values = _values(raw)
        if not values:
            continue
        if key in STORE_FILTERS:
            where[key] = values[0] if len(values) == 1 else {"$in": values}
            predicates.append(lambda c, k=key, v=frozenset(values): getattr(c, k) in v)
        elif key in TAG_FILTERS:
            predicates.append(_tag_predicate(TAG_FILTERS[key], values))
        else:
            known = ", ".join([*STORE_FILTERS, *TAG_FILTERS])
            raise InputError(f"Unknown filter '{key}'. Known filters: {known}")
    return where, predicates


def merge_texts(texts: Sequence[str]) -> str:
    """Join neighbouring chunk texts, dropping the sentences a chunk repeats from its predecessor."""
    merged: list[str] = []
    for text in texts:
        if merged:
            text = _drop_overlap(merged[-1], text)
        if text:
            merged.append(text)
    return "\n".join(merged)


def _drop_overlap(previous: str, text: str) -> str:
    tail = split_sentences(previous.splitlines()[-1]) if previous.strip() else []
    first, _, rest = text.partition("\n")
    head = split_sentences(first)
    while head and head[0] in tail:
        head.pop(0)
    return "\n".join(part for part in (" ".join(head), rest) if part)


class HybridRetriever:
    """`retrieve(query, k, filters)` over the active corpus; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        store: ChromaStore,
        embedder: Embedder,
        registry: DocumentRegistry,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.registry = registry
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._version: tuple[str, str] | None = None
        self._hashes: frozenset[str] = frozenset()
        self._lexical: LexicalIndex | None = None
        self._stats: TermStats | None = None
        self._reranker = None

    # -- index state ------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        """Reload the lexical index and active versions if the corpus changed (cheap check)."""
        now = self._clock()
        interval = self.settings.index_check_seconds
        if not force and self._checked_at is not None and now - self._checked_at < interval:
            return
        with self._lock:
            self._checked_at = now
            version = (self.registry.stamp(), self._pointer())
            if version == self._version and not force:
                return
            self._hashes = frozenset(self.registry.active_hashes())
            self._lexical = LexicalIndex.load(self.settings.lexical_path)
            self._stats = None
            self._version = version

    def _pointer(self) -> str:
        try:
            return (self.settings.lexical_path / POINTER).read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    @property
    def lexical(self) -> LexicalIndex | None:
        self.refresh()
        return self._lexical

    @property
    def term_stats(self) -> TermStats | None:
        """Document frequencies of stems over the indexed chunks (for term weights)."""
        lexical = self.lexical
        if lexical is None:
            return None
        if self._stats is None:
            self._stats = TermStats(stems(index_text(c)) for c in lexical.chunks if c.doc_hash in self._hashes)
        return self._stats

    # -- retrieval --------------------------------------------------------------------------
    def retrieve(self, query: str, k: int, filters: dict[str, object] | None = None) -> list[Passage]:
        """The `k` best passages for `query`, best first."""
        if k < 1:
            raise InputError("k must be at least 1")
        self.refresh()
        mode = self.settings.retrieval_mode
        if not self._hashes or (mode == "lexical" and self._lexical is None):
            raise IndexMissingError(NOT_INDEXED)
        where, predicates = parse_filters(filters)
        n = max(k, self.settings.candidate_k)
        dense = self._dense(query, n, where, predicates) if mode != "lexical" else []
        lexical = self._lexical_hits(query, n, predicates) if mode != "dense" else []
        fused = self._fuse(dense, lexical, mode)
        return self._rerank(query, fused[:n])[:k]

    def _dense(self, query: str, n: int, where: dict, predicates: list[Predicate]) -> list[tuple[Chunk, float]]:
        post_filtered = len(predicates) > len(where)  # municipality / focus-area filters
        fetch = n * self.settings.filter_overfetch if post_filtered else n
        if self._lexical is not None:
            fetch = min(fetch, max(n, len(self._lexical.chunks)))
        hits = self.store.query(self.embedder.embed_query(query), fetch, self._hashes, where or None)
        return [(c, s) for c, s in hits if all(p(c) for p in predicates)][:n]

    def _lexical_hits(self, query: str, n: int, predicates: list[Predicate]) -> list[tuple[Chunk, float]]:
        index = self._lexical
        if index is None:
            return []
        allowed = {c.id for c in index.chunks if c.doc_hash in self._hashes and all(p(c) for p in predicates)}
        return index.search(lexical_query(query, self.term_stats), n, allowed)

    def _fuse(self, dense: list[tuple[Chunk, float]], lexical: list[tuple[Chunk, float]], mode: str) -> list[Passage]:
        if mode == "dense":
            return [Passage(chunk=c, score=s, dense_score=s) for c, s in dense]
        if mode == "lexical":
            return [Passage(chunk=c, score=s, lexical_score=s) for c, s in lexical]
        s = self.settings
        found: dict[str, Passage] = {}
        for rank, (chunk, cos) in enumerate(dense, start=1):
            p = found.setdefault(chunk.id, Passage(chunk=chunk, score=0.0))
            p.dense_score, p.score = cos, p.score + s.dense_weight / (s.rrf_k + rank)
        for rank, (chunk, bm25) in enumerate(lexical, start=1):
            p = found.setdefault(chunk.id, Passage(chunk=chunk, score=0.0))
            p.lexical_score, p.score = bm25, p.score + s.lexical_weight / (s.rrf_k + rank)
        return sorted(found.values(), key=lambda p: (-p.score, -(p.dense_score or 0.0), p.chunk.id))

    # -- reranking --------------------------------------------------------------------------
    def _rerank(self, query: str, passages: list[Passage]) -> list[Passage]:
        if not self.settings.reranker_model or len(passages) < 2:
            return passages
        scores = self._cross_encoder().predict([(query, index_text(p.chunk)) for p in passages])
        ranked = sorted(zip(passages, scores, strict=True), key=lambda ps: -float(ps[1]))
        return [p.model_copy(update={"score": float(score)}) for p, score in ranked]

    def _cross_encoder(self):
        if self._reranker is None:
            try:
                from sentence_transformers import CrossEncoder
            except ImportError as exc:
                raise MissingDependencyError(
                    "sentence-transformers", "pip install torch==2.13.0 sentence-transformers", "The reranker"
                ) from exc
            self._reranker = CrossEncoder(self.settings.reranker_model, device="cpu")
        return self._reranker

    # -- neighbours -------------------------------------------------------------------------
    def with_context(self, passages: Sequence[Passage], window: int | None = None) -> list[Passage]:
        """Passages with `context`: their text joined with up to `window` same-section neighbours each side."""
        window = self.settings.neighbour_window if window is None else window
        index = self.lexical
        if index is None or window < 1:
            return list(passages)
        return [p.model_copy(update={"context": self._context(index, p.chunk, window)}) for p in passages]

    def _context(self, index: LexicalIndex, chunk: Chunk, window: int) -> str:
        before = self._walk(index, chunk, -1, window)
        after = self._walk(index, chunk, 1, window)
        return merge_texts([c.text for c in [*reversed(before), chunk, *after]])

    def _walk(self, index: LexicalIndex, chunk: Chunk, step: int, window: int) -> list[Chunk]:
        found: list[Chunk] = []
        current = chunk
        for _ in range(window):
            nxt = index.neighbour(current, step)
            if nxt is None or nxt.section != chunk.section or nxt.doc_hash not in self._hashes:
                break
            found.append(nxt)
            current = nxt
        return found
