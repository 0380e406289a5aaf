"""Query filters: a Chroma `where` for the stored fields, chunk predicates for the tags."""

from __future__ import annotations

from collections.abc import Callable

from assistant.errors import InputError
from assistant.types import Chunk

STORE_FILTERS = ("doc_id", "doc_type")
TAG_FILTERS = {"kommun": "kommuner", "fokusomrade": "fokusomraden"}
Predicate = Callable[[Chunk], bool]


def _values(value: object) -> list[str]:
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    return [str(v) for v in items if v is not None and str(v).strip()]


def _tag_predicate(field: str, wanted: list[str]) -> Predicate:
    want = {w.strip().casefold() for w in wanted}

    def ok(chunk: Chunk) -> bool:
        have = {t.strip().casefold() for t in str(getattr(chunk, field, "")).split(";")}
        return bool(have & want)

    return ok


def parse_filters(filters: dict[str, object] | None) -> tuple[dict, list[Predicate]]:
    """Split filters into a Chroma `where` (doc_id, doc_type) and chunk predicates (all of them)."""
    where: dict = {}
    predicates: list[Predicate] = []
    for key, raw in (filters or {}).items():
        values = _values(raw)
        if not values:
            continue
        if key in STORE_FILTERS:
            where[key] = values[0] if len(values) == 1 else {"$in": values}
            predicates.append(lambda c, k=key, v=frozenset(values): getattr(c, k) in v)
        elif key in TAG_FILTERS:
            predicates.append(_tag_predicate(TAG_FILTERS[key], values))
        else:
            known = ", ".join([*STORE_FILTERS, *TAG_FILTERS])
            raise InputError(f"Okänt filter '{key}'. Kända filter: {known}")
    return where, predicates
