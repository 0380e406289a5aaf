"""Row types of the hand-extracted records in ``corpus/records/*.csv``.

Each CSV is UTF-8, comma-separated, with a header row. Multi-valued cells hold values
separated by ";" and become ``list[str]`` (or ``list[int]``). Every row carries the
traceability fields ``doc_id``, ``section`` (Markdown heading path from ``##`` down,
joined with " > "), ``page`` and ``quote`` (a verbatim passage of the source document).

``read_records_file`` validates every row of a file and either returns all of them or
raises ``RecordsFileError`` naming the file and the 1-based line (header = line 1) of
the first bad row; the message lists every bad row found.

Extraction conventions of activities.csv (the rows are read by hand from the PM):

* One row per Bilaga 2 bullet (``kalla=bilaga2``); a focus area written as a paragraph
  that names a lecture and a workshop is split into those two rows (both quote the
  whole paragraph). ``kalla=brödtext`` rows only add what Bilaga 2 does not list.
* ``format``: conferences, seminars, lectures, courses, network days, information and
  training of programme leaders -> "kunskapshöjande insats"; workshops, dialogues,
  development meetings and supervision (handledning) -> "workshop"; new models,
  routines, documents, coordinators, structures and support to start new ways of
  working -> "nytt arbetssätt". A conference with a workshop part stays a conference.
* ``antal``: the number of occasions when the text gives it ("Fyra", "Sex", "En") or
  names one event in the singular; empty for courses, processes and "ett flertal".
* ``partner``: organisations that delivered or co-led the activity, as named in the
  item or tied to it by the body text; participants are left to ``kommentar``.
* ``kommentar``: the maintainers' note on the row (why it was read so, where it comes
  from). It stays in the data and in ``metodstod lookup --output csv|json`` but is never
  shown in an answer; "brödtext" in it says the body text tells more about the row, so a
  specific question about such rows gets the prose too (``RecordLookup.covers_topic``).
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from assistant.errors import RecordsFileError

DEFAULT_DOC_ID = "slutrapport-suo-2024"
LIST_SEPARATOR = ";"

# The municipalities a records file may name come from the vocabulary (corpus/records/vocabulary.yaml,
# see `read_records_file`), so that material about other municipalities needs data, not code.
FORMATS: tuple[str, ...] = ("kunskapshöjande insats", "workshop", "nytt arbetssätt")
KLASSER: tuple[str, ...] = ("särskilt utsatt område", "riskområde")
KNOWN_KOMMUNER = "kommuner"  # validation-context key: the municipalities rows may name


def _known_kommun(value: str, info: ValidationInfo) -> str:
    known = (info.context or {}).get(KNOWN_KOMMUNER)
    if known is not None and value not in known:
        raise ValueError(f"okänd kommun {value!r} (vocabulary.yaml har: {', '.join(sorted(known))})")
    return value


Kommun = Annotated[str, Field(min_length=1), AfterValidator(_known_kommun)]
Format = Literal["kunskapshöjande insats", "workshop", "nytt arbetssätt"]
Klass = Literal["särskilt utsatt område", "riskområde"]
Kalla = Literal["bilaga2", "brödtext"]
Uppfoljning = Literal[
    "crm_forsta",
    "crm_uppfoljning",
    "enkat",
    "kvartalsrapport",
    "deltagarenkat",
    "kommunuppfoljning",
    "resultat",
    "plan",
    "hinder",
]
KALLOR: tuple[str, ...] = get_args(Kalla)
UPPFOLJNINGAR: tuple[str, ...] = get_args(Uppfoljning)


def split_list(value: Any) -> Any:
    """Turn "a; b;;c" into ["a", "b", "c"]; lists pass through, empty -> []."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    return value


def join_list(values: list[str] | list[int]) -> str:
    """The CSV form of a list field."""
    return LIST_SEPARATOR.join(str(v) for v in values)


