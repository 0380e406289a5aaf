"""Fusion of ranked hit lists into passages: weighted reciprocal rank fusion (RRF)."""

from __future__ import annotations

from assistant.types import Chunk, Passage

Hits = list[tuple[Chunk, float]]


def dense_only(dense: Hits) -> list[Passage]:
    return [Passage(chunk=c, score=s, dense_score=s) for c, s in dense]


def lexical_only(lexical: Hits) -> list[Passage]:
    return [Passage(chunk=c, score=s, lexical_score=s) for c, s in lexical]


def rrf(
    dense: Hits,
    lexical: Hits,
    rrf_k: int,
    dense_weight: float,
    lexical_weight: float,
    sentences: Hits = (),
    sentence_weight: float = 0.0,
) -> list[Passage]:
    """Each list adds weight / (rrf_k + rank) to a passage's score; ties go to the denser match.
    `sentences` ranks chunks by their best sentence (`search.SentenceSearch`)."""
    found: dict[str, Passage] = {}
    for rank, (chunk, cos) in enumerate(dense, start=1):
        p = found.setdefault(chunk.id, Passage(chunk=chunk, score=0.0))
        p.dense_score, p.score = cos, p.score + dense_weight / (rrf_k + rank)
    for rank, (chunk, bm25) in enumerate(lexical, start=1):
        p = found.setdefault(chunk.id, Passage(chunk=chunk, score=0.0))
        p.lexical_score, p.score = bm25, p.score + lexical_weight / (rrf_k + rank)
    for rank, (chunk, _) in enumerate(sentences if sentence_weight > 0 else (), start=1):
        p = found.setdefault(chunk.id, Passage(chunk=chunk, score=0.0))
        p.score += sentence_weight / (rrf_k + rank)
    return sorted(found.values(), key=lambda p: (-p.score, -(p.dense_score or 0.0), p.chunk.id))
