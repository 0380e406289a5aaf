"""Hybrid retrieval: dense (Chroma) + lexical (BM25 over Swedish stems), fused by weighted RRF.

`HybridRetriever` only orchestrates; each step is its own component: what may be seen
(`corpus_view`), the filters (`filters`), the two searches (`search`), the fusion (`fusion`),
the optional reranker (`rerank`) and the neighbours around a passage (`context`). A query costs
one embedding, one Chroma query and one BM25 scoring.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from assistant.errors import IndexMissingError, InputError
from assistant.language.terms import Term, TermStats
from assistant.retrieval import context, fusion
from assistant.retrieval.acronyms import spelling_out
from assistant.retrieval.corpus_view import CorpusView
from assistant.retrieval.fillers import filler_terms, unused_words
from assistant.retrieval.filters import parse_filters
from assistant.retrieval.outline import OutlineRule, find_outline
from assistant.retrieval.parts import labelled_outline, named_parts, part_labels, with_parts_first
from assistant.retrieval.rerank import CrossEncoderReranker
from assistant.retrieval.search import DenseSearch, SentenceSearch, allowed_chunks, lexical_search
from assistant.retrieval.sentences import SentenceScorer
from assistant.retrieval.titles import named_documents, with_named_first, without_title
from assistant.types import Chunk, Passage

if TYPE_CHECKING:
    from assistant.index.lexical import LexicalIndex
    from assistant.settings import RetrievalSettings

NOT_INDEXED = "Inget är indexerat ännu. Bygg indexet först: kör `metodstod ingest corpus/`"


class HybridRetriever:
    """`retrieve(query, k, filters)` over the active corpus; see the module docstring."""

    def __init__(
        self,
        settings: RetrievalSettings,
        view: CorpusView,
        dense: DenseSearch,
        reranker: CrossEncoderReranker | None = None,
        sentences: SentenceScorer | None = None,
        sentence_search: SentenceSearch | None = None,
    ) -> None:
        self.settings = settings
        self.view = view
        self.dense = dense
        self.reranker = reranker
        self.sentences = sentences
        self.sentence_search = sentence_search

    @property
    def term_stats(self) -> TermStats | None:
        return self.view.term_stats

    def retrieve(
        self, query: str, k: int, filters: dict[str, object] | None = None, by_sentence: bool = True
    ) -> list[Passage]:
        """The `k` best passages for `query`, best first; `by_sentence`: with the list of the chunks
        of the nearest sentences (for an answer; a records answer's sources are where rows came from)."""
        if k < 1:
            raise InputError("k måste vara minst 1")
        s = self.settings
        snapshot = self.view.snapshot()  # one corpus generation for the whole query
        active, index = snapshot.active, snapshot.lexical
        if not active or (s.mode == "lexical" and index is None):
            raise IndexMissingError(NOT_INDEXED)
        where, predicates = parse_filters(filters)
        n = max(k, s.candidate_k)
        size = len(index.chunks) if index is not None else None
        dense = self.dense.search(query, n, active, where, predicates, size) if s.mode != "lexical" else []
        stats = snapshot.term_stats
        words = without_title(query, snapshot.titles)  # a document named by its title: not a passage's words
        allowed = allowed_chunks(index, active, predicates)
        lexical = lexical_search(index, words, n, allowed, stats) if s.mode != "dense" else []
        nearest: list[tuple[Chunk, float]] = []
        if s.mode == "dense":
            fused = fusion.dense_only(dense)
        elif s.mode == "lexical":
            fused = fusion.lexical_only(lexical)
        else:
            nearest = self._by_sentence(query, n, index, active, allowed) if by_sentence else []
            fused = fusion.rrf(dense, lexical, s.rrf_k, s.dense_weight, s.lexical_weight, nearest, s.sentence_weight)
        navigation = snapshot.navigation
        fused = [p for p in fused if p.chunk.id not in navigation][:n]  # tables of contents answer nothing
        if labels := part_labels(query):  # "Sammanfatta kapitel 6": that chapter's first chunk first
            fused = with_parts_first(fused, named_parts(labels, snapshot.labelled))
        fused = fusion.with_chunks_first(fused, spelling_out(query, snapshot.acronyms))  # "Vad står SSPF för?"
        fused = with_named_first(fused, named_documents(query, snapshot.named_by), s.other_named_factor)
        if s.mode == "hybrid" and s.list_heads:
            fused = fusion.with_heads(fused, [dense, nearest], k, s.list_heads, navigation)
        if self.reranker is not None:
            fused = self.reranker.rerank(query, fused)
        return fused[:k]

    def _by_sentence(
        self, query: str, n: int, index: LexicalIndex | None, active: frozenset[str], allowed: set[str]
    ) -> list[tuple[Chunk, float]]:
        if self.sentence_search is None or self.settings.sentence_weight <= 0:
            return []
        return self.sentence_search.search(query, n, index, active, allowed)

    def score_sentences(self, query: str, passages: Sequence[Passage]) -> list[Passage]:
        """Passages with the query's cosine to each of their sentences (when the sentence index has them)."""
        return self.sentences.attach(query, passages) if self.sentences is not None else list(passages)

    def outline(
        self, top: Sequence[Passage], terms: Sequence[Term], names: Sequence[str], labels: Sequence[str] = ()
    ) -> list[Passage]:
        """The sub-sections of the section a summary question names, one passage each (its first
        chunk), in document order; [] when it names none (`outline.find_outline`). A section named by
        its label ("Sammanfatta kapitel 6": `parts.part_labels`) is named whatever its heading says."""
        snapshot = self.view.current
        s = self.settings
        if snapshot.term_stats is None or not s.outline:
            return []
        if labelled := labelled_outline(named_parts(labels, snapshot.labelled), snapshot.sections, top):
            return [Passage(chunk=chunk, score=max((p.score for p in top), default=0.0)) for chunk in labelled]
        rule = OutlineRule(s.outline_min_share, s.outline_min_heading, s.outline_min_children)
        found = find_outline(snapshot.sections, top, terms, names, snapshot.term_stats.weight, rule)
        if found is None:
            return []
        score = max(p.score for p in top)
        return [Passage(chunk=chunk, score=score) for chunk in found.children]

    def fillers(self, query: str, terms: Sequence[Term], names: Collection[str] = ()) -> set[Term]:
        """The question's terms for words that carry none of its meaning (`fillers`); a name is never one."""
        stats, limit = self.term_stats, self.settings.filler_min_cosine
        if stats is None or not stats.n or limit >= 1.0:
            return set()
        candidates = {w: t for w, t in unused_words(query, terms, stats).items() if w not in names}
        return filler_terms(query, candidates, self.dense.embedder.embed_query, limit)

    def with_context(self, passages: Sequence[Passage], window: int | None = None) -> list[Passage]:
        """Passages with `context`: their text joined with up to `window` same-section neighbours each side."""
        window = self.settings.neighbour_window if window is None else window
        snapshot = self.view.current
        return context.with_context(snapshot.lexical, snapshot.active, passages, window, snapshot.navigation)
