"""Sentences and table rows of lookup answers, in Swedish or English (row text stays Swedish).

Each ``render_*`` function takes a ``Selection`` and returns the answering sentence and
the table rows (dicts keyed like ``lookup_format.HEADERS``); every table row carries the
citation markers of the records it shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.records.formatting import UPPFOLJNING_LABELS, CitationBook, join_names, plural
from assistant.records.query import LookupQuery
from assistant.records.selection import Selection
from assistant.records.store import ActivityRow, AreaRow, MethodRow, MunicipalityRow, OutcomeRow
from assistant.records.vocabulary import Vocabulary

Rendered = tuple[str, list[dict[str, str]]]
FocusNames = Callable[[int | None], str]  # focus-area number -> "4 – Välfärdsbrottslighet"
_CLAUSE = re.compile(r"[^.;:()]+")
# "cirka 60 representanter", "ett femtiotal deltagare", "ett hundratal deltagare"
_PARTICIPANTS = re.compile(
    r"\b(?:(?:cirka|ca|omkring|drygt|knappt|över|totalt|ett|en)\s+)?"
    r"(?:\d+|\w+tal|tio|tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio|hundra)\s+"
    r"(?:\w+\s+)?(?:deltagare|representanter|personer|respondenter)\b",
    re.IGNORECASE,
)


def _t(language: str, sv: str, en: str) -> str:
    return en if language == "en" else sv


# Which filters each kind of answer applies (and so names in its sentence).
SCOPES: dict[str, tuple[str, ...]] = {
    "activities": ("kommuner", "omraden", "fokus", "metoder", "partner", "formats", "texts"),
    "areas": ("kommuner",),
    "outcomes": ("kommuner", "metoder"),
    "methods": ("kommuner", "fokus"),
    "municipalities": ("fokus",),
    "topic": (),
}


def scope(query: LookupQuery, vocabulary: Vocabulary, kind: str = "activities", skip: Sequence[str] = ()) -> str:
    """ "för Sigtuna inom fokusområde 4 (Välfärdsbrottslighet)" — the filters an answer applied
    (text terms in ``skip`` were not applied: an English word, a subtopic no row spells out)."""
    lang, parts, used = query.language, [], SCOPES.get(kind, SCOPES["activities"])
    metoder = [m for m in query.metoder if kind != "outcomes" or m != "CRM"]
    if query.kommuner and "kommuner" in used:
        parts.append(_t(lang, "för ", "for ") + join_names(query.kommuner, lang))
    if query.omraden and "omraden" in used:
        parts.append(_t(lang, "i ", "in ") + join_names(query.omraden, lang))
    if query.fokus and "fokus" in used:
        names = [f"{n} ({e.namn})" if (e := vocabulary.fokusomraden.get(n)) else str(n) for n in query.fokus]
        parts.append(_t(lang, "inom fokusområde ", "in focus area ") + join_names(names, lang))
    if metoder and "metoder" in used:
        parts.append(_t(lang, "med metoden ", "with the method ") + join_names(metoder, lang))
    if query.partner and "partner" in used:
        parts.append(_t(lang, "tillsammans med ", "together with ") + join_names(query.partner, lang))
    if query.formats and not query.texts and "formats" in used:
        parts.append(_t(lang, "i formatet ", "in the format ") + join_names(query.formats, lang))
    terms = [f"”{t.label}”" for t in query.texts if t.label not in skip]
    if terms and "texts" in used:
        parts.append(_t(lang, "som nämner ", "mentioning ") + join_names(terms, lang))
    if query.klass and kind == "areas":
        parts.append(
            _t(lang, f"klassade som {query.klass} {query.klass_year}", f"classed {query.klass} in {query.klass_year}")
        )
    return " ".join(parts)


def _with_scope(text: str, where: str) -> str:
    return f"{text} {where}".rstrip() if where else text


# -- activities --------------------------------------------------------------------------------
def activity_row(row: ActivityRow, book: CitationBook, focus: FocusNames) -> dict[str, str]:
    """A table row of an activity as users see it (curation notes stay in the data and in `lookup`)."""
    return {
        "kommun": row.kommun,
        "fokus": focus(row.fokusomrade),
        "aktivitet": row.aktivitet,
        "format": row.format,
        "partner": ", ".join(row.partner),
        "metod": ", ".join(row.metod),
        "antal": str(row.antal or ""),
        "tid": row.tid or "",
        "kalla": book.markers([row]),
    }


def render_activities(
    sel: Selection, query: LookupQuery, where: str, book: CitationBook, focus: FocusNames
) -> Rendered:
    rows: list[ActivityRow] = sel.rows
    lang, n = query.language, len(rows)
    many = plural(n, _t(lang, "aktivitet", "activity"), _t(lang, "aktiviteter", "activities"))
    where = _with_scope(where, _narrowed(sel, lang))
    if query.count == "occasions":
        sentence = _occasions(rows, lang, where)
    elif query.count == "participants":
        sentence = _participants(rows, lang, where, book)
    elif query.count:
        sentence = _with_scope(_t(lang, f"Materialet nämner {many}", f"The material lists {many}"), where)
        sentence += _t(lang, " (räknat som poster i aktivitetsregistret)", " (counted as records)")
        sentence += _unmentioned(sel, lang) + ":"
    else:
        sentence = _with_scope(_t(lang, f"Materialet nämner {many}", f"The material lists {many}"), where)
        sentence += _unmentioned(sel, lang) + ":"
    return sentence, [activity_row(r, book, focus) for r in rows]  # after the sentence: markers in reading order


def _narrowed(sel: Selection, lang: str) -> str:
    """ "som rör ”skolor”" when the rows were narrowed to the question's own words."""
    if not sel.narrowed_by:
        return ""
    words = join_names([f"”{w}”" for w in sel.narrowed_by], lang)
    return _t(lang, f"som rör {words}", f"about {words}")


