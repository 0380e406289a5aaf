"""A municipality's (or a focus area's) activities as a few cited lines.

When a records answer would list many activities ("Vilka aktiviteter genomförde Sigtuna?"),
the answer text groups them: one line per focus area (or per municipality, when the
question names a focus area and no municipality) with the number of activities and the
first activities of that group, each cited. Every row still goes with the answer as its
table (``Answer.table``), which the web app offers folded and the CLI prints after the text.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.records.formatting import CitationBook, join_names, plural
from assistant.records.query import LookupQuery
from assistant.records.render import FocusNames, Rendered, activity_row
from assistant.records.selection import Selection
from assistant.records.store import ActivityRow
from assistant.records.vocabulary import Vocabulary

OVERVIEW_MIN_ROWS = 9  # fewer rows read well as a table in the answer itself
KEY_ACTIVITIES = 2  # activities named per group
ACTIVITY_CHARS = 110  # a longer activity text is cut at a word boundary


def is_overview(sel: Selection, query: LookupQuery) -> bool:
    """A plain list of many activities in more than one group (not a count, not municipalities)."""
    if sel.kind != "activities" or query.count or query.list_kommuner or len(sel.rows) < OVERVIEW_MIN_ROWS:
        return False
    return len(_groups(sel.rows, _by(sel.rows, query))) > 1


def render_overview(
    sel: Selection, query: LookupQuery, where: str, book: CitationBook, vocabulary: Vocabulary, focus: FocusNames
) -> Rendered:
    rows: list[ActivityRow] = sel.rows
    lang, by = query.language, _by(rows, query)
    groups = _groups(rows, by)
    many = plural(len(rows), _t(lang, "aktivitet", "activity"), _t(lang, "aktiviteter", "activities"))
    if by == "fokus":
        spread = plural(len(groups), _t(lang, "fokusområde", "focus area"), _t(lang, "fokusområden", "focus areas"))
        within = _t(lang, f"inom {spread}", f"in {spread}")
    else:
        spread = plural(len(groups), _t(lang, "kommun", "municipality"), _t(lang, "kommuner", "municipalities"))
        within = _t(lang, f"i {spread}", f"in {spread}")
    lead = " ".join(p for p in (_t(lang, f"Materialet nämner {many}", f"The material lists {many}"), where) if p)
    lines = [f"{lead}, {within}:"]
    for key, members in groups.items():
        label = vocabulary.focus_label(int(key), short=False) if by == "fokus" else str(key)
        if by == "fokus":
            label = _t(lang, "Fokusområde ", "Focus area ") + label
        lines.append(f"- {label}: {_group_line(members, book, lang)}")
    return "\n".join(lines), [activity_row(r, book, focus) for r in rows]


def _by(rows: Sequence[ActivityRow], query: LookupQuery) -> str:
    """Group by focus area, unless the question is about focus areas across municipalities."""
    one_kommun = len({r.kommun for r in rows}) == 1
    return "kommun" if query.fokus and not query.kommuner and not one_kommun else "fokus"


def _groups(rows: Sequence[ActivityRow], by: str) -> dict[object, list[ActivityRow]]:
    groups: dict[object, list[ActivityRow]] = {}
    for row in rows:
        groups.setdefault(row.fokusomrade if by == "fokus" else row.kommun, []).append(row)
    if by == "fokus":
        return dict(sorted(groups.items(), key=lambda kv: kv[0] or 0))
    return groups


def _group_line(members: Sequence[ActivityRow], book: CitationBook, lang: str) -> str:
    """'3 aktiviteter, bland annat ”Fem stycken workshops …” [4] och ”Tryggare skola …” [5].'"""
    key = _key_activities(members)
    named = [f"”{_short(r.aktivitet)}” {book.markers([r])}" for r in key]  # the rows' own words, quoted
    count = plural(len(members), _t(lang, "aktivitet", "activity"), _t(lang, "aktiviteter", "activities"))
    if len(members) == len(key):
        return f"{count}: {join_names(named, lang)}."
    return f"{count}, {_t(lang, 'bland annat', 'among them')} {join_names(named, lang)}."


def _key_activities(members: Sequence[ActivityRow]) -> list[ActivityRow]:
    """The first activities of the appendix's own list (then those from the body text), in file order."""
    listed = [r for r in members if r.kalla == "bilaga2"]
    return [*listed, *[r for r in members if r not in listed]][:KEY_ACTIVITIES]


def _short(text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= ACTIVITY_CHARS:
        return text
    return text[: ACTIVITY_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _t(language: str, sv: str, en: str) -> str:
    return en if language == "en" else sv
