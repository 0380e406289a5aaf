"""One question, analysed once per ask: what the support check and the generators read.

`RagAnswerer.stream` resolves a follow-up against the conversation and analyses the result once
(`Question.analyse`) with the corpus's term statistics: its language, content terms (with
compound parts, synonyms and the material's spellings), kinds ("quantity", "who", "howto" …),
the asked-for type ("Vilka *kommuner*"), the counted thing, names and years. The support check
(`answering.evidence`), the extractive generator and the language-model generators take this
object instead of parsing the text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language.kinds import kind_cues, question_kinds
from assistant.language.terms import (
    YEAR_RE,
    Term,
    TermStats,
    answer_type,
    counted_word,
    neutral_tokens,
    plain_names,
    question_terms,
)
from assistant.language.text import question_language, stems
from assistant.language.words import load_words

# Questions whose answer is no count even where they name one: advice ("Hur ska vi få antalet anmälningar
# att öka?") and reasons ("Varför behöver en ökning av antalet rapporter inte betyda …?": guide23 +1).
UNCOUNTED_KINDS = frozenset({"howto", "reason"})
_QUESTION_WORD_RE = re.compile(rf"\b(?:{'|'.join(sorted(load_words().question_words))})\b", re.IGNORECASE)


def asked_part(text: str) -> str:
    """The message from its first question word on ("Hej från Malmö! Hur kom de igång med SSPF?": "Hur
    kom de igång med SSPF?"); a name before it is the asker's context. The whole message without one."""
    found = _QUESTION_WORD_RE.search(text)
    return text[found.start() :] if found else text


DAY_ASKED_RE = re.compile(r"\b(datum|vilken\s+dag|vilket\s+datum|what\s+date|which\s+day)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    text: str  # as asked
    query: str  # the follow-up resolved against the conversation: what retrieval and answering read
    language: str  # "sv" or "en", of the question as asked
    terms: tuple[Term, ...]
    kinds: frozenset[str]
    asked_type: Term | None  # "Vilka kommuner ...": the kind of thing asked for
    counted: str | None  # "Hur många deltagare ...": what is counted (Swedish, not practical questions)
    names: tuple[str, ...]  # names, acronyms and numbers as written
    years: tuple[str, ...]
    day: bool  # a date to the day is asked for ("Vilket datum ...?")
    inherited: frozenset[str] = frozenset()  # stems of terms a follow-up took from the conversation
    topic: tuple[Term, ...] = ()  # the terms less the words that tell the kind ("sammanfatta", "hur många")

    @classmethod
    def analyse(cls, text: str, query: str | None = None, stats: TermStats | None = None) -> Question:
        query = text if query is None else query
        language = question_language(text)
        kinds = frozenset(question_kinds(query))
        terms = tuple(question_terms(query, stats))
        own = question_terms(text, stats) if query != text else list(terms)
        inherited = frozenset(s for t in terms if not any(t & o for o in own) for s in t)
        cues = {s for word in kind_cues(query) for s in stems(word)}
        plain = plain_names(query, stats)  # "Bra" typed for "Brå"
        return cls(
            text=text,
            query=query,
            language=language,
            terms=terms,
            kinds=kinds,
            asked_type=answer_type(query),
            counted=counted_word(query) if language == "sv" and not kinds & UNCOUNTED_KINDS else None,
            names=tuple(
                plain[t][0].capitalize() if t in plain else t for t in neutral_tokens(query) if not t.isdigit()
            ),
            years=tuple(YEAR_RE.findall(query)),
            day="time" in kinds and bool(DAY_ASKED_RE.search(query)),
            inherited=inherited,
            topic=tuple(t for t in terms if not t & cues),
        )