def _unmentioned(sel: Selection, lang: str) -> str:
    if not sel.unmentioned:
        return ""
    words = join_names([f"”{w}”" for w in sel.unmentioned], lang)
    return _t(lang, f"; ingen av dem nämner {words} uttryckligen", f"; none of them mentions {words} explicitly")


def _occasions(rows: Sequence[ActivityRow], lang: str, where: str) -> str:
    stated = [r for r in rows if r.antal]
    total, n, k = sum(r.antal or 0 for r in stated), len(rows), len(stated)
    if not stated:
        return _with_scope(
            _t(lang, "Materialet anger inget antal tillfällen", "The material states no number of occasions"), where
        ) + _t(lang, f"; aktiviteterna ({n}) står nedan.", f"; the {n} activities are listed below.")
    if k == n:
        text = _with_scope(_t(lang, f"Totalt {total} tillfällen", f"In total {total} occasions"), where)
        text += _t(
            lang,
            f" (summan av angivet antal i {plural(n, 'aktivitet', 'aktiviteter')}).",
            f" (the sum of the stated counts of {plural(n, 'activity', 'activities')}).",
        )
    else:
        text = _with_scope(
            _t(lang, f"Materialet anger {total} tillfällen", f"The material states {total} occasions"), where
        )
        text += _t(
            lang,
            f" (summan av angivet antal för {k} av {n} aktiviteter; för {n - k} anges inget antal).",
            f" (the sum of the stated counts of {k} of {n} activities; {n - k} state no count).",
        )
    per_kommun: dict[str, int] = {}
    for r in stated:
        per_kommun[r.kommun] = per_kommun.get(r.kommun, 0) + (r.antal or 0)
    if len(per_kommun) > 1:
        text += _t(lang, " Per kommun: ", " Per municipality: ")
        text += ", ".join(f"{kommun} {count}" for kommun, count in per_kommun.items()) + "."
    return text


