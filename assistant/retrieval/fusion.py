"""Fusion of ranked hit lists into passages (weighted reciprocal rank fusion, RRF), and the passages put
first after it: the lists' heads (`with_heads`), chunks a question names (`with_chunks_first`)."""

from __future__ import annotations

from collections.abc import Sequence

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


def with_heads(fused: list[Passage], lists: list[Hits], k: int, heads: int, skip: frozenset[str]) -> list[Passage]:
    """The fused passages with the first `heads` chunks of each of `lists` among the first `k` (at the
    last place, in front of the others): a chunk one meaning-based list ranks first but the word-based
    list misses ("aldrig kommer på föreningsmöten" for "sällan deltar i föreningsliv") is otherwise
    outranked by chunks all three lists find half-way down. `skip`: chunks never answered from. With
    `k` 1 the fused best stays: a head never displaces it."""
    out = list(fused)
    if k < 2:
        return out
    for hits in lists:
        for chunk, _ in [hit for hit in hits if hit[0].id not in skip][:heads]:
            at = next((i for i, p in enumerate(out) if p.chunk.id == chunk.id), None)
            if at is not None and at >= k:
                out.insert(k - 1, out.pop(at))
    return out


def with_chunks_first(fused: Sequence[Passage], chunks: Sequence[Chunk]) -> list[Passage]:
    """`fused` with `chunks` in front, in their order, each scored just above the best."""
    if not chunks:
        return list(fused)
    best = max((p.score for p in fused), default=0.0)
    ids = {c.id for c in chunks}
    front = [next((p for p in fused if p.chunk.id == c.id), None) or Passage(chunk=c, score=best) for c in chunks]
    for passage in front:
        passage.score = max(passage.score, best) + 1e-6
    return [*front, *(p for p in fused if p.chunk.id not in ids)]
