"""Evaluation items and loading of item lists (.yaml/.yml lists or .jsonl).

An item is a question (optionally with the earlier turns of the same conversation), the facts a
correct answer must contain, needles that a supporting passage contains, and whether the assistant
should answer at all; evaluators may add a kind (``paraphrase``, ``english``, ...), free tags and a
note. Every problem with a file is raised as :class:`DatasetError` naming the file, the item and
the reason (an unknown field by its name). Datasets that bring their own documents are read by
:mod:`evals.suite`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from assistant.errors import DatasetError

Route = Literal["rag", "lookup", "both"]
Role = Literal["user", "assistant"]

_YAML_SUFFIXES = (".yaml", ".yml")
_JSONL_SUFFIXES = (".jsonl",)
_KIND_NAMES: dict[type, str] = {dict: "a mapping", str: "a single value", int: "a number", float: "a number"}


class Turn(BaseModel):
    """One earlier turn of the conversation: what the user asked or what the assistant said."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    role: Role
    content: str = Field(min_length=1)


class EvalItem(BaseModel):
    """One gold question.

    ``history`` holds the earlier turns, written as strings (earlier questions) or as
    ``{"role", "content"}`` messages. ``facts`` is a list of groups; every group must be matched
    by at least one of its alternatives (case-insensitive substring of the answer). ``needle``
    holds verbatim phrases of which any one marks a supporting passage. ``kind`` says how the
    question is asked (reported separately), ``note`` what the evaluator wants a reader to know.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    history: list[Turn] = Field(default_factory=list)
    facts: list[list[str]] = Field(default_factory=list)
    needle: list[str] = Field(default_factory=list)
    answerable: bool = True
    route: Route | None = None
    kind: str | None = Field(default=None, min_length=1)
    tags: list[str] = Field(default_factory=list)
    note: str | None = None

    @property
    def earlier_questions(self) -> list[str]:
        """What the assistant is given of the history: the user's earlier questions, as the chat gives it."""
        return [turn.content for turn in self.history if turn.role == "user"]

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("needle", mode="before")
    @classmethod
    def _needle_as_list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return value

    @field_validator("history", "tags", mode="before")
    @classmethod
    def _none_as_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("history", mode="before")
    @classmethod
    def _strings_are_questions(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [{"role": "user", "content": turn} if isinstance(turn, str) else turn for turn in value]

    @field_validator("facts")
    @classmethod
    def _facts_not_blank(cls, value: list[list[str]]) -> list[list[str]]:
        for index, group in enumerate(value):
            if not group:
                raise ValueError(f"fact group {index} is empty")
            if any(not alt.strip() for alt in group):
                raise ValueError(f"fact group {index} contains a blank alternative")
        return value

    @field_validator("needle", "tags")
    @classmethod
    def _no_blank_strings(cls, value: list[str]) -> list[str]:
        if any(not text.strip() for text in value):
            raise ValueError("blank strings are not allowed")
        return value

    @model_validator(mode="after")
    def _facts_match_answerability(self) -> EvalItem:
        if self.answerable and not self.facts:
            raise ValueError("an answerable item needs at least one fact group")
        if not self.answerable and (self.facts or self.needle):
            raise ValueError("an item that must be declined cannot have facts or a needle")
        return self


def readable_validation_error(error: ValidationError) -> str:
    """Turn pydantic's error list into one line per problem, e.g. ``route: Input should be ...``."""
    lines: list[str] = []
    for detail in error.errors():
        location = ".".join(str(part) for part in detail["loc"])
        kind = detail["type"]
        if kind == "missing":
            message = "missing required field"
        elif kind == "extra_forbidden":
            message = "unknown field"
        else:
            message = str(detail["msg"]).removeprefix("Value error, ")
        lines.append(f"{location}: {message}" if location else message)
    return "; ".join(lines)


def _label(raw: Any, location: str) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str | int) and str(raw["id"]).strip():
        return f"item '{raw['id']}' ({location})"
    return f"item at {location}"


def parse_items(raw_items: Sequence[Any], locations: Sequence[str], source: str) -> list[EvalItem]:
    """Validate raw mappings into items; ``locations`` describes where each came from."""
    items: list[EvalItem] = []
    first_seen: dict[str, str] = {}
    for raw, location in zip(raw_items, locations, strict=True):
        label = _label(raw, location)
        if not isinstance(raw, dict):
            raise DatasetError(f"{source}: {label}: expected a mapping, got {type(raw).__name__}")
        try:
            item = EvalItem.model_validate(raw)
        except ValidationError as exc:
            raise DatasetError(f"{source}: {label}: {readable_validation_error(exc)}") from None
        if item.id in first_seen:
            raise DatasetError(f"{source}: {label}: duplicate id '{item.id}' (first at {first_seen[item.id]})")
        first_seen[item.id] = location
        items.append(item)
    return items


def parse_yaml(path: Path, text: str) -> tuple[Any, Any]:
    """The data of a YAML file and its node tree (for line numbers)."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DatasetError(f"{path}: invalid YAML{where}: {problem}") from None
    return data, root


def node_locations(node: Any, count: int) -> list[str]:
    """ "index i, line n" of the entries of a YAML sequence node (just the index without one)."""
    import yaml

    nodes = node.value if isinstance(node, yaml.SequenceNode) else []
    if len(nodes) != count:
        return [f"index {i}" for i in range(count)]
    return [f"index {i}, line {n.start_mark.line + 1}" for i, n in enumerate(nodes)]


def found_kind(data: Any) -> str:
    return "nothing (empty file)" if data is None else _KIND_NAMES.get(type(data), type(data).__name__)


def _read_yaml(path: Path, text: str) -> tuple[list[Any], list[str]]:
    data, root = parse_yaml(path, text)
    if not isinstance(data, list):
        raise DatasetError(f"{path}: the top level must be a list of items, found {found_kind(data)}")
    return data, node_locations(root, len(data))


def _read_jsonl(path: Path, text: str) -> tuple[list[Any], list[str]]:
    data: list[Any] = []
    locations: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}: line {number}: invalid JSON: {exc.msg}") from None
        locations.append(f"line {number}")
    return data, locations


def read_dataset_text(path: Path) -> str:
    """The text of a dataset file; DatasetError for an unsupported type, a missing or unreadable file."""
    suffix = path.suffix.lower()
    if suffix not in _YAML_SUFFIXES + _JSONL_SUFFIXES:
        raise DatasetError(f"{path}: unsupported dataset format '{suffix}' (use .yaml, .yml or .jsonl)")
    if not path.is_file():
        raise DatasetError(f"{path}: dataset file not found")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read dataset: {exc}") from None


def is_yaml(path: Path) -> bool:
    return path.suffix.lower() in _YAML_SUFFIXES


def load_dataset(path: Path) -> list[EvalItem]:
    """Load and validate a list of items; raises :class:`DatasetError` with file, item and reason."""
    path = Path(path)
    text = read_dataset_text(path)
    reader = _read_yaml if is_yaml(path) else _read_jsonl
    raw_items, locations = reader(path, text)
    return parse_items(raw_items, locations, str(path))