def _participants(rows: Sequence[ActivityRow], lang: str, where: str, book: CitationBook) -> str:
    found: dict[str, tuple[str, list[ActivityRow]]] = {}  # amount -> (clause, rows)
    for row in rows:
        for clause in _CLAUSE.findall(f"{row.kommentar or ''}. {row.quote}"):
            amount = _PARTICIPANTS.search(clause)
            if amount:
                key = " ".join(amount.group(0).lower().split())
                found.setdefault(key, (clause.strip(" ,"), []))[1].append(row)
    if not found:
        return (
            _with_scope(
                _t(lang, "Materialet anger inget antal deltagare", "The material states no number of participants"),
                where,
            )
            + "."
        )
    quoted = [f"”{clause}” {book.markers(cited)}" for clause, cited in found.values()]
    return (
        _t(lang, "Deltagare enligt materialet: ", "Participants according to the material: ") + "; ".join(quoted) + "."
    )


# -- municipalities as the answer ------------------------------------------------------------------
def render_groups(
    sel: Selection, query: LookupQuery, where: str, book: CitationBook, vocabulary: Vocabulary
) -> Rendered:
    lang, names = query.language, list(sel.groups)
    table = [
        {"kommun": kommun, "underlag": _evidence(rows, kommun, vocabulary), "kalla": book.markers(rows)}
        for kommun, rows in sel.groups.items()
    ]
    count = plural(len(names), _t(lang, "kommun", "municipality"), _t(lang, "kommuner", "municipalities"))
    used = [m for m in query.metoder if any(isinstance(r, MethodRow) for rows in sel.groups.values() for r in rows)]
    if used:
        lead = _t(
            lang,
            f"{count} använde metoden {join_names(used, lang)}",
            f"{count} used the method {join_names(used, lang)}",
        )
    elif sel.kind == "activities" and where:
        lead = _t(lang, f"{count} har aktiviteter {where}", f"{count} have activities {where}")
    elif sel.kind == "outcomes":
        kinds = join_names(list(dict.fromkeys(UPPFOLJNING_LABELS[r.uppfoljning][lang] for r in sel.rows)), lang)
        lead = _with_scope(_t(lang, f"Materialet nämner {count}", f"The material names {count}"), where)
        lead += f" ({kinds})" if kinds else ""
    else:
        lead = _t(lang, f"Materialet nämner {count}", f"The material names {count}")
    return f"{lead}: {join_names(names, lang)}.", table


def _evidence(rows: Sequence[object], kommun: str, vocabulary: Vocabulary, limit: int = 3) -> str:
    texts: list[str] = []
    for row in rows:
        if isinstance(row, ActivityRow):
            texts.append(row.aktivitet)
        elif isinstance(row, MethodRow):
            texts.append(_method_part(row, kommun, vocabulary))
        elif isinstance(row, OutcomeRow):
            texts.append(row.resultat)
        elif isinstance(row, MunicipalityRow):
            texts.append("Fokusområden: " + ", ".join(map(str, row.fokusomraden)))
    texts = list(dict.fromkeys(t for t in texts if t))
    more = f" (+{len(texts) - limit})" if len(texts) > limit else ""
    return " · ".join(texts[:limit]) + more


def _method_part(row: MethodRow, kommun: str, vocabulary: Vocabulary) -> str:
    """The part of the method's comment about ``kommun``, else its name."""
    for part in re.split(r"[;]", row.kommentar or ""):
        if any(m.kind == "kommun" and m.canonical == kommun for m in vocabulary.find(part)):
            return f"{row.metod}: {part.strip()}"
    return f"{row.metod} ({', '.join(row.anvandare)})"


# -- areas, outcomes, methods, municipalities -----------------------------------------------------------
def render_areas(sel: Selection, query: LookupQuery, where: str, book: CitationBook) -> Rendered:
    rows: list[AreaRow] = sel.rows
    lang = query.language
    table = [
        {
            "kommun": r.kommun,
            "omrade": r.omrade,
            "polisomrade": r.polisomrade or "",
            "klass_2021": r.klass_2021,
            "klass_2023": r.klass_2023,
            "kalla": book.markers([r]),
        }
        for r in rows
    ]
    named = [f"{r.omrade} ({_klass(r, lang)})" for r in rows]
    count = plural(len(rows), _t(lang, "område", "area"), _t(lang, "områden", "areas"))
    lead = _with_scope(_t(lang, f"Materialet anger {count}", f"The material names {count}"), where)
    return f"{lead}: {join_names(named, lang)}.", table


