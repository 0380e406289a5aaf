"""Sentence-level evidence: the question's cosine to every sentence of the top passages.

The sentence vectors were computed at ingest (`ingest.sentences`); here they are fetched for the
passages' chunks and their neighbours (whose sentences the passage context holds) and compared
with the query vector. Each passage gets `sentence_scores` for the sentences of its text/context.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from assistant.language.sentences import passage_sentences
from assistant.types import Passage, sentence_key

if TYPE_CHECKING:
    from assistant.index.vector_store import ChromaStore
    from assistant.protocols import Embedder
    from assistant.retrieval.corpus_view import CorpusView


class SentenceScorer:
    def __init__(self, store: ChromaStore, embedder: Embedder, view: CorpusView, window: int) -> None:
        self.store = store
        self.embedder = embedder
        self.view = view
        self.window = window

    def attach(self, query: str, passages: Sequence[Passage]) -> list[Passage]:
        rows = self.store.sentence_vectors(self._chunk_ids(passages))
        if not rows:
            return list(passages)
        vectors = np.asarray([vector for _, vector in rows], dtype=np.float32)
        cosines = vectors @ np.asarray(self.embedder.embed_query(query), dtype=np.float32)
        scores: dict[str, float] = {}
        for (text, _), cos in zip(rows, cosines, strict=True):
            scores[text] = max(scores.get(text, -1.0), float(cos))
        out = []
        for p in passages:
            keys = (sentence_key(s) for s in passage_sentences(p.context or p.chunk.text))
            out.append(p.model_copy(update={"sentence_scores": {k: scores[k] for k in keys if k in scores}}))
        return out

    def _chunk_ids(self, passages: Sequence[Passage]) -> list[str]:
        index = self.view.current.lexical  # the snapshot the passages were retrieved from (no new check)
        ids: dict[str, None] = {}
        for p in passages:
            ids[p.chunk.id] = None
            if index is None:
                continue
            for step in (-1, 1):
                current = p.chunk
                for _ in range(self.window):
                    nxt = index.neighbour(current, step)
                    if nxt is None or nxt.doc_hash != p.chunk.doc_hash:
                        break
                    ids[nxt.id] = None
                    current = nxt
        return list(ids)
