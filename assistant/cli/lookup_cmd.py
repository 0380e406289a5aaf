"""`metodstod lookup`: the records filtered by municipality, focus area, method, partner, format.

Filter values go through the vocabulary, so aliases and inflections work ("Göteborg",
"välfärdsbrott", "crimeproofing"). An unknown value is an error that lists the valid
ones with a "did you mean" suggestion.
"""

from __future__ import annotations

import csv
import difflib
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer

from assistant.cli.common import app, settings_from
from assistant.errors import IndexMissingError, UsageError

if TYPE_CHECKING:
    from assistant.records.schema import RecordRow
    from assistant.records.vocabulary import EntityKind, Vocabulary

NO_RECORDS = "Inga register är inlästa ännu. Läs in dem först: kör `metodstod ingest corpus/`"
WHATS = ("activities", "methods", "areas", "outcomes", "municipalities")
OUTPUTS = ("table", "csv", "json")
# Which filters each --what accepts.
ACCEPTS: dict[str, tuple[str, ...]] = {
    "activities": ("kommun", "fokusomrade", "metod", "partner", "format", "text"),
    "methods": ("kommun", "fokusomrade", "metod"),
    "areas": ("kommun",),
    "outcomes": ("kommun", "uppfoljning"),
    "municipalities": ("kommun", "fokusomrade"),
}
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "activities": ("id", "kommun", "fokusomrade", "aktivitet", "format", "partner", "metod", "antal", "page"),
    "methods": ("metod", "fokusomrade", "anvandare", "beskrivning", "page"),
    "areas": ("kommun", "omrade", "polisomrade", "klass_2021", "klass_2023", "page"),
    "outcomes": ("id", "uppfoljning", "kommun", "resultat", "varde", "enhet", "page"),
    "municipalities": ("kommun", "fokusomraden", "kommentar", "page"),
}


# The table title of each --what.
TITLES = {"activities": "aktiviteter", "methods": "metoder", "areas": "områden", "outcomes": "uppföljningar"}
TITLES |= {"municipalities": "kommuner"}


class UnknownFilterValueError(UsageError):
    """A filter value that is not in the vocabulary; the message lists the valid values."""


def _choice(option: str, value: str, valid: Sequence[str]) -> str:
    if value in valid:
        return value
    raise UnknownFilterValueError(
        f"{option}: okänt värde '{value}'{_did_you_mean(value, valid)}. Giltiga: {', '.join(valid)}"
    )


def _did_you_mean(value: str, valid: Sequence[str]) -> str:
    lowered = {v.lower(): v for v in valid}
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.5)
    return f" (menade du '{lowered[close[0]]}'?)" if close else ""


def resolve(vocabulary: Vocabulary, kind: EntityKind, option: str, value: str, extra: str = "") -> str:
    """The canonical name of ``value`` (a name, alias or inflection), or a clean error."""
    canonical = vocabulary.resolve(kind, value)
    if canonical is not None:
        return canonical
    table = vocabulary.entries()[kind]
    valid = [f"{k} ({vocabulary.fokusomraden[int(k)].namn})" for k in table] if kind == "fokusomrade" else list(table)
    aliases = {a: k for k, names in table.items() for a in names}
    close = difflib.get_close_matches(value.lower(), list(aliases), n=1, cutoff=0.6)
    hint = f" (menade du '{aliases[close[0]]}'?)" if close else ""
    raise UnknownFilterValueError(f"{option}: okänt värde '{value}'{hint}.{extra} Giltiga: {'; '.join(valid)}")


def _resolve_kommun(vocabulary: Vocabulary, value: str, all_names: Sequence[str]) -> str:
    outside = vocabulary.unknown_municipalities(value, all_names)
    extra = f" {outside[0]} är inte en av kommunerna i materialet." if outside else ""
    return resolve(vocabulary, "kommun", "--kommun", value, extra)


def _resolve_focus(vocabulary: Vocabulary, value: str) -> int:
    if value.strip().isdigit() and int(value) in vocabulary.fokusomraden:
        return int(value)
    return int(resolve(vocabulary, "fokusomrade", "--fokusomrade", value))


