"""Which record rows answer a ``LookupQuery`` (reads through ``SqlRecordStore``).

Filters of one kind are alternatives (two municipalities: rows of either), filters of
different kinds all apply. Text terms match folded substrings of the named fields.
Outcome rows can further be narrowed by the topic words of the question, but only when
that keeps some rows and drops others (so a topic word never empties an answer).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.language.text import names_in
from assistant.records.cues import fold
from assistant.records.query import LookupQuery, TextTerm
from assistant.records.schema import RecordRow
from assistant.records.store import ActivityRow, AreaRow, MethodRow, OutcomeRow, SqlRecordStore
from assistant.records.vocabulary import Vocabulary

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# Kinds of follow-up (the ``uppfoljning`` column) that each outcome cue stands for.
OUTCOME_TABLE: dict[str, tuple[str, ...]] = {
    "crm": ("crm_forsta", "crm_uppfoljning"),
    "enkat": ("enkat",),
    "hinder": ("hinder",),
    "plan": ("plan",),
    "kvartalsrapport": ("kvartalsrapport",),
    "uppfoljning": ("deltagarenkat", "kommunuppfoljning"),
    "resultat": ("resultat", "kommunuppfoljning"),
}
_GENERAL_OK = ("crm_forsta", "enkat", "kvartalsrapport")  # rows about all municipalities still answer per kommun


@dataclass
class Selection:
    """Rows that answer one part of a question; ``groups`` when the answer is a list of municipalities."""

    kind: str
    rows: list[Any] = field(default_factory=list)
    groups: dict[str, list[Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    dropped_terms: list[str] = field(default_factory=list)
    unmentioned: list[str] = field(default_factory=list)  # soft terms none of the rows contains
    narrowed_by: list[str] = field(default_factory=list)  # the question's words the rows were narrowed to


class RecordSelector:
    def __init__(self, store: SqlRecordStore, vocabulary: Vocabulary) -> None:
        self.store = store
        self.vocabulary = vocabulary

    # -- entry point ---------------------------------------------------------------------
    def select(self, query: LookupQuery) -> list[Selection]:
        if query.free_topic:
            return [self.free_topic(query)]
        if query.source == "municipalities":
            return [self.municipalities(query)]
        main = getattr(self, query.source)(query)
        parts = [self.group(main, query) if query.list_kommuner else main]
        if query.source == "activities" and query.outcome_kinds:
            parts.append(self.outcomes(query))  # "Hur många deltog ... och vad visade uppföljningen?"
        return parts

    # -- activities ----------------------------------------------------------------------
    def activities(self, query: LookupQuery) -> Selection:
        kommuner = query.kommuner or sorted({k for o in query.omraden if (k := self.vocabulary.area_kommun(o))})
        combos = itertools.product(
            kommuner or [None],
            query.fokus or [None],
            query.metoder or [None],
            query.partner or [None],
            query.formats or [None],
        )
        rows: dict[str, ActivityRow] = {}
        for kommun, fokus, metod, partner, fmt in combos:
            for row in self.store.activities(
                kommun=kommun, fokusomrade=fokus, metod=metod, partner=partner, format=fmt
            ):
                rows.setdefault(row.id, row)
        selection = Selection("activities", _in_file_order(rows.values(), self._order()))
        terms, selection.dropped_terms = self._usable_terms(query.texts)
        selection.rows = [r for r in selection.rows if all(_term_matches(t, r) for t in terms if not t.soft)]
        for term in (t for t in terms if t.soft):
            matching = [r for r in selection.rows if _term_matches(term, r)]
            if matching or not selection.rows:
                selection.rows = matching
            else:  # "parallella samhällsstrukturer" for Linköping: its area's rows speak of "otillåten påverkan"
                selection.unmentioned.append(term.label)
        if query.omraden:
            selection.rows = _soft(selection.rows, lambda r: _mentions(r, query.omraden))
        only_place = not (query.fokus or query.metoder or query.partner or query.formats or query.texts)
        if only_place and query.language == "sv":  # English topic words do not match the Swedish rows
            # "På vilka skolor i Sigtuna ...?": a municipality's activities, narrowed to the topic
            narrowed = _narrow_by_topic(selection.rows, query.topic)
            if len(narrowed) < len(selection.rows):
                selection.narrowed_by = topic_words(query.question, _stems_hit(narrowed, query.topic))
            selection.rows = narrowed
        return selection

    def _order(self) -> dict[str, int]:
        return {row.id: i for i, row in enumerate(self.store.activities())}

    def _usable_terms(self, terms: Sequence[TextTerm]) -> tuple[list[TextTerm], list[str]]:
        """Optional terms that no activity contains (an English word) are dropped."""
        everything = self.store.activities()
        keep, dropped = [], []
        for term in terms:
            if term.optional and not any(_term_matches(term, r) for r in everything):
                dropped.append(term.label)
            else:
                keep.append(term)
        return keep, dropped

    # -- municipalities as the answer --------------------------------------------------------
    def group(self, selection: Selection, query: LookupQuery) -> Selection:
        groups: dict[str, list[Any]] = {}
        if selection.kind == "activities" and len(query.metoder) == 1 and len(query.anchors) == 1 and not query.texts:
            for method in self.store.methods(name=query.metoder[0]):
                for kommun in method.anvandare:
                    groups.setdefault(kommun, []).append(method)
        for row in selection.rows:
            for kommun in self._row_kommuner(row):
                groups.setdefault(kommun, []).append(row)
        order = {k: i for i, k in enumerate(self.vocabulary.kommuner)}
        ordered = dict(sorted(groups.items(), key=lambda kv: order.get(kv[0], 99)))
        return Selection(
            selection.kind,
            selection.rows,
            ordered,
            selection.notes,
            selection.dropped_terms,
            selection.unmentioned,
            selection.narrowed_by,
        )

    def _row_kommuner(self, row: RecordRow) -> list[str]:
        own = getattr(row, "kommun", None)
        if not isinstance(row, OutcomeRow) or own is None:
            return [own] if own else []
        named = [m.canonical for m in self.vocabulary.find(row.quote) if m.kind == "kommun"]
        return list(dict.fromkeys([own, *named]))

    def municipalities(self, query: LookupQuery) -> Selection:
        rows = self.store.municipalities()
        if query.kommuner:
            rows = [r for r in rows if r.kommun in query.kommuner]
        if query.fokus:
            rows = [r for r in rows if set(query.fokus) & set(r.fokusomraden)]
        selection = Selection("municipalities", rows)
        if query.list_kommuner:
            selection.groups = {r.kommun: [r] for r in rows}
        return selection

    def free_topic(self, query: LookupQuery) -> Selection:
        """ "I vilka kommuner bytte projektledarna tjänst?": the rows that share most topic words."""
        candidates: list[RecordRow] = [*self.store.outcomes(), *self.store.activities()]
        scored = [(topic_hits(r, query.topic), r) for r in candidates]
        best = max((s for s, _ in scored), default=0)
        needed = max(2, -(-len(query.topic) // 2)) if len(query.topic) > 1 else 1
        rows = [r for s, r in scored if s == best and s >= needed]
        return self.group(Selection("topic", rows), query)

    # -- areas, methods, outcomes ------------------------------------------------------------
    def areas(self, query: LookupQuery) -> Selection:
        kommuner = query.kommuner or [k for o in query.omraden if (k := self.vocabulary.area_kommun(o))]
        rows: list[AreaRow] = [r for k in kommuner or [None] for r in self.store.areas(kommun=k)]
        if query.omraden:
            rows = [r for r in rows if r.omrade in query.omraden]
        if query.klass:
            rows = [r for r in rows if getattr(r, f"klass_{query.klass_year}") == query.klass]
        return Selection("areas", rows)

    def methods(self, query: LookupQuery) -> Selection:
        rows: list[MethodRow] = [r for k in query.kommuner or [None] for r in self.store.methods(used_by=k)]
        rows = list({r.metod: r for r in rows}.values())
        if query.fokus:
            rows = [r for r in rows if r.fokusomrade in query.fokus]
        if query.metoder:
            rows = [r for r in rows if r.metod in query.metoder]
        return Selection("methods", rows)

    def outcomes(self, query: LookupQuery) -> Selection:
        kinds = [k for c in query.outcome_kinds for k in OUTCOME_TABLE.get(c, ())]
        if "crm" in query.outcome_kinds and query.crm_phase:
            kinds = [k for k in kinds if not k.startswith("crm_") or k == query.crm_phase]
        rows = [r for kind in dict.fromkeys(kinds) for r in self.store.outcomes(uppfoljning=kind)]
        if query.kommuner:
            rows = [
                r for r in rows if r.kommun in query.kommuner or (r.kommun is None and r.uppfoljning in _GENERAL_OK)
            ]
            rows = [r for r in rows if r.kommun] or rows  # rows about all only when none is about these
        if query.count == "values" and "enkat" in query.outcome_kinds:
            rows = [r for r in rows if r.varde is not None] or rows
            rows = [r for r in rows if r.enhet in query.units] or rows
        subjects = [m for m in query.metoder if m != "CRM"]
        rows = _soft(rows, lambda r: _mentions(r, subjects, self.vocabulary)) if subjects else rows
        if query.fokus:
            rows = _soft(rows, lambda r: _names_focus(r, query.fokus, self.vocabulary))
        narrowed = _narrow_by_topic(rows, query.topic)
        selection = Selection("outcomes", narrowed)
        if len(narrowed) < len(rows):
            selection.narrowed_by = topic_words(query.question, _stems_hit(narrowed, query.topic))
        return selection


# -- row tests ------------------------------------------------------------------------------
def _in_file_order(rows: Iterable[ActivityRow], order: dict[str, int]) -> list[ActivityRow]:
    return sorted(rows, key=lambda r: order.get(r.id, 0))


def _field_text(row: RecordRow, names: Iterable[str]) -> str:
    return " ".join(str(getattr(row, n, "") or "") for n in names)


def _term_matches(term: TextTerm, row: RecordRow) -> bool:
    text = fold(_field_text(row, term.fields))
    return any(alt in text for alt in term.alternatives)


def _row_text(row: RecordRow) -> str:
    names = ("aktivitet", "resultat", "forklaring", "kommentar", "quote", "beskrivning")
    return _field_text(row, names)


def mentions_name(row: RecordRow, name: str) -> bool:
    """Whether the row's text or its municipality or area names `name` (also read as a genitive)."""
    text = " ".join([_row_text(row), *(str(getattr(row, f, "") or "") for f in ("kommun", "omrade"))])
    return names_in(fold(text), fold(name))


