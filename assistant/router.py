"""Deterministic router: record lookup, retrieval over prose (rag), or both.

Rules, in order (``RouteDecision.reason`` names the one that fired):

1. The question names a Swedish municipality that is not in the material (and not as
   the place of an event, "konferensen i Stockholm") and no participating one -> lookup,
   which declines and lists the five municipalities.
2. What the records cannot hold -> rag: inhabitants, a share (outside the survey), a
   comparison, an amount of money, "När/Hur mycket ...?" openers, a follow-up figure asked per area, method or
   partner (outcomes are kept per municipality), the areas of a topic.
3. Nothing the records are keyed by (municipality, area, focus area, method, partner)
   and nothing the records list by themselves (the municipalities, areas, the survey,
   CRM) -> rag.
4. An explanation cue ("vad är", "varför", "hur fungerar", "what is", "why") without a
   list/count cue -> rag; with one ("Vad är Crime proofing och vilka kommuner använde
   det?", "Varför skiljer sig CRM-resultaten ...") -> both.
5. No list/count/result cue ("vilka", "hur många", "vad visade", "which", "how many")
   and fewer than two record entities -> rag.
6. The only entity is a partner and the question has a topic of its own ("What did Brå
   learn about the time frame?") -> rag: the records hold the partner's activities, not that.
7. Records answer part, prose the rest -> both: "... och när?" (the records hold no dates),
   free-text results ("Vad resulterade ..."), areas asked together with a method.
8. Otherwise -> lookup; but both when the records hold no row for it (the prose may: "gjorde MFoF
   nåt där också?" after SSPF in Linköping), both when the rows found (activities, areas, outcomes)
   do not mention the question's own topic words ("Vilka satt i arbetsgruppen för Tryggare skola?",
   "vad var det för mammaförening i Sigtuna som fick stöd, och i vilket område?"), and rag when
   such a question is a follow-up that only took its kind from the earlier one ("Har områdets
   status förändrats?" after "Vilka aktiviteter genomförde Södertälje?"): the rows do not hold it.
   Rag too when the question names what only the documents mention (``elsewhere``), or when the
   question's nearest passage is in a document no row comes from (``nearer``).

Follow-up questions are parsed with the conversation: entities missing from "Och inom
välfärdsbrott?" are taken from the earlier question (see ``lookup_query``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answering.demands import asks_amount, is_comparison
from assistant.language.question import asked_part
from assistant.language.text import stem
from assistant.language.words import load_words
from assistant.records.cues import fold
from assistant.records.query import LookupQuery, QuestionParser
from assistant.records.vocabulary import Vocabulary
from assistant.types import Route

_STRUCTURED_OUTCOMES = {"crm", "enkat"}


@dataclass(frozen=True)
class RouteDecision:
    route: Route
    reason: str
    query: LookupQuery
    note: str = ""  # said before the answer: the part of the question the material does not cover


class Router:
    """``route(question, history) -> RouteDecision``; ``probe`` (optional) tells whether the
    records hold rows for a query, used only for questions no entity anchors."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        municipalities: Sequence[str] = (),
        probe: Callable[[LookupQuery], bool] | None = None,
        covers: Callable[[LookupQuery], bool] | None = None,
        mentioned: Callable[[str], bool] | None = None,
        elsewhere: Callable[[LookupQuery], Sequence[str]] | None = None,
        nearer: Callable[[LookupQuery], str] | None = None,
    ) -> None:
        self.parser = QuestionParser(vocabulary, municipalities, mentioned)
        self.probe = probe
        self.covers = covers
        self.elsewhere = elsewhere
        self.nearer = nearer

    def route(self, question: str, history: Sequence[str] = ()) -> RouteDecision:
        query = self.parser.parse(question, history)
        route, why = decide(query, self.probe)
        if route == "lookup" and self._prose_may_tell(query):
            route, why = "both", "the records hold no row for it: the prose may tell (after the records' no)"
        if route == "lookup" and self.covers is not None and not self.covers(query):
            if "question kind" in query.inherited:  # "Har områdets status förändrats?" after a list of activities
                route, why = "rag", "a follow-up the rows do not answer: not from the records"
            else:
                route, why = "both", "the rows do not mention the question's own topic: prose too"
        names = self.elsewhere(query) if route != "rag" and self.elsewhere is not None else ()
        if names:
            route, why = "rag", f"names {', '.join(names)}, which the documents mention and no row does"
        nearer = self.nearer(query) if route != "rag" and self.nearer is not None else ""
        if nearer:
            route, why = "rag", f"its nearest passage is in {nearer}, which no row comes from"
        note = _uncovered_note(query) if route == "rag" and query.unknown else ""
        return RouteDecision(route, f"{route}: {why} [{query.describe()}]", query, note)

    def _prose_may_tell(self, query: LookupQuery) -> bool:
        """The records hold no row for a question that is not a municipality's count (whose answer
        is then 0): "gjorde MFoF nåt där också?" after SSPF in Linköping may be in the prose."""
        counted = query.count is not None and bool(query.kommuner)
        return not query.unknown and not counted and self.probe is not None and not self.probe(query)


_ASKER = re.compile(rf"\b(?:{'|'.join(sorted(load_words().asker))})\b", re.IGNORECASE)  # data/words.yaml


