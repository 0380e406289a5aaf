"""Fusion of the ranked lists: reciprocal rank fusion, and the heads of the meaning-based lists."""

from __future__ import annotations

from assistant.retrieval.fusion import rrf, with_heads
from tests.assistant.rag_fixtures import PM, make_chunk

CHUNKS = [make_chunk(PM, i, "Avsnitt", f"Text nummer {i}.") for i in range(10)]


def test_the_head_of_a_meaning_based_list_takes_the_last_place_of_the_top_k() -> None:
    lexical = [(c, 1.0) for c in CHUNKS[:8]]
    dense = [(CHUNKS[9], 0.9), *[(c, 0.8) for c in CHUNKS[:8]]]  # the word list misses dense's first chunk
    fused = rrf(dense, lexical, 60, 1.0, 1.0)
    assert [p.chunk.id for p in fused].index(CHUNKS[9].id) >= 6  # outranked by chunks both lists find
    promoted = [p.chunk.id for p in with_heads(fused, [dense], 6, 1, frozenset())]
    assert promoted[5] == CHUNKS[9].id and promoted[:5] == [p.chunk.id for p in fused[:5]]
    assert sorted(promoted) == sorted(p.chunk.id for p in fused)  # nothing lost, only moved


def test_a_head_already_in_the_top_k_or_skipped_stays_where_it_is() -> None:
    lexical = [(c, 1.0) for c in CHUNKS[:8]]
    dense = [(CHUNKS[9], 0.9), *[(c, 0.8) for c in CHUNKS[:8]]]
    fused = rrf(dense, lexical, 60, 1.0, 1.0)
    assert with_heads(fused, [dense], 10, 1, frozenset()) == fused
    assert with_heads(fused, [dense], 6, 1, frozenset({CHUNKS[9].id})) == fused  # a table of contents
    assert with_heads(fused, [dense], 6, 0, frozenset()) == fused
    assert with_heads(fused, [dense], 1, 1, frozenset()) == fused  # the single best passage stays the fused best
