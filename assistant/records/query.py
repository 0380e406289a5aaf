"""Question analysis shared by the router and the record lookup.

``QuestionParser.parse`` turns a question (and the earlier questions of the
conversation) into a ``LookupQuery``: the entities it names (through the vocabulary),
what it asks for (a list of activities, a list of municipalities, a count, areas,
outcomes, methods) and the cues the router uses to choose lookup, retrieval or both.
Everything is deterministic and explainable: ``LookupQuery.describe`` says in one line
what was understood.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from assistant.language.conversation import is_follow_up
from assistant.language.question import Question
from assistant.language.text import SWEDISH_STOPWORDS, question_language, stem
from assistant.records import cues
from assistant.records.cues import find_cue, fold, has_cue
from assistant.records.entities import EntityFinder
from assistant.records.vocabulary import EntityMatch, Vocabulary

Source = Literal["activities", "outcomes", "areas", "methods", "municipalities"]
CountKind = Literal["rows", "occasions", "participants", "kommuner", "values"]
_WORD = re.compile(r"[^\W\d_]+(?:[-:][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class TextTerm:
    """A substring one of whose ``alternatives`` must occur in one of ``fields`` of a row."""

    alternatives: tuple[str, ...]
    fields: tuple[str, ...] = ("aktivitet",)
    label: str = ""
    optional: bool = False  # dropped when no record at all contains it (e.g. English "conference")
    # narrows rows only when some of them contain it: one half of a focus area's name
    # ("otillåten påverkan"), which the rows of that area may not spell out
    soft: bool = False


@dataclass
class LookupQuery:
    question: str
    language: str = "sv"
    source: Source = "activities"
    list_kommuner: bool = False
    count: CountKind | None = None
    per_kommun: bool = False
    kommuner: list[str] = field(default_factory=list)
    omraden: list[str] = field(default_factory=list)
    fokus: list[int] = field(default_factory=list)
    metoder: list[str] = field(default_factory=list)
    partner: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    texts: list[TextTerm] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    outcome_kinds: list[str] = field(default_factory=list)
    crm_phase: str | None = None
    units: list[str] = field(default_factory=list)
    klass: str | None = None
    klass_year: int = 2023
    topic: list[str] = field(default_factory=list)
    where_opener: bool = False
    not_records: bool = False  # "När ...?", "Hur mycket ...?": time or money, not in the records
    area_topic: bool = False  # "Vilka tre områden omfattade fokusområde 5?": areas of a topic, not places
    own_question_word: bool = False
    free_topic: bool = False  # "Vilka kommuner ..." about a topic no entity names: searched by its words
    explain: bool = False
    lookup_cue: bool = False
    result_cue: bool = False
    inherited: list[str] = field(default_factory=list)
    asked: Question | None = None  # the question's own analysis (kinds, names, years), as every stage reads it

    @property
    def anchors(self) -> list[str]:
        """Entities the records are keyed by (a format alone is not one)."""
        return [*self.kommuner, *self.omraden, *map(str, self.fokus), *self.metoder, *self.partner]

    def entity_text(self) -> str:
        parts = [
            *(f"kommun={k}" for k in self.kommuner),
            *(f"område={o}" for o in self.omraden),
            *(f"fokusområde={f}" for f in self.fokus),
            *(f"metod={m}" for m in self.metoder),
            *(f"partner={p}" for p in self.partner),
            *(f"format={f}" for f in self.formats),
            *(f"text~{t.label}" for t in self.texts),
            *(f"plats={p}" for p in self.places),
        ]
        return ", ".join(parts) or "no record entity"

    def describe(self) -> str:
        what = "municipalities" if self.list_kommuner else self.source
        count = f", count {self.count}" if self.count else ""
        kinds = f" ({'/'.join(self.outcome_kinds)})" if self.outcome_kinds else ""
        history = f"; from history: {', '.join(self.inherited)}" if self.inherited else ""
        return f"{what}{kinds}{count}; {self.entity_text()}{history}"


class QuestionParser:
    """Parses questions with the entity vocabulary and the cue lists of ``lookup_cues``."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        municipalities: Sequence[str] = (),
        mentioned: Callable[[str], bool] | None = None,
    ) -> None:
        """`municipalities`: every Swedish municipality (to recognise one outside the records);
        `mentioned(name)`: whether the ingested documents mention a place (then it is part of the
        material, though the records do not list it)."""
        self.vocabulary = vocabulary
        self.municipalities = list(municipalities)
        self.mentioned = mentioned or (lambda _name: False)
        self.finder = EntityFinder(vocabulary, self.municipalities, self.mentioned)

    def parse(self, question: str, history: Sequence[str] = ()) -> LookupQuery:
        query = self._parse_one(question)
        for text in reversed(list(history)[-2:]):
            earlier = self._parse_one(text)
            leans = _is_followup(query, question) or is_follow_up(question)  # the prose's rule too
            if not (leans or _continues_topic(query, earlier)):
                break
            query = _inherit(query, earlier)
        if query.inherited:
            _classify(query, fold(question))
        return query

    # -- one question ---------------------------------------------------------------------
    def _parse_one(self, question: str) -> LookupQuery:
        folded = fold(question)
        matches = self.finder.find(question)
        query = LookupQuery(question=question, asked=Question.analyse(question))
        query.explain = has_cue(folded, cues.EXPLAIN) or bool(cues.HOW.match(folded))
        query.result_cue = has_cue(folded, cues.RESULT)
        query.lookup_cue = _asks_records(folded)
        query.not_records = _opens_with(folded, cues.NOT_RECORDS)
        query.own_question_word = has_cue(folded, cues.QUESTION_WORDS)
        query.where_opener = _opens_with(folded, cues.WHERE_OPENERS)
        query.list_kommuner = bool(cues.KOMMUN_ASKED.search(folded))
        self._entities(query, matches, question)
        self._unknown(query, question, matches)
        query.language = _language(question, matches, [*query.unknown, *query.places])
        query.topic = _topic_stems(question, matches)
        _classify(query, folded)
        return query

    def _entities(self, query: LookupQuery, matches: list[EntityMatch], question: str) -> None:
        for m in matches:
            if m.kind == "kommun":
                self._kommun(query, m)
            elif m.kind == "omrade":
                _add(query.omraden, m.canonical)
            elif m.kind == "fokusomrade":
                self._fokus(query, m)
            elif m.kind == "metod":
                _add(query.metoder, m.canonical)
            elif m.kind == "partner":
                _add(query.partner, m.canonical)
            elif m.kind == "format":
                self._format(query, m)

    def _kommun(self, query: LookupQuery, m: EntityMatch) -> None:
        if query.list_kommuner:  # "Vilka kommuner deltog i konferensen i Göteborg?": a place, not a filter
            _add_term(query, TextTerm((fold(m.alias),), ("aktivitet", "quote"), m.alias))
            _add(query.places, m.canonical)
        else:
            _add(query.kommuner, m.canonical)

    def _fokus(self, query: LookupQuery, m: EntityMatch) -> None:
        number = int(m.canonical)
        _add(query.fokus, number)
        entry = self.vocabulary.fokusomraden.get(number)
        if entry is not None and _is_subtopic(fold(m.alias), fold(entry.namn)):
            _add_term(query, TextTerm((fold(m.alias),), ("aktivitet",), m.alias, soft=True))

    def _format(self, query: LookupQuery, m: EntityMatch) -> None:
        _add(query.formats, m.canonical)
        if _names_format(fold(m.alias), fold(m.canonical)):
            return
        aliases = [fold(a) for a in self.vocabulary.format.get(m.canonical, [])]
        base = min((a for a in aliases if fold(m.alias).startswith(a) and len(a) >= 4), key=len, default=fold(m.alias))
        _add_term(query, TextTerm((base,), ("aktivitet", "kommentar"), base, optional=True))

    def _unknown(self, query: LookupQuery, question: str, matches: list[EntityMatch]) -> None:
        folded = fold(question)
        taken = [(m.start, m.end) for m in matches]
        for name in self.vocabulary.unknown_municipalities(question, self.municipalities):
            spans = [(s.start(), s.end()) for s in re.finditer(rf"(?<!\w){re.escape(fold(name))}", folded)]
            spans = [s for s in spans if not any(a <= s[0] and s[1] <= b for a, b in taken)]
            if not spans:
                continue  # inside a known name, e.g. "Region Stockholm"
            as_place = has_cue(folded, cues.EVENTS) and any(
                cues.PLACE_PREPOSITIONS.search(folded[: s[0]]) for s in spans
            )
            if as_place:
                _add(query.places, name)
                _add_term(query, TextTerm((fold(name),), ("aktivitet",), name, optional=True))
            elif self.mentioned(name):
                _add(query.places, name)  # the documents are about it: a question for the prose
            else:
                _add(query.unknown, name)