def _klass(row: AreaRow, lang: str) -> str:
    if row.klass_2021 == row.klass_2023:
        return _t(lang, f"{row.klass_2023} 2021 och 2023", f"{row.klass_2023} in 2021 and 2023")
    return _t(lang, f"{row.klass_2021} 2021, {row.klass_2023} 2023", f"{row.klass_2021} 2021, {row.klass_2023} 2023")


def render_outcomes(sel: Selection, query: LookupQuery, where: str, book: CitationBook) -> Rendered:
    rows: list[OutcomeRow] = sel.rows
    lang = query.language
    table = [
        {
            "kommun": r.kommun or _t(lang, "alla", "all"),
            "uppfoljning": UPPFOLJNING_LABELS[r.uppfoljning][lang],
            "resultat": r.resultat,
            "forklaring": r.forklaring or "",
            "varde": f"{r.varde} {r.enhet or ''}".strip() if r.varde is not None else "",
            "kalla": book.markers([r]),
        }
        for r in rows
    ]
    if len(rows) <= 3:
        said = " ".join(f"{r.resultat.rstrip('.')} {book.markers([r])}." for r in rows)
        return _t(lang, "Enligt materialet: ", "According to the material: ") + said, table
    return _outcome_lead(rows, lang, where) + ":", table


def _lower_first(label: str) -> str:
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def _outcome_lead(rows: Sequence[OutcomeRow], lang: str, where: str) -> str:
    """ "Materialet redovisar 6 uppgifter från uppföljande CRM-mätning om 5 kommuner": what was counted."""
    kinds = join_names(list(dict.fromkeys(_lower_first(UPPFOLJNING_LABELS[r.uppfoljning][lang]) for r in rows)), lang)
    kommuner = {r.kommun for r in rows if r.kommun}
    count = plural(len(rows), _t(lang, "uppgift", "item"), _t(lang, "uppgifter", "items"))
    about = ""
    if len(kommuner) > 1:
        about = _t(lang, f" om {len(kommuner)} kommuner", f" about {len(kommuner)} municipalities")
    lead = _t(lang, f"Materialet redovisar {count} från {kinds}", f"The material reports {count} from {kinds}")
    return _with_scope(lead + about, where)


def render_methods(sel: Selection, query: LookupQuery, where: str, book: CitationBook, focus: FocusNames) -> Rendered:
    rows: list[MethodRow] = sel.rows
    lang = query.language
    table = [
        {
            "metod": r.metod,
            "beskrivning": r.beskrivning,
            "fokus": focus(r.fokusomrade),
            "anvandare": ", ".join(r.anvandare),
            "kalla": book.markers([r]),
        }
        for r in rows
    ]
    count = plural(len(rows), _t(lang, "metod", "method"), _t(lang, "metoder", "methods"))
    lead = _with_scope(_t(lang, f"Materialet beskriver {count}", f"The material describes {count}"), where)
    return f"{lead}: {join_names([r.metod for r in rows], lang)}.", table


def render_municipalities(
    sel: Selection, query: LookupQuery, where: str, book: CitationBook, focus: FocusNames
) -> Rendered:
    rows: list[MunicipalityRow] = sel.rows
    lang = query.language
    table = [
        {
            "kommun": r.kommun,
            "fokusomraden": "; ".join(focus(f) for f in r.fokusomraden),
            "kalla": book.markers([r]),
        }
        for r in rows
    ]
    if query.kommuner and not query.list_kommuner:
        said = "; ".join(f"{r.kommun}: {join_names([focus(f) for f in r.fokusomraden], lang)}" for r in rows)
        return _t(
            lang, "Fokusområden enligt materialet: ", "Focus areas according to the material: "
        ) + said + ".", table
    count = plural(len(rows), _t(lang, "kommun", "municipality"), _t(lang, "kommuner", "municipalities"))
    lead = _with_scope(_t(lang, f"Materialet omfattar {count}", f"The material covers {count}"), where)
    return f"{lead}: {join_names([r.kommun for r in rows], lang)}.", table
