"""Presentation of lookup answers: citation numbering, Markdown tables, labels in two languages.

A record row is cited by its quote: rows that quote the same passage share a number, and
numbers run 1..n in order of first use, exactly as retrieval citations do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.records.schema import RecordRow
from assistant.types import Citation

Titles = Callable[[str], str]


class CitationBook:
    """Numbers record rows by their quote, in order of first use."""

    def __init__(self, titles: Titles) -> None:
        self._titles = titles
        self._numbers: dict[tuple[str, str, int, str], int] = {}
        self.citations: list[Citation] = []

    def cite(self, row: RecordRow) -> int:
        key = (row.doc_id, row.section, row.page, row.quote)
        if key not in self._numbers:
            n = len(self.citations) + 1
            self._numbers[key] = n
            self.citations.append(
                Citation(
                    n=n,
                    doc_id=row.doc_id,
                    title=self._titles(row.doc_id),
                    section=row.section,
                    page=row.page,
                    text=row.quote,
                    score=None,
                )
            )
        return self._numbers[key]

    def markers(self, rows: Sequence[RecordRow]) -> str:
        numbers = list(dict.fromkeys(self.cite(r) for r in rows))
        return "".join(f"[{n}]" for n in numbers)


# -- labels -----------------------------------------------------------------------------------
HEADERS: dict[str, dict[str, str]] = {
    "kommun": {"sv": "Kommun", "en": "Municipality"},
    "fokus": {"sv": "Fokusområde", "en": "Focus area"},
    "aktivitet": {"sv": "Aktivitet", "en": "Activity"},
    "format": {"sv": "Format", "en": "Format"},
    "partner": {"sv": "Partner", "en": "Partner"},
    "metod": {"sv": "Metod", "en": "Method"},
    "antal": {"sv": "Antal", "en": "Count"},
    "tid": {"sv": "Tid", "en": "When"},
    "kommentar": {"sv": "Kommentar", "en": "Note"},
    "underlag": {"sv": "Underlag", "en": "Evidence"},
    "omrade": {"sv": "Område", "en": "Area"},
    "polisomrade": {"sv": "Polisens område", "en": "Police area"},
    "klass_2021": {"sv": "Klass 2021", "en": "Class 2021"},
    "klass_2023": {"sv": "Klass 2023", "en": "Class 2023"},
    "uppfoljning": {"sv": "Uppföljning", "en": "Follow-up"},
    "resultat": {"sv": "Resultat", "en": "Result"},
    "forklaring": {"sv": "Förklaring", "en": "Explanation"},
    "varde": {"sv": "Värde", "en": "Value"},
    "beskrivning": {"sv": "Beskrivning", "en": "Description"},
    "anvandare": {"sv": "Användare", "en": "Used by"},
    "fokusomraden": {"sv": "Fokusområden", "en": "Focus areas"},
    "kalla": {"sv": "Källa", "en": "Source"},
}
UPPFOLJNING_LABELS: dict[str, dict[str, str]] = {
    "crm_forsta": {"sv": "Första CRM-mätningen", "en": "First CRM measurement"},
    "crm_uppfoljning": {"sv": "Uppföljande CRM-mätning", "en": "Follow-up CRM measurement"},
    "enkat": {"sv": "Uppföljande enkät", "en": "Follow-up survey"},
    "kvartalsrapport": {"sv": "Kvartalsrapport", "en": "Quarterly report"},
    "deltagarenkat": {"sv": "Deltagarenkät", "en": "Participant survey"},
    "kommunuppfoljning": {"sv": "Kommunens uppföljning", "en": "Municipality's follow-up"},
    "resultat": {"sv": "Resultat", "en": "Result"},
    "plan": {"sv": "Plan", "en": "Plan"},
    "hinder": {"sv": "Hinder", "en": "Obstacle"},
}


def header(key: str, language: str) -> str:
    return HEADERS.get(key, {}).get(language) or HEADERS.get(key, {}).get("sv") or key


def join_names(names: Sequence[str], language: str) -> str:
    """ "A, B och C" / "A, B and C"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    word = "and" if language == "en" else "och"
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# -- tables -----------------------------------------------------------------------------------
def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


# Columns kept out of the answer text (they stay in `Answer.table` and `metodstod lookup`):
# the register's own classification, which the cited passage does not say in words.
DETAIL_ONLY = frozenset({"format"})


def markdown_table(rows: Sequence[dict[str, str]], language: str) -> str:
    """A Markdown table of ``rows`` (dicts keyed by HEADERS keys); columns empty in every row are left out."""
    if not rows:
        return ""
    keys = [k for k in rows[0] if k == "kalla" or (k not in DETAIL_ONLY and any(_cell(r.get(k)) for r in rows))]
    lines = [
        "| " + " | ".join(header(k, language) for k in keys) + " |",
        "|" + "|".join("---" for _ in keys) + "|",
    ]
    lines.extend("| " + " | ".join(_cell(r.get(k)) for k in keys) + " |" for r in rows)
    return "\n".join(lines)


def public_table(rows: Sequence[dict[str, str]], language: str) -> list[dict[str, str]]:
    """The same rows for ``Answer.table``: headers as shown, empty columns kept out."""
    if not rows:
        return []
    keys = [k for k in rows[0] if k == "kalla" or any(_cell(r.get(k)) for r in rows)]
    return [{header(k, language): _cell(r.get(k)) for k in keys} for r in rows]
