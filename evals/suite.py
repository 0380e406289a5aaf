"""Datasets as evaluators write them: a list of items, or a dataset that brings its own documents.

Three forms are read:

* a list of items (``.yaml``/``.yml``/``.jsonl``): evaluated against the ingested corpus;
* a mapping (``.yaml``/``.yml``) with ``items`` (a list, or the path of a list file), and optionally
  ``name``, ``description``, ``documents`` (paths relative to the file, or ``{path, id, title,
  publisher, year, type}``) and ``include_corpus`` (default true);
* a folder holding such a mapping as ``dataset.yaml``.

A dataset with documents (or without the corpus) is evaluated in an index of its own, built by
:mod:`evals.isolated`; the production data dir is never touched. Every problem is a
:class:`DatasetError` naming the file and the field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import DatasetError
from assistant.index.manifest import DocType
from evals.dataset import (
    EvalItem,
    found_kind,
    is_yaml,
    load_dataset,
    node_locations,
    parse_items,
    parse_yaml,
    read_dataset_text,
    readable_validation_error,
)

FOLDER_FILE = "dataset.yaml"


class DocumentEntry(BaseModel):
    """A document a dataset brings; the metadata fields override what its manifest (or name) gives."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    path: Path
    id: str | None = Field(default=None, min_length=1)
    title: str | None = Field(default=None, min_length=1)
    publisher: str | None = None
    year: int | None = None
    type: DocType | None = None


class DatasetSpec(BaseModel):
    """The mapping form of a dataset file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, pattern=r"^[^:\s]+$")
    description: str | None = None
    include_corpus: bool = True
    documents: list[DocumentEntry] = Field(default_factory=list)
    items: list[Any] | str

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> DatasetSpec:
        documents = raw.get("documents")
        if isinstance(documents, list):
            raw = {**raw, "documents": [{"path": d} if isinstance(d, str) else d for d in documents]}
        return cls.model_validate(raw)


@dataclass(frozen=True)
class Suite:
    """One dataset ready to run: its items and what index they are asked against."""

    name: str
    path: Path
    items: list[EvalItem]
    sha256: str
    documents: list[DocumentEntry] = field(default_factory=list)
    include_corpus: bool = True
    description: str | None = None

    @property
    def isolated(self) -> bool:
        """Evaluated in an index of its own (it brings documents or leaves the corpus out)."""
        return bool(self.documents) or not self.include_corpus

    def with_documents(self, paths: Sequence[Path]) -> Suite:
        """The suite with more documents (``--document``), each checked to exist."""
        extra = [DocumentEntry(path=_existing(Path(p), "--document")) for p in paths]
        return replace(self, documents=[*self.documents, *extra]) if extra else self


def _existing(path: Path, where: str) -> Path:
    if not path.is_file():
        raise DatasetError(f"{where}: document not found: {path}")
    return path


def _sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _items_node(root: Any) -> Any:
    """The YAML node of the ``items`` value of a mapping (for line numbers)."""
    for key, value in getattr(root, "value", []):
        if getattr(key, "value", None) == "items":
            return value
    return None


def _from_spec(path: Path, raw: dict[str, Any], root: Any, default_name: str) -> Suite:
    try:
        spec = DatasetSpec.from_raw(raw)
    except ValidationError as exc:
        raise DatasetError(f"{path}: {readable_validation_error(exc)}") from None
    base = path.parent
    if isinstance(spec.items, str):
        items_path = base / spec.items
        try:
            items = load_dataset(items_path)
        except DatasetError as exc:
            raise DatasetError(f"{path}: items: {exc}") from None
        sha = _sha256(path, items_path)
    else:
        items = parse_items(spec.items, node_locations(_items_node(root), len(spec.items)), str(path))
        sha = _sha256(path)
    if not items:
        raise DatasetError(f"{path}: items: the dataset has no items")
    documents = [
        doc.model_copy(update={"path": _existing(base / doc.path, f"{path}: documents")}) for doc in spec.documents
    ]
    if not spec.include_corpus and not documents:
        raise DatasetError(f"{path}: include_corpus is false, so the dataset must bring documents")
    return Suite(spec.name or default_name, path, items, sha, documents, spec.include_corpus, spec.description)


def load_suite(path: Path) -> Suite:
    """A dataset file or folder as a :class:`Suite`; raises :class:`DatasetError`."""
    path = Path(path)
    if path.is_dir():
        file = path / FOLDER_FILE
        if not file.is_file():
            raise DatasetError(f"{path}: a dataset folder needs a {FOLDER_FILE}")
        return _load_file(file, path.resolve().name)
    return _load_file(path, path.resolve().parent.name if path.name == FOLDER_FILE else path.stem)


def _load_file(path: Path, default_name: str) -> Suite:
    text = read_dataset_text(path)
    if not is_yaml(path):
        return Suite(default_name, path, load_dataset(path), _sha256(path))
    data, root = parse_yaml(path, text)
    if isinstance(data, dict):
        return _from_spec(path, data, root, default_name)
    if not isinstance(data, list):
        raise DatasetError(
            f"{path}: the top level must be a list of items or a mapping with 'items', found {found_kind(data)}"
        )
    return Suite(default_name, path, load_dataset(path), _sha256(path))


def load_suites(paths: Sequence[Path], documents: Sequence[Path] = ()) -> list[Suite]:
    """Every dataset, with the extra documents added to each; names made unique (``gold``, ``gold-2``)."""
    suites: list[Suite] = []
    taken: set[str] = set()
    for path in paths:
        suite = load_suite(path).with_documents(documents)
        name, number = suite.name, 2
        while name in taken:
            name, number = f"{suite.name}-{number}", number + 1
        taken.add(name)
        suites.append(replace(suite, name=name))
    return suites
