"""User feedback on answers (thumbs up/down and an optional comment), in the records database.

One row per rated answer: the question, the answer text, its citations, the route and the
settings that produced it, so a bad answer can be reproduced. `export` writes CSV or JSONL.
CSV cells are neutralised (`safe_cell`): staff open the export in a spreadsheet, and user text
must never be taken for a formula there.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, Text, select, update
from sqlalchemy.engine import Engine

from assistant.db import create_schema, make_engine
from assistant.errors import InputError
from assistant.language.text import strip_controls

Rating = Literal["up", "down"]
ExportFormat = Literal["csv", "jsonl"]
RATINGS: tuple[str, ...] = ("up", "down")
FORMATS: tuple[str, ...] = ("csv", "jsonl")
MAX_COMMENT_CHARS = 4000

metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", JSON, nullable=False),
    Column("route", String(20), nullable=False, default=""),
    Column("settings", JSON, nullable=False),
    Column("rating", String(10), nullable=True),  # "up" | "down"; NULL for a comment without a rating
    Column("comment", Text, nullable=True),
)


class FeedbackRow(BaseModel):
    id: int
    created_at: datetime
    question: str
    answer: str
    citations: list[dict[str, Any]] = Field(default_factory=list)
    route: str = ""
    settings: dict[str, Any] = Field(default_factory=dict)
    rating: Rating | None = None
    comment: str | None = None


def _check_rating(rating: str | None) -> str | None:
    if rating is not None and rating not in RATINGS:
        raise InputError(f"betyget ska vara ett av {', '.join(RATINGS)}, inte {rating!r}")
    return rating


def _clean_comment(comment: str | None) -> str | None:
    comment = strip_controls(comment or "").strip()
    return comment[:MAX_COMMENT_CHARS] or None


class FeedbackStore:
    """Feedback rows in any SQLAlchemy database (SQLite by default, next to the records)."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        create_schema(self.engine, metadata)

    def add(
        self,
        question: str,
        answer: str,
        citations: Sequence[dict[str, Any]] = (),
        route: str = "",
        settings: dict[str, Any] | None = None,
        rating: str | None = None,
        comment: str | None = None,
    ) -> int:
        """Store one piece of feedback; returns its id."""
        values = {
            "created_at": datetime.now(UTC),
            "question": question,
            "answer": answer,
            "citations": list(citations),
            "route": route,
            "settings": dict(settings or {}),
            "rating": _check_rating(rating),
            "comment": _clean_comment(comment),
        }
        with self.engine.begin() as conn:
            return int(conn.execute(feedback.insert().values(**values)).inserted_primary_key[0])

    def update(self, feedback_id: int, rating: str | None = None, comment: str | None = None) -> None:
        """Change the rating and/or the comment of a stored row (None leaves a field as is)."""
        values: dict[str, Any] = {}
        if rating is not None:
            values["rating"] = _check_rating(rating)
        if comment is not None:
            values["comment"] = _clean_comment(comment)
        if not values:
            return
        with self.engine.begin() as conn:
            done = conn.execute(update(feedback).where(feedback.c.id == feedback_id).values(**values))
        if done.rowcount == 0:
            raise InputError(f"ingen återkoppling har id {feedback_id}")

    def get(self, feedback_id: int) -> FeedbackRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(feedback).where(feedback.c.id == feedback_id)).mappings().first()
        return FeedbackRow(**row) if row else None

    def all(self) -> list[FeedbackRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(feedback).order_by(feedback.c.id)).mappings().all()
        return [FeedbackRow(**row) for row in rows]

    def export(self, path: Path | str, fmt: str = "csv") -> int:
        """Write every row to `path` as CSV or JSONL (UTF-8); returns the number of rows."""
        if fmt not in FORMATS:
            raise InputError(f"formatet ska vara ett av {', '.join(FORMATS)}, inte {fmt!r}")
        rows = [r.model_dump(mode="json") for r in self.all()]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "jsonl":
            _write_jsonl(path, rows)
        else:
            _write_csv(path, rows)
        return len(rows)


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """Nested fields (citations, settings) become JSON text in their cell."""
    columns = list(FeedbackRow.model_fields)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row.get(k)) for k in columns})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return safe_cell(json.dumps(value, ensure_ascii=False))
    return safe_cell(str(value))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text (OWASP's CSV-injection rule): a cell starting with
    =, +, -, @, tab or carriage return gets a leading apostrophe. Numbers are left as they are."""
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