def _asker_context(query: LookupQuery) -> bool:
    """Whether the question speaks of the asker ("Jag jobbar i Borås. Hur kommer vi igång med SSPF?"),
    or names its places only before what it asks ("Hej från Malmö! Hur kom de igång med SSPF?",
    `asked_part`): then the place it names is where the asker is, not what is asked about."""
    asked = asked_part(query.question).lower()
    return bool(_ASKER.search(query.question)) or not any(name.lower() in asked for name in query.unknown)


def _topic_beyond(query: LookupQuery) -> list[str]:
    """The question's own topic words besides the places it names."""
    names = {fold(stem(name.lower())) for name in query.unknown} | {fold(name.lower()) for name in query.unknown}
    return [t for t in query.topic if t not in names]


def _uncovered_note(query: LookupQuery) -> str:
    """What the answer says first when the question names a place the material never mentions
    but asks about something it does cover ("Jag jobbar i Borås. Hur kommer vi igång med SSPF?")."""
    names = ", ".join(query.unknown)
    if query.language == "en":
        return f"The material does not cover {names}. This is what it says on the rest of your question:"
    return f"Materialet tar inte upp {names}. Så här säger det om resten av din fråga:"


def decide(query: LookupQuery, probe: Callable[[LookupQuery], bool] | None = None) -> tuple[Route, str]:
    asks = query.lookup_cue or (query.result_cue and query.source == "outcomes")
    if query.unknown and not query.kommuner and asks:
        return "lookup", f"names {', '.join(query.unknown)}, a municipality outside the material"
    if query.unknown and not query.kommuner:
        if _asker_context(query) and (query.anchors or _topic_beyond(query)):
            return (
                "rag",
                f"names {', '.join(query.unknown)} (not in the material) and asks about more: the rest is answered",
            )
        return "lookup", f"names {', '.join(query.unknown)}, a municipality outside the material, and nothing else"
    beyond = _beyond_records(query)
    if beyond:
        return "rag", beyond
    listable = _record_kind(query)
    if not query.anchors and not listable:
        return "rag", "no municipality, area, focus area, method or partner the records know"
    if query.explain:
        if asks or (query.result_cue and query.source == "outcomes"):
            return "both", "explanation asked together with a list/count/result the records hold"
        return "rag", "explanation or definition question"
    if query.where_opener and len(query.anchors) >= 2:
        asks = True
    if query.kommuner and query.asked is not None and "overview" in query.asked.kinds:
        asks = True  # "Sammanfatta vad Sigtuna gjorde": the records' overview, by focus area
    if not asks and (len(query.anchors) < 2 or query.topic):
        return "rag", "no list, count or result cue (and not a bare list of entities)"
    if query.topic and query.partner and set(query.anchors) == set(query.partner):
        return "rag", 'names only a partner, about a topic beyond its activities ("Vad lärde sig Brå om ...?")'
    if query.free_topic:
        if probe is None:
            return "both", "municipalities asked about a topic no entity names: records searched by its words"
        found = probe(query)
        return ("lookup", "topic words found in the records") if found else ("rag", "topic not in the records")
    prose = _needs_prose(query)
    if prose:
        return "both", prose
    return "lookup", "list/count question with record entities" if query.anchors else f"list of {listable}"


def _beyond_records(query: LookupQuery) -> str:
    """Why the records cannot hold the answer ("" when they may)."""
    if _ASKS_POPULATION.search(query.question):
        return "asks about inhabitants: the records count participants, not residents"
    if query.source != "outcomes" and _ASKS_SHARE.search(query.question):
        return "asks for a share: the records count rows, shares are in the prose"
    if is_comparison(query.question):
        return "a comparison: the records list, the prose would have to compare"
    if asks_amount(query.question):
        return "asks for an amount of money: the records hold none"
    if query.not_records:
        return "asks when or how much: dates and money are in the prose"
    per_other = query.omraden or query.partner or set(query.metoder) - {"CRM"}
    if query.source == "outcomes" and not query.kommuner and per_other:
        return "outcomes are recorded per municipality, not per area, method or partner"
    if query.area_topic:
        return "asks for the areas of a focus area or method, not for places"
    return ""


def _record_kind(query: LookupQuery) -> str:
    """What the records list without any entity: the municipalities, areas, survey or CRM."""
    if query.source == "municipalities" and query.list_kommuner:
        return "municipalities" if not query.free_topic else "municipalities by topic"
    if query.source == "areas":
        return "areas"
    if query.source == "outcomes" and set(query.outcome_kinds) & _STRUCTURED_OUTCOMES:
        return "/".join(query.outcome_kinds)
    return ""


_ASKS_POPULATION = re.compile(
    r"\b(?:invånare|invånarna|befolkning\w*|bor\s+i|inhabitants|population|residents|live\s+in)\b", re.IGNORECASE
)
_ASKS_SHARE = re.compile(r"\b(?:andel(?:en)?|procent|share|percent(?:age)?|proportion)\b", re.IGNORECASE)
_ASKS_WHEN = re.compile(r"\b(?:när|when)\b", re.IGNORECASE)


def _needs_prose(query: LookupQuery) -> str:
    if _ASKS_WHEN.search(query.question):
        return "asks when as well: the records hold no dates, the prose does"
    if query.source == "areas" and query.metoder:
        return "areas asked together with a method: the areas table has no method"
    free = set(query.outcome_kinds) - _STRUCTURED_OUTCOMES
    if free and (query.count is None or query.source != "outcomes"):
        return f"free-text follow-up ({', '.join(sorted(free))}): records hold only part of it"
    if query.source == "outcomes" and not query.kommuner and query.count is None and not query.list_kommuner:
        return "open question about a measurement: records give the figures, prose the context"
    return ""