@app.command("lookup")
def lookup(
    kommun: list[str] = typer.Option([], "--kommun", help="Municipality (repeatable; alias OK, e.g. Göteborg)."),
    fokusomrade: list[str] = typer.Option([], "--fokusomrade", help="Focus area 1–6 or its name (repeatable)."),
    metod: list[str] = typer.Option([], "--metod", help="Method, e.g. 'Crime proofing' (repeatable)."),
    partner: list[str] = typer.Option([], "--partner", help="Partner organisation, e.g. CVE (repeatable)."),
    format_typ: list[str] = typer.Option([], "--format-typ", help="Activity format, e.g. workshop (repeatable)."),
    text: str | None = typer.Option(None, "--text", help="Words the activity text contains."),
    uppfoljning: list[str] = typer.Option([], "--uppfoljning", help="Outcome kind, e.g. crm_uppfoljning, enkat."),
    what: str = typer.Option("activities", "--what", help="activities, methods, areas, outcomes, municipalities."),
    output: str = typer.Option("table", "--output", "-o", help="table, csv or json."),
) -> None:
    """Records matching the filters (values of one filter: either; different filters: all)."""
    _choice("--what", what, WHATS)
    _choice("--output", output, OUTPUTS)
    given = {
        "kommun": kommun,
        "fokusomrade": fokusomrade,
        "metod": metod,
        "partner": partner,
        "format": format_typ,
        "text": [text] if text else [],
        "uppfoljning": uppfoljning,
    }
    wrong = [name for name, values in given.items() if values and name not in ACCEPTS[what]]
    if wrong:
        names = ", ".join("--format-typ" if w == "format" else f"--{w}" for w in wrong)
        raise UsageError(f"{names} gäller inte --what {what} (den tar: {', '.join(ACCEPTS[what])})")
    settings = settings_from()
    rows = _select(settings, what, given)
    _print(rows, what, output, settings)


def _select(settings: Any, what: str, given: dict[str, list[str]]) -> list[RecordRow]:
    from assistant.records.cues import fold
    from assistant.records.query import LookupQuery, TextTerm
    from assistant.records.schema import UPPFOLJNINGAR
    from assistant.records.selection import RecordSelector
    from assistant.wiring import build_records, load_knowledge

    knowledge = load_knowledge(settings)
    vocabulary, all_names = knowledge.vocabulary, knowledge.municipalities
    if vocabulary is None:
        raise IndexMissingError(NO_RECORDS)
    query = LookupQuery(question="", source=what)  # type: ignore[arg-type]
    query.kommuner = [_resolve_kommun(vocabulary, v, all_names) for v in given["kommun"]]
    query.fokus = [_resolve_focus(vocabulary, v) for v in given["fokusomrade"]]
    query.metoder = [resolve(vocabulary, "metod", "--metod", v) for v in given["metod"]]
    query.partner = [resolve(vocabulary, "partner", "--partner", v) for v in given["partner"]]
    query.formats = [resolve(vocabulary, "format", "--format-typ", v) for v in given["format"]]
    query.texts = [TextTerm((fold(t),), ("aktivitet",), t) for t in given["text"]]
    kinds = [_choice("--uppfoljning", v, UPPFOLJNINGAR) for v in given["uppfoljning"]]
    store = build_records(settings)
    if not store.municipalities():
        raise IndexMissingError(NO_RECORDS)
    if what == "outcomes":
        return [
            r
            for k in query.kommuner or [None]
            for u in kinds or [None]
            for r in store.outcomes(kommun=k, uppfoljning=u)
        ]
    selector = RecordSelector(store, vocabulary)
    return getattr(selector, what)(query).rows


def _plain(value: object) -> object:
    return ";".join(map(str, value)) if isinstance(value, list) else value


def _print(rows: Sequence[RecordRow], what: str, output: str, settings: Any) -> None:
    if output == "json":
        from assistant.records.lookup import document_titles
        from assistant.wiring import load_knowledge

        title = document_titles(settings.records_url, load_knowledge(settings).manifest)
        data = [{**r.model_dump(), "title": title(r.doc_id)} for r in rows]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif output == "csv":
        from assistant.records.schema import RECORD_FILES

        fields = list(RECORD_FILES[what].model_fields)
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _plain(v) for k, v in row.model_dump().items()})
    else:
        _print_table(rows, what)


def _print_table(rows: Sequence[RecordRow], what: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{TITLES[what]} ({len(rows)})")
    columns = TABLE_COLUMNS[what]
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(str(_plain(getattr(row, c, "")) or "") for c in columns))
    Console(width=200).print(table)
    if not rows:
        typer.echo("Inga poster matchar filtren.", err=True)
