"""A small stand-in for `assistant.service.Assistant` (same stream/ask signatures)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from assistant.errors import InputError
from assistant.types import Answer, Citation

PASSAGE = (
    "Crime proofing innebär att man ser över regelverk och processer så att de inte utnyttjas för brott. "
    "Metoden användes i projektet inom välfärdsbrott. Den prövades i flera kommuner."
)


def citation(
    n: int = 1,
    text: str = PASSAGE,
    title: str = "Slutrapport",
    section: str = "Metoder > Crime proofing",
    page: int | None = 12,
    highlights: list[str] | None = None,
    score: float | None = 0.9,
) -> Citation:
    marked = highlights if highlights is not None else [text.split(". ")[0] + "."]
    return Citation(
        n=n,
        doc_id="slutrapport-suo-2024",
        title=title,
        section=section,
        page=page,
        text=text,
        score=score,
        chunk_id=f"c{n}",
        highlights=marked,
    )


class FakeAssistant:
    """Streams a fixed answer in pieces; `refuse_on` / `fail_on` substrings trigger those paths."""

    def __init__(
        self, delay: float = 0.0, max_chars: int = 2000, refuse_on: str = "okänt", fail_on: str = "krascha"
    ) -> None:
        self.delay = delay
        self.max_chars = max_chars
        self.refuse_on = refuse_on
        self.fail_on = fail_on
        self.calls: list[dict] = []

    def ask(
        self, question: str, history: Sequence[str | dict] = (), k: int | None = None, filters: dict | None = None
    ) -> Answer:
        final = None
        for piece in self.stream(question, history, k, filters):
            if isinstance(piece, Answer):
                final = piece
        assert final is not None
        return final

    def stream(
        self, question: str, history: Sequence[str | dict] = (), k: int | None = None, filters: dict | None = None
    ) -> Iterator[str | Answer]:
        self.calls.append({"question": question, "history": list(history), "k": k, "filters": filters})
        if not question.strip() or len(question) > self.max_chars:
            raise InputError("bad question")
        if self.fail_on in question:
            raise RuntimeError("boom")
        if self.refuse_on in question:
            yield "Det finns inget stöd i underlaget."
            yield Answer(
                question=question,
                text="Det finns inget stöd i underlaget.",
                refused=True,
                sources=[citation(1), citation(2, section="Annat avsnitt", page=3)],
            )
            return
        text = "Crime proofing innebär att man ser över regelverk så att de inte utnyttjas för brott [1]."
        for word in text.split(" "):
            time.sleep(self.delay)
            yield word + " "
        yield Answer(
            question=question,
            text=text,
            citations=[citation(1)],
            sources=[citation(1)],
            route="rag",
            config={"generator": "fake"},
        )