# -- helpers ------------------------------------------------------------------------------
def _add(values: list, value: object) -> None:
    if value not in values:
        values.append(value)


def _add_term(query: LookupQuery, term: TextTerm) -> None:
    if term not in query.texts:
        query.texts.append(term)


def _opens_with(folded: str, openers: tuple[str, ...]) -> bool:
    match = find_cue(folded, openers)
    return match is not None and not folded[: match.start()].strip()


def _language(question: str, matches: list[EntityMatch], names: Sequence[str]) -> str:
    """The question's language, judged without the names in it ("Linköping", "Malmö" say nothing)."""
    chars = list(question)
    for m in matches:
        chars[m.start : m.end] = " " * (m.end - m.start)
    text = "".join(chars)
    return question_language(text, names)


def _asks_records(folded: str) -> bool:
    """A list/count cue whose asked-for noun is something the records hold."""
    if _opens_with(folded, cues.NOT_RECORDS):
        return False
    if has_cue(folded, cues.ASKING_PHRASES):
        return True
    for match in cues.all_cues(folded, cues.ASKING):
        following = re.findall(r"\w+", folded[match.end() :])[:3]
        nouns = cues.RECORD_NOUNS + (cues.COUNT_VERBS if has_cue(match.group(0), cues.COUNT_WORDS) else ())
        if any(has_cue(word, nouns) for word in following):
            return True
    return False


