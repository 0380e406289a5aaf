"""Answering a question from the material: resolve follow-ups, retrieve, decide, generate, cite.

`RagAnswerer.stream` yields the answer text in pieces as the generator writes it, then
the final `Answer`; an `instant` generator's pieces (the extractive one) are held until the
answer has passed its checks, so that a refusal is not preceded by the text it refuses.
Markers pointing at no passage are removed and the others renumbered 1..n in order of first
use while streaming, so the pieces already match the citations of the final `Answer` (whose
`text` is the same text, stripped).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from assistant.answering.citations import (
    answer_units,
    build_citations,
    build_sources,
    check_markers,
    marker_numbers,
    renumber_stream,
    strip_markers,
)
from assistant.answering.demands import amount_missing, vague_answer
from assistant.answering.exclusions import excluded_quote
from assistant.answering.prompts import is_no_answer
from assistant.answering.sentence_cues import DOCUMENT_PART_RE, NEGATED_RE, scope_re
from assistant.answering.support import Support, assess, refusal_text
from assistant.language.conversation import Rewriter, resolve
from assistant.language.question import UNCOUNTED_KINDS, Question
from assistant.language.terms import TermStats
from assistant.language.text import validate_question
from assistant.protocols import Generator, Retriever
from assistant.retrieval.outline import asks_outline
from assistant.retrieval.parts import part_labels
from assistant.settings import Settings
from assistant.types import Answer, Citation, Passage

MS = 1000.0


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * MS


def _no_answer(
    question: str, query: str, text: str, instances: Mapping[str, Sequence[str]], measures: bool = True
) -> str:
    """Why a generated text is no answer: empty, the model itself says the sources do not answer,
    a "which ..." question answered only with "ett antal ..." (see `vague_answer`), or (with
    `measures`: not a why- or how-question) one for an amount answered without one."""
    if not text:
        return "refused:empty_answer"
    if is_no_answer(text):
        return "refused:model_declined"
    if vague_answer(question, text, instances) or vague_answer(query, text, instances):
        return "refused:vague"
    return "refused:no_amount" if measures and amount_missing(question, text) else ""


NOT_COVERED = {
    "sv": "Det tar underlaget inte upp. Det säger själv vad det avgränsar bort:",
    "en": "The material does not cover that. It says itself what it leaves out:",
}
ONLY_PLANNED = {
    "sv": "Det redovisar underlaget inte. Det säger bara vad som planeras:",
    "en": "The material does not report that. It only says what is planned:",
}


def _scope_statement(question: str, text: str, stats: TermStats | None, top: Sequence[Passage]) -> str:
    """The answer's first quoted unit when it is the material saying what it does not cover, alone or
    as a line of its scope list ("Den behandlar inte: - klotter … i kollektivtrafiken") - unless the
    question itself asks what is not covered: then that statement is the answer."""
    first = next((u for u in answer_units(text) if marker_numbers(u)), "")
    if NEGATED_RE.search(question) or not first:
        return ""
    if scope_re(stats).search(strip_markers(first)):
        return first
    n = marker_numbers(first)[0]
    if not 1 <= n <= len(top):
        return ""
    quoted = excluded_quote(strip_markers(first).strip(), top[n - 1], stats.self_names if stats else frozenset())
    return f"{quoted} [{n}]" if quoted else ""


def _summarised(asked: Question) -> Question:
    """A summary's terms as the support check reads them: what it is about, without the words that ask
    for a summary or name a part ("Ge mig en kort sammanfattning av avsnittet om vanliga fallgropar":
    "vanliga fallgropar"), which no passage need hold."""
    if "overview" not in asked.kinds:
        return asked
    about = tuple(t for t in asked.topic if t in asked.terms and not any(DOCUMENT_PART_RE.match(s) for s in t))
    return replace(asked, terms=about) if about else asked


class RagAnswerer:
    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        generator: Generator,
        rewriter: Rewriter | None = None,
        instances: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """`instances`: the named things of the material per kind ("kommun": its municipalities),
        so that "Vilka kommuner ...?" answered with "ett antal kommuner" is refused."""
        self.settings = settings
        self.instances = instances or {}
        self.retriever = retriever
        self.generator = generator
        self.rewriter = rewriter

    def answer(
        self,
        question: str,
        history: Sequence[str] = (),
        k: int | None = None,
        filters: dict[str, object] | None = None,
    ) -> Answer:
        """The whole answer at once (see `stream`)."""
        final: Answer | None = None
        for item in self.stream(question, history, k, filters):
            if isinstance(item, Answer):
                final = item
        assert final is not None  # stream always ends with the Answer
        return final

    def stream(
        self,
        question: str,
        history: Sequence[str] = (),
        k: int | None = None,
        filters: dict[str, object] | None = None,
    ) -> Iterator[str | Answer]:
        """Text pieces as they are generated, then the final `Answer`."""
        started = time.perf_counter()
        question = validate_question(question, self.settings.max_question_chars)
        query = resolve(question, list(history), self.rewriter, self.settings.conversation)
        asked = Question.analyse(question, query, self._stats())  # read by every stage below
        language = asked.language
        k = k or self.settings.retrieval.top_k
        passages = self.retriever.retrieve(query, max(k, self.settings.retrieval.min_sources), filters)
        top = self.retriever.score_sentences(query, self._with_context(passages[:k]))
        labels = part_labels(query)  # "Vad handlar kapitel 3 om?": that chapter's parts are judged
        if labels:
            top, asked = self._outlined(asked, top, filters, labels)
        support = assess(self._without_fillers(asked), top, self.settings.refusal, self._stats())
        timings = {"retrieve": _ms(started)}
        if not support.supported and support.evidence.statement:  # the material's own words on it
            planned = support.reason == "planned_year"
            frames = ONLY_PLANNED if planned else NOT_COVERED
            frame = frames.get(language, frames["sv"])
            stated = f"{frame} {support.evidence.statement}"
            flag = "refused:only_planned" if planned else "refused:not_covered"
            yield from self._not_covered(question, stated, passages, top, support, timings, started, flag)
            return
        if not support.supported:
            text = refusal_text(language, support.evidence.name)
            yield text
            yield self._result(question, text, passages, [], support, timings, started, refused=True)
            return
        if not labels:
            top, asked = self._outlined(asked, top, filters)
        generating = time.perf_counter()
        pieces: list[str] = []

        def tapped() -> Iterator[str]:
            for piece in self.generator.stream(asked, top):
                pieces.append(piece)
                yield piece

        shown = renumber_stream(tapped(), len(top))
        held = list(shown) if self.generator.instant else None  # checked before shown
        if held is None:
            yield from shown
        timings["generate"] = _ms(generating)
        text, flags = check_markers("".join(pieces), len(top))
        reason = _no_answer(question, query, text, self.instances, not asked.kinds & UNCOUNTED_KINDS)
        stated = _scope_statement(query, text, self._stats(), top) if not reason else ""
        if stated:  # the material itself says it does not cover this: a refusal, with its words
            frame = NOT_COVERED.get(language, NOT_COVERED["sv"])
            yield from self._not_covered(question, f"{frame} {stated}", passages, top, support, timings, started)
            return
        if reason:
            if held is not None:
                yield refusal_text(language)
            yield self._result(question, refusal_text(language), passages, [reason], support, timings, started, True)
            return
        yield from held or ()
        text, citations = build_citations(text, top)
        answer = self._result(question, text, passages, flags, support, timings, started)
        answer.citations = citations
        yield answer

    def sources(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> list[Citation]:
        """Retrieval only: the passages a question finds, as sources (for answers from records)."""
        query = resolve(
            validate_question(question, self.settings.max_question_chars),
            list(history),
            self.rewriter,
            self.settings.conversation,
        )
        k = max(k or self.settings.retrieval.top_k, self.settings.retrieval.min_sources)
        return build_sources(self.retriever.retrieve(query, k, filters, by_sentence=False))

    # -- helpers ----------------------------------------------------------------------------
    def _not_covered(
        self,
        question: str,
        stated: str,
        passages: list[Passage],
        top: list[Passage],
        support: Support,
        timings: dict[str, float],
        started: float,
        flag: str = "refused:not_covered",
    ) -> Iterator[str | Answer]:
        """A refusal in the material's own words (what it does not cover, what it only plans), cited."""
        text, citations = build_citations(stated, top)
        yield text
        answer = self._result(question, text, passages, [flag], support, timings, started, True)
        answer.citations = citations
        yield answer

    def _without_fillers(self, asked: Question) -> Question:
        """The question as the support check reads it: without the terms of words that carry none of
        its meaning ("okej", "snabbfråga"; `retrieval.fillers`), which no passage can hold."""
        names = {n.lower() for n in asked.names}
        fillers = self.retriever.fillers(asked.query, asked.terms, names)
        asked = replace(asked, terms=tuple(t for t in asked.terms if t not in fillers)) if fillers else asked
        return _summarised(asked)

    def _outlined(
        self, asked: Question, top: list[Passage], filters: dict[str, object] | None, labels: Sequence[str] = ()
    ) -> tuple[list[Passage], Question]:
        """For a summary that names a section with sub-sections, those sub-sections instead of the top
        passages, and the question marked "outline" (`retrieval.outline`); a question about one
        municipality's records (`filters`) is not about a section of a document; `labels`: the parts the
        question names by number or letter (`parts.part_labels`), outlined whatever its kinds."""
        if filters or not (asks_outline(asked.kinds) or labels):
            return top, asked
        sections = self.retriever.outline(top, asked.topic, asked.names, labels)
        if not sections:
            return top, asked
        outlined = self.retriever.score_sentences(asked.query, self._with_context(sections))
        return outlined, replace(asked, kinds=asked.kinds | {"outline"})

    def _with_context(self, passages: list[Passage]) -> list[Passage]:
        return self.retriever.with_context(passages, self.settings.retrieval.neighbour_window)

    def _stats(self) -> TermStats | None:
        return self.retriever.term_stats

    def _result(
        self,
        question: str,
        text: str,
        passages: list[Passage],
        flags: list[str],
        support: Support,
        timings: dict[str, float],
        started: float,
        refused: bool = False,
    ) -> Answer:
        timings.setdefault("generate", 0.0)
        timings["total"] = _ms(started)
        return Answer(
            question=question,
            text=text,
            sources=build_sources(passages),
            refused=refused,
            route="rag",
            timings=timings,
            flags=[*flags, *support.flags()],
            config={"embedder": self.settings.embedder_id, "generator": self.generator.name},
        )