def empty_to_none(value: Any) -> Any:
    """Empty or blank cells mean "not stated"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


FocusArea = Annotated[int, Field(ge=1, le=6)]
StrList = Annotated[list[str], BeforeValidator(split_list)]
KommunList = Annotated[list[Kommun], BeforeValidator(split_list)]
FocusList = Annotated[list[FocusArea], BeforeValidator(split_list)]
OptStr = Annotated[str | None, BeforeValidator(empty_to_none)]


class RecordRow(BaseModel):
    """Fields every record row carries: where in which document it comes from."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    doc_id: str = DEFAULT_DOC_ID
    section: str = Field(min_length=1)
    page: int = Field(ge=1)
    quote: str = Field(min_length=1)

    @field_validator("doc_id", mode="before")
    @classmethod
    def _default_doc_id(cls, value: Any) -> Any:
        return DEFAULT_DOC_ID if value is None or (isinstance(value, str) and not value.strip()) else value

    @field_validator("section")
    @classmethod
    def _section_path(cls, value: str) -> str:
        if any(not part.strip() for part in value.split(" > ")):
            raise ValueError("avsnittsvägen har en tom rubrik")
        return value


class MunicipalityRow(RecordRow):
    kommun: Kommun
    fokusomraden: FocusList = Field(min_length=1)
    kommentar: OptStr = None


class AreaRow(RecordRow):
    kommun: Kommun
    omrade: str = Field(min_length=1)
    polisomrade: OptStr = None  # the area as the police names it, e.g. "Ronna/Geneta/Lina"
    klass_2021: Klass
    klass_2023: Klass


class ActivityRow(RecordRow):
    id: str = Field(pattern=r"^[a-z]{3}-[1-6]-[0-9]{2}[a-z]?$")
    kommun: Kommun
    fokusomrade: FocusArea
    aktivitet: str = Field(min_length=1)
    format: Format
    partner: StrList = []
    metod: StrList = []
    antal: Annotated[Annotated[int, Field(ge=1)] | None, BeforeValidator(empty_to_none)] = None
    tid: OptStr = None
    kalla: Kalla
    kommentar: OptStr = None

    @model_validator(mode="after")
    def _id_matches_row(self) -> ActivityRow:
        focus = self.id.split("-")[1]
        if focus != str(self.fokusomrade):
            raise ValueError(f"id {self.id!r} stämmer inte med fokusomrade (väntat xxx-{self.fokusomrade}-NN)")
        return self

    @property
    def prefix(self) -> str:
        """The municipality code of the id ("lkp" in "lkp-1-01"); one per municipality in a file."""
        return self.id.split("-")[0]


class MethodRow(RecordRow):
    metod: str = Field(min_length=1)
    beskrivning: str = Field(min_length=1)
    fokusomrade: Annotated[FocusArea | None, BeforeValidator(empty_to_none)] = None
    anvandare: KommunList = []
    kommentar: OptStr = None


class OutcomeRow(RecordRow):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    uppfoljning: Uppfoljning
    kommun: Annotated[Kommun | None, BeforeValidator(empty_to_none)] = None
    resultat: str = Field(min_length=1)
    forklaring: OptStr = None
    varde: Annotated[int | float | None, BeforeValidator(empty_to_none)] = None
    enhet: OptStr = None

    @field_validator("varde")
    @classmethod
    def _whole_numbers_as_int(cls, value: int | float | None) -> int | float | None:
        return int(value) if isinstance(value, float) and value.is_integer() else value


RECORD_FILES: dict[str, type[RecordRow]] = {
    "municipalities": MunicipalityRow,
    "areas": AreaRow,
    "activities": ActivityRow,
    "methods": MethodRow,
    "outcomes": OutcomeRow,
}
# How each records file is named to users (the Källor tab, `corpus list`).
RECORD_TITLES: dict[str, str] = {
    "activities": "Register: aktiviteter",
    "areas": "Register: områden",
    "methods": "Register: metoder",
    "outcomes": "Register: uppföljningar",
    "municipalities": "Register: kommuner",
}