def _classify(query: LookupQuery, folded: str) -> None:
    _outcome_kinds(query, folded)
    _source(query, folded)
    _count(query, folded)


def _is_subtopic(alias: str, namn: str) -> bool:
    """Whether ``alias`` names one half of a two-topic focus area ("X och Y", both of 2+ words)."""
    parts = [p.split() for p in re.split(r"\s+och\s+", namn)]
    if len(parts) != 2 or any(len(p) < 2 for p in parts):
        return False
    words = alias.split()
    inside = [all(any(w.startswith(x[:5]) for x in part) for w in words) for part in parts]
    return inside.count(True) == 1


def _names_format(alias: str, canonical: str) -> bool:
    """Whether the alias is the format's own name ("workshops", "nya arbetssätt"), not a kind of it."""
    if canonical.startswith(alias) or alias.startswith(canonical):
        return True
    return stem(alias.split()[-1]) == stem(canonical.split()[-1])


def _outcome_kinds(query: LookupQuery, folded: str) -> None:
    kinds = [kind for kind, words in cues.OUTCOME_KINDS.items() if has_cue(folded, words)]
    if "CRM" in query.metoder and (query.result_cue or "crm" in kinds):
        _add(kinds, "crm")
    if "crm" in kinds and not (query.result_cue or has_cue(folded, ("matning*", "measurement*"))):
        kinds.remove("crm")  # "Vilka kommuner använde CRM?" asks for users of the method
    if "crm" in kinds:
        first, follow = has_cue(folded, cues.CRM_FIRST), has_cue(folded, cues.CRM_FOLLOWUP)
        query.crm_phase = "crm_forsta" if first and not follow else "crm_uppfoljning" if follow and not first else None
        kinds = [k for k in kinds if k not in ("uppfoljning", "resultat")]
    if "resultat" in kinds and not query.result_cue:
        kinds.remove("resultat")
    query.outcome_kinds = kinds or query.outcome_kinds  # kinds taken from an earlier question stay
    query.units = [unit for unit, words in cues.ENKAT_UNITS.items() if has_cue(folded, words)]


_ANY_VULNERABLE = re.compile(r"(?<!sarskilt )\butsatta?\s*(?:/|och|eller|,)\s*risk")


def _source(query: LookupQuery, folded: str) -> None:
    participants = has_cue(folded, cues.COUNT) and has_cue(folded, cues.PARTICIPANTS)
    if query.outcome_kinds and not (participants and query.outcome_kinds == ["uppfoljning"]):
        query.source = "outcomes"
    elif has_cue(folded, cues.AREA) and not query.list_kommuner and not _about_places(query):
        query.area_topic = True
        query.source = "activities"
    elif has_cue(folded, cues.AREA) and not query.list_kommuner:
        query.source = "areas"
        suo, risk = has_cue(folded, cues.AREA_SUO), has_cue(folded, cues.AREA_RISK)
        suo = suo or bool(_ANY_VULNERABLE.search(folded))  # "utsatta/riskområden": every class
        query.klass = "särskilt utsatt område" if suo and not risk else "riskområde" if risk and not suo else None
        query.klass_year = 2021 if "2021" in folded and "2023" not in folded else 2023
    elif has_cue(folded, cues.METHOD) and not query.metoder:
        query.source = "methods"
    elif has_cue(folded, cues.FOCUS_LIST) and query.kommuner:
        query.source = "municipalities"
    elif query.list_kommuner and not _has_filters(query):
        query.source = "municipalities"
        query.free_topic = bool(query.topic)
    else:
        query.source = "activities"
    if query.source != "municipalities":
        query.free_topic = False


