"""Optional reranking of the fused candidates by a cross-encoder (`reranker_model`)."""

from __future__ import annotations

from typing import Protocol

from assistant.errors import MissingDependencyError
from assistant.index.lexical import index_text
from assistant.types import Passage


class PairScorer(Protocol):
    def predict(self, pairs: list[tuple[str, str]]) -> list[float]: ...


class CrossEncoderReranker:
    """Reorders passages by a cross-encoder's score of (query, passage); loads the model once."""

    def __init__(self, model: str, scorer: PairScorer | None = None) -> None:
        self.model = model
        self.scorer = scorer

    def rerank(self, query: str, passages: list[Passage]) -> list[Passage]:
        if len(passages) < 2:
            return passages
        scores = self._scorer().predict([(query, index_text(p.chunk)) for p in passages])
        ranked = sorted(zip(passages, scores, strict=True), key=lambda ps: -float(ps[1]))
        return [p.model_copy(update={"score": float(score)}) for p, score in ranked]

    def _scorer(self) -> PairScorer:
        if self.scorer is None:
            try:
                from sentence_transformers import CrossEncoder
            except ImportError as exc:
                raise MissingDependencyError(
                    "sentence-transformers", "pip install torch==2.13.0 sentence-transformers", "Omrankaren (reranker)"
                ) from exc
            self.scorer = CrossEncoder(self.model, device="cpu")
        return self.scorer
