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
from assistant.retrieval.context import neighbours
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
        """The passages' chunks and the neighbours their context holds (see `context.neighbours`)."""
        snapshot = self.view.current  # the snapshot the passages were retrieved from (no new check)
        ids = dict.fromkeys(p.chunk.id for p in passages)
        if snapshot.lexical is not None:
            for p in passages:
                found = neighbours(snapshot.lexical, snapshot.active, p.chunk, self.window, snapshot.navigation)
                ids.update(dict.fromkeys(c.id for c in found))
        return list(ids)