def _about_places(query: LookupQuery) -> bool:
    """ "Vilka områden ..." names places unless it is about a focus area or method only
    ("Vilka tre områden omfattade det situationella arbetet?")."""
    return bool(query.kommuner or query.omraden) or not (query.fokus or query.metoder)


def _has_filters(query: LookupQuery) -> bool:
    return bool(query.anchors or query.formats or query.texts)


def _count(query: LookupQuery, folded: str) -> None:
    match = find_cue(folded, cues.COUNT)
    query.per_kommun = has_cue(folded, cues.PER_KOMMUN)
    if match is None:
        return
    after = folded[match.end() :]
    if (query.source == "outcomes" and "enkat" in query.outcome_kinds) or match.group(0).endswith(("andel", "share")):
        query.count = "values"
    elif query.list_kommuner or has_cue(after[:40], cues.KOMMUN_NOUN):
        query.count = "kommuner"
    elif has_cue(after, cues.PARTICIPANTS):
        query.count = "participants"
    elif has_cue(after[:60], cues.OCCASIONS):
        query.count = "occasions"
    else:
        query.count = "rows"


def _topic_stems(question: str, matches: list[EntityMatch]) -> list[str]:
    """Stems of the words that are neither entities, cue words nor stopwords."""
    out: list[str] = []
    for m in _WORD.finditer(question):
        if any(m.start() < e.end and e.start < m.end() for e in matches):
            continue
        word = m.group(0).lower()
        if word in SWEDISH_STOPWORDS or fold(word) in cues.GENERIC or len(word) < 4:
            continue
        if has_cue(fold(word), cues.PARTICIPATION):
            continue
        _add(out, fold(stem(word)))
    return out


def _is_followup(query: LookupQuery, question: str) -> bool:
    folded = fold(question)
    if not query.anchors and not query.outcome_kinds and query.source != "areas":
        return True
    if _opens_with(folded, cues.FOLLOWUP_OPENERS) or has_cue(folded, cues.REFERENCES):
        return True
    # "Hur många deltog i Göteborg?" needs the event of the earlier question.
    return query.count == "participants" and not (query.metoder or query.fokus or query.texts)


def _continues_topic(query: LookupQuery, earlier: LookupQuery) -> bool:
    """After "Vad är Tryggare skola?", "Which school in Trollhättan was involved?" is about it too:
    the earlier question defined one method or focus area, and this one has topic words of
    its own but names no method or focus area."""
    defined = len(earlier.metoder) + len(earlier.fokus) == 1 and earlier.explain
    return defined and bool(query.topic) and not (query.metoder or query.fokus or query.explain)


def _inherit(query: LookupQuery, earlier: LookupQuery) -> LookupQuery:
    """Fill the kinds of entity ``query`` lacks from an earlier question."""
    taken: dict[str, list] = {}
    for name in ("kommuner", "omraden", "fokus", "metoder", "partner"):
        if getattr(earlier, name) and not getattr(query, name) and not (name == "kommuner" and query.list_kommuner):
            taken[name] = list(getattr(earlier, name))
    if not query.outcome_kinds and earlier.outcome_kinds and not query.anchors:
        taken["outcome_kinds"] = list(earlier.outcome_kinds)
    if not query.topic and earlier.topic:  # "Och Trollhättan då?": the earlier question's topic is asked
        taken["topic"] = list(earlier.topic)
    if "fokus" in taken:
        taken["texts"] = query.texts + [t for t in earlier.texts if t.fields == ("aktivitet",) and not t.optional]
    kind = earlier.lookup_cue and not query.lookup_cue and not query.own_question_word
    if not taken and not kind:
        return query
    new = replace(query, **taken, inherited=query.inherited + [k for k in taken if k not in ("texts", "topic")])
    if kind:
        new.lookup_cue, new.list_kommuner, new.count = True, earlier.list_kommuner, query.count or earlier.count
        new.inherited.append("question kind")
    if "outcome_kinds" in taken:
        new.source, new.crm_phase = earlier.source, earlier.crm_phase
        if new.count is not None and "enkat" in new.outcome_kinds:
            new.count = "values"
    return new
