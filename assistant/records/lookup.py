"""Exact answers from the records: lists, counts, areas, outcomes, methods — always cited.

``RecordLookup.answer(question, history)`` parses the question (``lookup_query``),
selects the record rows (``lookup_select``) and writes one answering sentence followed by
the rows as a Markdown table (``lookup_render``). Every table row carries the citation
marker of its record's quote; the citations have the same shape as retrieval citations
(doc_id, title, section, page, text = the quote, score None).

A question about a municipality outside the material is declined (``refused=True``)
with the list of the five that are in it. Valid filters that select nothing give an
honest empty answer (``refused=False``) that says so and, where the records explain why
(e.g. Södertälje only worked in focus area 1), says that too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.language.text import names_in
from assistant.records import render
from assistant.records.formatting import CitationBook, join_names, markdown_table, public_table
from assistant.records.overview import is_overview, render_overview
from assistant.records.query import LookupQuery, QuestionParser
from assistant.records.selection import RecordSelector, Selection, mentions_name, topic_hits
from assistant.records.store import SqlRecordStore
from assistant.records.vocabulary import Vocabulary
from assistant.types import Answer

NOUNS: dict[str, tuple[str, str]] = {
    "activities": ("aktiviteter", "activities"),
    "areas": ("områden", "areas"),
    "outcomes": ("uppföljningsresultat", "follow-up results"),
    "methods": ("metoder", "methods"),
    "municipalities": ("kommuner", "municipalities"),
    "topic": ("poster", "records"),
}


DETAIL_ROWS = 3  # this few rows asked about: a question about their details
BODY_TEXT = "brödtext"  # in a row's note: the body text says more about it (see schema.py)
TITLES_CHECK_S = 1.0  # how often the titles look for a changed corpus generation
TOPIC_NOUN_MIN = 7  # topic stems this long name a thing ("arbetsgrupp"), shorter ones are often verbs ("gick")


class RecordLookup:
    """Answers list and count questions from a ``SqlRecordStore``."""

    def __init__(
        self,
        store: SqlRecordStore,
        vocabulary: Vocabulary,
        municipalities: Sequence[str] = (),
        titles: Callable[[str], str] | None = None,
        mentioned: Callable[..., bool] | None = None,
        nearest: Callable[[str], str | None] | None = None,
    ) -> None:
        """`mentioned(name, doc_id=None)`: whether the documents (or the one of `doc_id`) mention a name;
        `nearest(question)`: the document of the passage nearest the question in meaning."""
        self.store = store
        self.nearest = nearest
        self.vocabulary = vocabulary
        self.parser = QuestionParser(vocabulary, municipalities, mentioned)
        self.mentioned = mentioned
        self.selector = RecordSelector(store, vocabulary)
        self.titles = titles or (lambda doc_id: doc_id)

    # -- answering ------------------------------------------------------------------------------
    def parse(self, question: str, history: Sequence[str] = ()) -> LookupQuery:
        return self.parser.parse(question, history)

    def answer(self, question: str, history: Sequence[str] = ()) -> Answer:
        return self.answer_query(self.parse(question, history))

    def has_rows(self, query: LookupQuery) -> bool:
        """Whether the records hold any row for ``query`` (the router asks before choosing lookup)."""
        return any(sel.rows or sel.groups for sel in self.selector.select(query))

    def covers_topic(self, query: LookupQuery) -> bool:
        """Whether the rows for ``query`` hold its answer. Not when they do not mention its own topic
        words ("Vilka satt i arbetsgruppen ...?": the activity rows say nothing of the working group),
        nor when a few rows are asked about and their notes say the body text tells more of them
        ("Vilka skolor i Sigtuna ...?": the schools are named in the body text). The router then
        adds the prose."""
        rows = [row for sel in self.selector.select(query) for row in sel.rows]
        if _asks_details(query, rows):
            return False
        topic = [stem for stem in query.topic if len(stem) >= TOPIC_NOUN_MIN]
        if not topic or query.language != "sv":  # English words cannot be looked for in Swedish rows
            return True
        return not rows or any(topic_hits(row, topic) for row in rows)

    def names_elsewhere(self, query: LookupQuery) -> list[str]:
        """The names the question gives (an acronym, a place) that the documents mention and
        neither the rows of its answer nor their own document do: "Hur många kommuner svarade på
        RLT:s enkät …?" asks about a survey a guide describes, not the survey in the records. The
        router then answers from the prose."""
        if query.asked is None or query.unknown or self.mentioned is None:
            return []
        known = [m.alias for m in self.parser.finder.find(query.question)]
        names = [n for n in query.asked.names if not any(names_in(k, n) for k in known) and self.mentioned(n)]
        if not names:
            return []
        rows = [row for sel in self.selector.select(query) for row in sel.rows]
        docs = {row.doc_id for row in rows}
        return [
            n
            for n in names
            if not any(mentions_name(row, n) for row in rows) and not any(self.mentioned(n, doc) for doc in docs)
        ]

    def nearer_elsewhere(self, query: LookupQuery) -> str:
        """The document nearest a question when no row of its answer comes from it: "In the survey of
        17 municipalities, what share ...?" is about a guide's survey, not the records'; "Hur många
        deltagare bör det högst vara i varje grupp vid en trygghetsvandring?" about a guide's advice,
        not the records' walkshops. The nearest document's title; "" when it is the rows' own, or when
        the question names a municipality the material does not know (the records decline it).
        English only at first (sixteen sets +2); for Swedish questions too, nine sets (gold, dev
        guide, seven fresh) +1 (g25-02) and a guide's scope question answered from the guide alone,
        nothing lost (without the exception for unknown municipalities: one near miss answered)."""
        if self.nearest is None or query.unknown:
            return ""
        docs = {row.doc_id for sel in self.selector.select(query) for row in sel.rows}
        nearest = self.nearest(query.question) if docs else None
        return self.titles(nearest) if nearest is not None and nearest not in docs else ""

    def answer_query(self, query: LookupQuery) -> Answer:
        book = CitationBook(self.titles)
        if query.unknown and not query.kommuner:
            return self._unknown(query, book)
        parts: list[str] = []
        if query.explain and query.metoder and query.source != "methods":
            parts.append(self._method_intro(query, book))
        table: list[dict[str, str]] = []
        for selection in self.selector.select(query):
            text, rows = self._render(selection, query, book)
            parts.append(text)
            table.extend(public_table(rows, query.language))
        if query.unknown:
            parts.append(self._not_in_material(query, book, lead=False))
        return Answer(
            question=query.question,
            text="\n\n".join(p for p in parts if p),
            citations=list(book.citations),
            sources=list(book.citations),
            refused=False,
            route="lookup",
            table=table or None,
        )

    def _render(self, sel: Selection, query: LookupQuery, book: CitationBook) -> tuple[str, list[dict[str, str]]]:
        where = render.scope(query, self.vocabulary, sel.kind, skip=[*sel.dropped_terms, *sel.unmentioned])
        if not sel.rows and not sel.groups:
            return self._empty(sel, query, where, book), []
        focus = self.vocabulary.focus_label
        if sel.kind == "municipalities":
            text, rows = render.render_municipalities(sel, query, where, book, focus)
        elif query.list_kommuner and (sel.groups or any(getattr(row, "kommun", None) for row in sel.rows)):
            # "Hur många kommuner svarade på enkäten?": rows of no municipality are counted by their values
            text, rows = render.render_groups(sel, query, where, book, self.vocabulary)
        elif is_overview(sel, query):  # many rows: a few cited lines, the table goes with the answer
            return render_overview(sel, query, where, book, self.vocabulary, focus)
        elif sel.kind == "activities":
            text, rows = render.render_activities(sel, query, where, book, focus)
        elif sel.kind == "areas":
            text, rows = render.render_areas(sel, query, where, book)
        elif sel.kind == "outcomes":
            text, rows = render.render_outcomes(sel, query, where, book)
        else:
            text, rows = render.render_methods(sel, query, where, book, focus)
        return f"{text}\n\n{markdown_table(rows, query.language)}", rows

    # -- answers without rows ---------------------------------------------------------------------
    def _empty(self, sel: Selection, query: LookupQuery, where: str, book: CitationBook) -> str:
        sv, en = NOUNS.get(sel.kind, NOUNS["activities"])
        if query.language == "en":
            text = f"The material mentions no {en} {where}".rstrip() + "."
        else:
            text = f"Materialet nämner inga {sv} {where}".rstrip() + "."
        why = self._why_nothing(query, book)
        return f"{text} {why}".strip()

    def _why_nothing(self, query: LookupQuery, book: CitationBook) -> str:
        """Which focus areas the municipalities asked about had, when the asked one is not among them,
        with the record's own passage when it speaks of the municipality."""
        notes = []
        for row in self.store.municipalities():
            missing = [f for f in query.fokus if f not in row.fokusomraden]
            if row.kommun not in query.kommuner or not missing:
                continue
            areas = join_names([str(f) for f in row.fokusomraden], query.language)
            if query.language == "en":
                note = f"{row.kommun} worked in focus area{'s' if len(row.fokusomraden) > 1 else ''} {areas}"
            else:
                note = f"{row.kommun} arbetade inom fokusområde{'na' if len(row.fokusomraden) > 1 else ''} {areas}"
            named = {m.canonical for m in self.vocabulary.find(row.quote) if m.kind == "kommun"}
            if named == {row.kommun}:  # the passage is about this municipality alone
                note += f": ”{row.quote.rstrip('.')}”"
            notes.append(f"{note} {book.markers([row])}.")
        return " ".join(notes)

    def _unknown(self, query: LookupQuery, book: CitationBook) -> Answer:
        return Answer(
            question=query.question,
            text=self._not_in_material(query, book, lead=True),
            citations=list(book.citations),
            sources=list(book.citations),
            refused=True,
            route="lookup",
        )

    def _not_in_material(self, query: LookupQuery, book: CitationBook, lead: bool) -> str:
        rows = self.store.municipalities()
        names = [r.kommun for r in rows] or list(self.vocabulary.kommuner)
        unknown = join_names(query.unknown, query.language)
        marker = book.markers(rows[:1]) if rows else ""
        if query.language == "en":
            verb = "is" if len(query.unknown) == 1 else "are"
            text = f"{unknown} {verb} not part of the material. "
            return (
                text
                + f"The material covers {len(names)} municipalities: {join_names(names, 'en')} {marker}".strip()
                + "."
            )
        text = f"{unknown} ingår inte i materialet. "
        return text + f"Materialet omfattar {len(names)} kommuner: {join_names(names, 'sv')} {marker}".strip() + "."

    def _method_intro(self, query: LookupQuery, book: CitationBook) -> str:
        intros = [
            f"{'' if m.beskrivning.startswith(m.metod) else m.metod + ': '}{m.beskrivning.rstrip('.')} "
            f"{book.markers([m])}."
            for m in self.store.methods()
            if m.metod in query.metoder
        ]
        return " ".join(intros)


