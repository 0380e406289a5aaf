"""The corpus manifest (`manifest.yaml`): metadata per document, found next to the files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ValidationError

from assistant.errors import IngestError

MANIFEST_NAME = "manifest.yaml"
DocType = Literal["pm", "metodstod", "rapport", "aktivitetsregister", "ovrigt"]


class DocumentMeta(BaseModel):
    id: str
    file: str
    title: str | None = None
    publisher: str = "Brå"
    year: int | None = None
    type: DocType = "metodstod"
    diarienummer: str | None = None
    source_url: str | None = None


class Manifest(BaseModel):
    documents: list[DocumentMeta] = []


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9åäö]+", "-", text.lower()).strip("-") or "dokument"


def find_manifest(path: Path) -> Path | None:
    for folder in [path.parent, *path.parent.parents]:
        candidate = folder / MANIFEST_NAME
        if candidate.exists():
            return candidate
    return None


def load_manifest(path: Path) -> Manifest:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Manifest.model_validate(data)
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise IngestError(path, f"ogiltigt manifest: {exc}") from exc


def metadata_for(path: Path) -> DocumentMeta:
    """Manifest entry for a file, or metadata derived from its name."""
    manifest_path = find_manifest(path.resolve())
    if manifest_path is not None:
        root = manifest_path.parent
        for entry in load_manifest(manifest_path).documents:
            if (root / entry.file).resolve() == path.resolve():
                return entry
    return DocumentMeta(id=slug(path.stem), file=path.name)