def _mentions(row: RecordRow, names: Sequence[str], vocabulary: Vocabulary | None = None) -> bool:
    text = _row_text(row)
    if vocabulary is None:
        return any(fold(n) in fold(text) for n in names)
    return any(m.canonical in names for m in vocabulary.find(text))


def _names_focus(row: RecordRow, fokus: Sequence[int], vocabulary: Vocabulary) -> bool:
    return any(m.kind == "fokusomrade" and int(m.canonical) in fokus for m in vocabulary.find(_row_text(row)))


def _soft(rows: list, keep: Any) -> list:
    """Rows that pass ``keep``, unless none does (then all rows)."""
    kept = [r for r in rows if keep(r)]
    return kept or rows


def topic_hits(row: RecordRow, topic: Sequence[str]) -> int:
    """How many of the topic stems (of four letters or more) begin a word of the row's text."""
    words = {w for w in _WORDS.findall(fold(_row_text(row)))}
    return sum(any(w.startswith(s) for w in words) for s in topic if len(s) >= 4)


def _stems_hit(rows: Sequence[RecordRow], topic: Sequence[str]) -> list[str]:
    """The topic stems that begin a word of every one of ``rows``."""
    words = [set(_WORDS.findall(fold(_row_text(r)))) for r in rows]
    return [s for s in topic if len(s) >= 4 and all(any(w.startswith(s) for w in ws) for ws in words)]


def topic_words(question: str, stems: Sequence[str]) -> list[str]:
    """The words of ``question`` that the topic ``stems`` came from ("skolor" for "skol")."""
    out: list[str] = []
    for word in _WORDS.findall(question):
        if any(fold(word).startswith(s) for s in stems) and word.lower() not in out:
            out.append(word.lower())
    return out


def _narrow_by_topic(rows: list[Any], topic: Sequence[str]) -> list:
    if not topic or len(rows) < 2:
        return rows
    scores = [topic_hits(r, topic) for r in rows]
    best = max(scores)
    if best == 0 or min(scores) == best:
        return rows
    return [r for r, s in zip(rows, scores, strict=True) if s == best]