def _asks_details(query: LookupQuery, rows: Sequence[object]) -> bool:
    """A question of its own topic (not a count or a list of municipalities) about a few rows whose
    notes say the body text tells more of them."""
    if query.count or query.list_kommuner or not query.topic or not 0 < len(rows) <= DETAIL_ROWS:
        return False
    return any(BODY_TEXT in (getattr(r, "kommentar", None) or "") for r in rows)


def document_titles(records_url: str, manifest: Path | None = None) -> Callable[[str], str]:
    """doc_id -> title: the document registry first, then the corpus manifest, else the id."""
    from assistant.index.documents import DocumentRegistry
    from assistant.index.manifest import load_manifest

    known = {}
    if manifest is not None and manifest.exists():
        known = {d.id: d.title for d in load_manifest(manifest).documents if d.title}
    registry = DocumentRegistry(records_url)
    cache: dict[str, str] = {}
    seen = {"generation": -1, "checked": 0.0}

    def title(doc_id: str) -> str:
        if time.monotonic() - seen["checked"] >= TITLES_CHECK_S:  # a retitled document, from any host
            seen["checked"] = time.monotonic()
            if (generation := registry.generation()) != seen["generation"]:
                seen["generation"] = generation
                cache.clear()
        if doc_id not in cache:
            info = registry.get(doc_id)
            cache[doc_id] = (info.title if info and info.title else None) or known.get(doc_id) or doc_id
        return cache[doc_id]

    return title