def record_title(stem: str) -> str:
    return RECORD_TITLES.get(stem, f"Register: {stem}")


def model_for(path: Path) -> type[RecordRow]:
    """The row model of a records file, chosen by its file stem."""
    try:
        return RECORD_FILES[path.stem]
    except KeyError:
        known = ", ".join(sorted(RECORD_FILES))
        raise RecordsFileError(path, 1, f"okänd registerfil '{path.stem}' (kända: {known})") from None


def _describe(error: ValidationError) -> str:
    parts = []
    for err in error.errors():
        where = ".".join(str(p) for p in err["loc"]) or "raden"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def _check_header(path: Path, header: list[str] | None, model: type[RecordRow]) -> None:
    if not header:
        raise RecordsFileError(path, 1, "filen är tom (ingen rubrikrad)")
    fields = set(model.model_fields)
    unknown = [h for h in header if h not in fields]
    if unknown:
        raise RecordsFileError(path, 1, f"okända kolumner: {', '.join(unknown)}")
    required = [name for name, f in model.model_fields.items() if f.is_required()]
    missing = [name for name in required if name not in header]
    if missing:
        raise RecordsFileError(path, 1, f"kolumner saknas: {', '.join(missing)}")


def read_records_file(path: Path, kommuner: Collection[str] | None = None) -> list[RecordRow]:
    """Validate every row of ``path``; return them all or raise ``RecordsFileError``.

    ``kommuner``: the municipalities rows may name (the vocabulary's); None accepts any name.
    """
    path = Path(path)
    model = model_for(path)
    context = {KNOWN_KOMMUNER: frozenset(kommuner)} if kommuner is not None else {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows, errors = _read_rows(path, csv.DictReader(handle), model, context)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RecordsFileError(path, 1, f"filen kan inte läsas: {exc}") from exc
    if errors:
        first_line = errors[0][0]
        detail = " | ".join(f"rad {line}: {msg}" for line, msg in errors)
        raise RecordsFileError(path, first_line, f"{len(errors)} felaktiga rader: {detail}")
    return rows


def _read_rows(
    path: Path, reader: csv.DictReader, model: type[RecordRow], context: dict[str, Any]
) -> tuple[list[RecordRow], list[tuple[int, str]]]:
    _check_header(path, reader.fieldnames, model)
    rows: list[RecordRow] = []
    errors: list[tuple[int, str]] = []
    codes: dict[str, str] = {}  # activity id prefix -> the municipality that first used it
    line = reader.line_num  # physical line where the next record starts, minus one
    for raw in reader:
        start, line = line + 1, reader.line_num
        if None in raw or any(v is None for v in raw.values()):
            errors.append((start, "wrong number of cells"))
            continue
        if not any(v.strip() for v in raw.values()):
            continue  # blank line
        try:
            row = model.model_validate(raw, context=context)
        except ValidationError as exc:
            errors.append((start, _describe(exc)))
            continue
        clash = _code_clash(row, codes)
        if clash:
            errors.append((start, clash))
            continue
        rows.append(row)
    return rows, errors


def _code_clash(row: RecordRow, codes: dict[str, str]) -> str:
    """An activity id prefix names one municipality throughout a file ("lkp" is Linköping)."""
    if not isinstance(row, ActivityRow):
        return ""
    owner = codes.setdefault(row.prefix, row.kommun)
    if owner != row.kommun:
        return f"id: {row.id!r} uses the prefix of {owner} for {row.kommun}"
    return ""


def read_records_dir(directory: Path, kommuner: Collection[str] | None = None) -> dict[str, list[RecordRow]]:
    """Every known records file in ``directory``, by stem; all validated."""
    out: dict[str, list[RecordRow]] = {}
    for stem in RECORD_FILES:
        path = Path(directory) / f"{stem}.csv"
        if path.exists():
            out[stem] = read_records_file(path, kommuner)
    return out
