"""The interfaces between the stages. Each component declares what it can do as attributes of its
interface (a generator's `instant`, a retriever's `term_stats`), so no caller has to probe for them.
Implementations are registered and picked by name in `assistant.wiring`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from assistant.types import Passage

if TYPE_CHECKING:
    from assistant.language.question import Question
    from assistant.language.terms import Term, TermStats

Rewriter = Callable[[str, Sequence[str]], str]  # (question, earlier questions) -> standalone question


@runtime_checkable
class Embedder(Protocol):
    """Turns text into normalised vectors (langchain `Embeddings` compatible)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class Retriever(Protocol):
    """Finds the passages of a query; knows the corpus's term statistics (None before any ingest)."""

    def retrieve(
        self, query: str, k: int, filters: dict[str, object] | None = None, by_sentence: bool = True
    ) -> list[Passage]: ...

    def with_context(self, passages: list[Passage], window: int) -> list[Passage]: ...

    def score_sentences(self, query: str, passages: Sequence[Passage]) -> list[Passage]: ...

    def outline(
        self, top: Sequence[Passage], terms: Sequence[Term], names: Sequence[str], labels: Sequence[str] = ()
    ) -> list[Passage]: ...

    def fillers(self, query: str, terms: Sequence[Term], names: Collection[str]) -> set[Term]: ...

    @property
    def term_stats(self) -> TermStats | None: ...


class Generator(Protocol):
    """Writes an answer from an analysed question (`Question`: its resolved query, language, terms)
    and numbered passages.

    `instant`: the whole answer is computed at once (nothing gained by showing it piece by piece,
    so it is checked before it is shown). `rewriter()`: a follow-up rewriter on the same model,
    or None when the generator has no model to rewrite with."""

    name: str
    instant: bool

    def stream(self, question: Question, passages: Sequence[Passage]) -> Iterator[str]: ...

    def rewriter(self) -> Rewriter | None: ...
