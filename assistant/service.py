"""The assistant facade used by every front end (CLI, web app, evals).

It validates the question, lets the router choose lookup, retrieval or both, and
returns one typed `Answer`. Front ends never retrieve or prompt themselves.

When the search service (Chroma) cannot be reached, an answer from the records still comes,
without the retrieved passages and flagged `search_unavailable`; a question that needs the
material fails with `SearchUnavailableError`, whose message says so in Swedish.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from assistant.errors import SearchUnavailableError
from assistant.language.conversation import as_messages, questions_of, retrieval_history
from assistant.language.text import validate_question
from assistant.settings import Settings
from assistant.types import Answer, Citation, Message, Route

History = Sequence[str | Message | dict]  # earlier questions, or the whole conversation as messages

_MARKER = re.compile(r"\[(\d+)\]")
SEARCH_UNAVAILABLE = "search_unavailable"
SEARCH_UNAVAILABLE_NOTE = "Söktjänsten gick inte att nå, så svaret bygger bara på registret (utan sökta stycken)."


class RouteDecision(Protocol):
    route: Route
    reason: str
    note: str  # said before the answer (a part of the question the material does not cover)
    query: Any  # the question as the router parsed it (with the conversation): the lookup reads it


class RouterLike(Protocol):
    def route(self, question: str, history: Sequence[str] = ()) -> RouteDecision: ...


class LookupLike(Protocol):
    def answer_query(self, query: Any) -> Answer:
        """The records' answer to the question as the router parsed it (parsed once per ask)."""
        ...


class RagLike(Protocol):
    def answer(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> Answer: ...

    def stream(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> Iterator[str | Answer]: ...

    def sources(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> list[Citation]: ...


_QUOTED = re.compile(r"([^\n\[\]]+?)\s*\[\d+\]")  # a quoted sentence before its marker
REPEAT_TAIL = 60


def merge_answers(first: Answer, second: Answer) -> Answer:
    """Lookup answer followed by the retrieval answer, the second's markers renumbered; the lookup
    answer alone when the retrieval answer refuses or only quotes the lookup's rows again (`_repeats`)."""
    offset = len(first.citations)

    def shift(match: re.Match[str]) -> str:
        return f"[{int(match.group(1)) + offset}]"

    citations = list(first.citations) + [c.model_copy(update={"n": c.n + offset}) for c in second.citations]
    sources = list(first.sources) + [s for s in second.sources if s.chunk_id not in {f.chunk_id for f in first.sources}]
    alone = second.refused or _repeats(first, second)
    text = first.text if alone else f"{first.text}\n\n{_MARKER.sub(shift, second.text)}"
    return first.model_copy(
        update={
            "text": text,
            "citations": citations if not alone else list(first.citations),
            "sources": sources,
            "route": "both",
            "flags": sorted({*first.flags, *second.flags}),
        }
    )


def _repeats(first: Answer, second: Answer) -> bool:
    """Whether every sentence the prose answer quotes is one of the records answer's rows (a
    municipality's activities quoted again from the appendix the records were drawn from): it
    would say the same twice. A sentence is known by its last `REPEAT_TAIL` characters."""
    rows = " | ".join(_plain(c.text) for c in first.citations)
    quoted = [_plain(piece)[-REPEAT_TAIL:] for piece in _QUOTED.findall(second.text)]
    return bool(quoted) and all(len(tail) >= REPEAT_TAIL // 2 and tail in rows for tail in quoted)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[”“\"'…]", " ", text).lower().split())


def _with_note(answer: Answer, note: str) -> Answer:
    """The answer after a note on the part of the question the material does not cover."""
    if not note:
        return answer
    return answer.model_copy(update={"text": f"{note}\n{answer.text}"})


class Assistant:
    def __init__(
        self, settings: Settings, rag: RagLike, router: RouterLike | None = None, lookup: LookupLike | None = None
    ) -> None:
        self.settings = settings
        self.rag = rag
        self.router = router
        self.lookup = lookup

    def _route(self, question: str, history: Sequence[str]) -> RouteDecision | None:
        if self.router is None or self.lookup is None:
            return None
        return self.router.route(question, history)

    def ask(self, question: str, history: History = (), k: int | None = None, filters: dict | None = None) -> Answer:
        final: Answer | None = None
        for piece in self.stream(question, history, k, filters):
            if isinstance(piece, Answer):
                final = piece
        assert final is not None
        return final

    def stream(
        self, question: str, history: History = (), k: int | None = None, filters: dict | None = None
    ) -> Iterator[str | Answer]:
        """Yield text pieces as they are produced, then the final `Answer`. ``history`` is the earlier
        questions (strings) or the conversation as messages (``Message`` or {"role", "content"})."""
        started = time.perf_counter()
        question = validate_question(question, self.settings.max_question_chars)
        messages = as_messages(history)
        history = questions_of(messages)  # what the router and the records read
        decision = self._route(question, history)
        route, note = (decision.route, decision.note) if decision is not None else ("rag", "")
        answer: Answer | None = None
        if decision is not None and route in ("lookup", "both"):
            answer = self.lookup.answer_query(decision.query)
            yield answer.text
            if route == "lookup" or answer.refused:
                yield self._finish(self._with_sources(answer, question, history, k, filters), started)
                return
        rag_answer: Answer | None = None
        held = note if answer is None and note else ""  # shown once the prose is known to answer
        try:
            for piece in self.rag.stream(question, retrieval_history(messages), k, filters):
                if isinstance(piece, Answer):
                    rag_answer = piece
                elif answer is None:  # with a lookup part first, markers are renumbered at the end
                    if held:
                        yield held + "\n"
                        held = ""
                    yield piece
        except SearchUnavailableError:
            if answer is None:
                raise
            yield self._finish(_flagged(answer), started)  # the records part stands on its own
            return
        assert rag_answer is not None
        if answer is None:
            yield self._finish(_with_note(rag_answer, note), started)
            return
        final = merge_answers(answer, rag_answer)
        yield final.text[len(answer.text) :]
        yield self._finish(final, started)

    def _with_sources(
        self, answer: Answer, question: str, history: Sequence[str], k: int | None, filters: dict | None
    ) -> Answer:
        """A records answer also offers what retrieval finds: the retrieved passages in rank order
        (the `sources` contract), then the cited record passages."""
        retrieving = time.perf_counter()
        try:
            found = self.rag.sources(question, history, k, filters)
        except SearchUnavailableError:
            return _flagged(answer)
        timings = {**answer.timings, "retrieve": (time.perf_counter() - retrieving) * 1000}
        return answer.model_copy(update={"sources": [*found, *answer.citations], "timings": timings})

    def _finish(self, answer: Answer, started: float) -> Answer:
        timings = dict(answer.timings)
        timings["total"] = (time.perf_counter() - started) * 1000
        timings.setdefault("retrieve", 0.0)
        timings.setdefault("generate", 0.0)
        config = {"embedder": self.settings.embedder_id, "generator": self.settings.generator, **answer.config}
        return answer.model_copy(update={"timings": timings, "config": config})


def _flagged(answer: Answer) -> Answer:
    """A records answer given while the search service was unreachable: its sources are the cited
    record passages only."""
    flags = sorted({*answer.flags, SEARCH_UNAVAILABLE})
    return answer.model_copy(update={"flags": flags, "sources": list(answer.sources or answer.citations)})
