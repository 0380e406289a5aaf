"""SQL store of the hand-extracted records (SQLAlchemy Core; SQLite or PostgreSQL).

One table per records file (``records_<stem>``), its columns generated from the row
model in ``assistant.records.schema``, plus ``source_file`` and ``row_no`` (file order).

List fields (``partner``, ``metod``, ``anvandare``, ``fokusomraden``) are stored twice:
as a ";"-joined string in the row's own column (to rebuild the row), and one row per
value in the link table ``records_list_values(stem, row_pk, field, value)``. Filters on
list fields are ``EXISTS`` sub-queries with exact equality on ``value``, so matching is
exact by canonical name and behaves the same on SQLite and PostgreSQL (no LIKE, no
collation differences). The free-text filter uses ``aktivitet_fold``, the activity text
lower-cased in Python, so it is case-insensitive for å, ä and ö on SQLite too.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    delete,
    exists,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from assistant.db import create_schema, lock_in_transaction, make_engine
from assistant.errors import InputError
from assistant.records.schema import (
    RECORD_FILES,
    ActivityRow,
    AreaRow,
    MethodRow,
    MunicipalityRow,
    OutcomeRow,
    RecordRow,
    join_list,
)

__all__ = [
    "ActivityRow",
    "AreaRow",
    "MethodRow",
    "MunicipalityRow",
    "OutcomeRow",
    "SqlRecordStore",
]

TABLE_PREFIX = "records_"
LINKS = "records_list_values"


def _field_kind(annotation: Any) -> str:
    """ "list", "int", "float" or "str" for a row-model field annotation."""
    if typing.get_origin(annotation) is list:
        return "list"
    args = set(typing.get_args(annotation)) if isinstance(annotation, types.UnionType) else {annotation}
    if float in args:
        return "float"
    if int in args:
        return "int"
    return "str"


def field_kinds(model: type[RecordRow]) -> dict[str, str]:
    return {name: _field_kind(f.annotation) for name, f in model.model_fields.items()}


_SQL_TYPES = {"int": Integer, "float": Float, "str": Text, "list": Text}


def _build_metadata() -> tuple[MetaData, dict[str, Table], Table]:
    metadata = MetaData()
    tables: dict[str, Table] = {}
    for stem, model in RECORD_FILES.items():
        columns = [
            Column("pk", Integer, primary_key=True, autoincrement=True),
            Column("source_file", Text, nullable=False, index=True),
            Column("row_no", Integer, nullable=False),
        ]
        for name, kind in field_kinds(model).items():
            columns.append(Column(name, _SQL_TYPES[kind]))
        if stem == "activities":
            columns.append(Column("aktivitet_fold", Text))
        tables[stem] = Table(TABLE_PREFIX + stem, metadata, *columns)
    links = Table(
        LINKS,
        metadata,
        Column("stem", Text, nullable=False),
        Column("row_pk", Integer, nullable=False, index=True),
        Column("field", Text, nullable=False),
        Column("value", Text, nullable=False),
    )
    return metadata, tables, links


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlRecordStore:
    """Records in any SQLAlchemy database, e.g. ``sqlite:///x.db`` or ``postgresql+psycopg://…``."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self._engine = engine
        self.metadata, self.tables, self.links = _build_metadata()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def create_schema(self) -> None:
        create_schema(self.engine, self.metadata)

    # -- writing ----------------------------------------------------------------------------
    def replace_file(
        self, stem: str, rows: Sequence[RecordRow], source_file: str, conn: Connection | None = None
    ) -> int:
        """Replace the rows that came from ``source_file`` with ``rows``, in one transaction (the
        caller's ``conn``, e.g. the ingest's, or one of its own). Replaces of one table take turns,
        so two at once leave one file's rows and no link rows without their row."""
        model = self._model(stem)
        bad = [type(r).__name__ for r in rows if not isinstance(r, model)]
        if bad:
            raise InputError(f"{stem}: väntade rader av typen {model.__name__}, fick {bad[0]}")
        if conn is None:
            with self.engine.begin() as own:
                return self.replace_file(stem, rows, source_file, own)
        table, kinds = self.tables[stem], field_kinds(model)
        lock_in_transaction(conn, f"metodstod:records:{stem}")
        conn.execute(delete(table).where(table.c.source_file == source_file))
        kept = select(table.c.pk)
        conn.execute(delete(self.links).where(self.links.c.stem == stem, self.links.c.row_pk.not_in(kept)))
        for row_no, row in enumerate(rows, start=1):
            self._insert(conn, stem, row, kinds, source_file, row_no)
        return len(rows)

    def _insert(
        self, conn: Connection, stem: str, row: RecordRow, kinds: dict[str, str], source: str, row_no: int
    ) -> None:
        values: dict[str, Any] = {"source_file": source, "row_no": row_no}
        for name, kind in kinds.items():
            value = getattr(row, name)
            values[name] = join_list(value) if kind == "list" else value
        if isinstance(row, ActivityRow):
            values["aktivitet_fold"] = row.aktivitet.lower()
        pk = conn.execute(insert(self.tables[stem]).values(**values)).inserted_primary_key[0]
        links = [
            {"stem": stem, "row_pk": pk, "field": name, "value": str(v)}
            for name, kind in kinds.items()
            if kind == "list"
            for v in getattr(row, name)
        ]
        if links:
            conn.execute(insert(self.links), links)

    # -- reading ----------------------------------------------------------------------------
    def _model(self, stem: str) -> type[RecordRow]:
        if stem not in RECORD_FILES:
            raise InputError(f"okänd registerfil '{stem}' (kända: {', '.join(RECORD_FILES)})")
        return RECORD_FILES[stem]

    def _has_value(self, stem: str, field: str, value: str) -> ColumnElement[bool]:
        table = self.tables[stem]
        return exists().where(
            self.links.c.stem == stem,
            self.links.c.row_pk == table.c.pk,
            self.links.c.field == field,
            self.links.c.value == str(value),
        )

    def _rows(self, stem: str, conditions: list[ColumnElement[bool]]) -> list[Any]:
        table, model = self.tables[stem], self._model(stem)
        names = list(model.model_fields)
        query = select(*(table.c[n] for n in names)).where(and_(True, *conditions))
        query = query.order_by(table.c.source_file, table.c.row_no)
        with self.engine.connect() as conn:
            result = conn.execute(query).mappings().all()
        return [model.model_validate({k: v for k, v in row.items() if v is not None}) for row in result]

    def _activity_conditions(
        self,
        kommun: str | None,
        fokusomrade: int | None,
        metod: str | None,
        partner: str | None,
        format: str | None,
        text: str | None,
    ) -> list[ColumnElement[bool]]:
        t = self.tables["activities"]
        conds: list[ColumnElement[bool]] = []
        if kommun is not None:
            conds.append(t.c.kommun == kommun)
        if fokusomrade is not None:
            conds.append(t.c.fokusomrade == int(fokusomrade))
        if format is not None:
            conds.append(t.c.format == format)
        if metod is not None:
            conds.append(self._has_value("activities", "metod", metod))
        if partner is not None:
            conds.append(self._has_value("activities", "partner", partner))
        if text:
            conds.append(t.c.aktivitet_fold.like(f"%{_like_escape(text.lower())}%", escape="\\"))
        return conds

    def activities(
        self,
        kommun: str | None = None,
        fokusomrade: int | None = None,
        metod: str | None = None,
        partner: str | None = None,
        format: str | None = None,
        text: str | None = None,
    ) -> list[ActivityRow]:
        """Activities matching every given filter (AND); ``text`` is a substring of the activity."""
        return self._rows("activities", self._activity_conditions(kommun, fokusomrade, metod, partner, format, text))

    def methods(self, name: str | None = None, used_by: str | None = None) -> list[MethodRow]:
        t = self.tables["methods"]
        conds: list[ColumnElement[bool]] = []
        if name is not None:
            conds.append(t.c.metod == name)
        if used_by is not None:
            conds.append(self._has_value("methods", "anvandare", used_by))
        return self._rows("methods", conds)

    def areas(self, kommun: str | None = None) -> list[AreaRow]:
        t = self.tables["areas"]
        return self._rows("areas", [t.c.kommun == kommun] if kommun is not None else [])

    def outcomes(
        self, kommun: str | None = None, uppfoljning: str | None = None, include_general: bool = False
    ) -> list[OutcomeRow]:
        """Outcomes; with ``include_general`` a kommun filter also keeps rows about all (kommun empty)."""
        t = self.tables["outcomes"]
        conds: list[ColumnElement[bool]] = []
        if kommun is not None:
            conds.append(((t.c.kommun == kommun) | t.c.kommun.is_(None)) if include_general else (t.c.kommun == kommun))
        if uppfoljning is not None:
            conds.append(t.c.uppfoljning == uppfoljning)
        return self._rows("outcomes", conds)

    def municipalities(self) -> list[MunicipalityRow]:
        return self._rows("municipalities", [])

    def distinct_values(self, field: str) -> list[str]:
        """Every stored value of ``field`` over all record tables that have it (for CLI checks)."""
        values: set[str] = set()
        found = False
        with self.engine.connect() as conn:
            for stem, model in RECORD_FILES.items():
                kind = field_kinds(model).get(field)
                if kind is None:
                    continue
                found = True
                if kind == "list":
                    lk = self.links.c
                    query = select(lk.value).where(lk.stem == stem, lk.field == field).distinct()
                else:
                    column = self.tables[stem].c[field]
                    query = select(column).where(column.is_not(None)).distinct()
                values.update(str(v) for v in conn.execute(query).scalars())
        if not found:
            raise InputError(f"okänt registerfält '{field}'")
        return sorted(values, key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v))
