"""Which files an ingest reads: folders walked, supported types, each file once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assistant.index.manifest import MANIFEST_NAME
from ingest.loaders import DOCUMENT_SUFFIXES, RECORDS_SUFFIXES

RECORDS_DIR = "records"  # folder of records files (and their support files) inside a corpus
SUPPORTED = "PDF, Markdown, text och register-CSV"


def walk(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """Files to ingest (directories walked, each file once), the paths that do not exist, and the
    files a walk skips because their type cannot be read (with why)."""
    files: list[Path] = []
    missing: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob("*"))
            files.extend(f for f in found if _wanted(f, path))
            skipped.extend((f, _why_skipped(f)) for f in found if _unsupported(f, path))
        elif path.exists():
            files.append(path)
        else:
            missing.append(path)
    return _unique(files), missing, skipped


def _unsupported(file: Path, root: Path) -> bool:
    """A visible file outside `records/` that a walk leaves because its type cannot be read."""
    parts = file.relative_to(root).parts
    if not file.is_file() or any(part.startswith((".", "_")) for part in parts) or file.name == MANIFEST_NAME:
        return False
    if RECORDS_DIR in (p.lower() for p in (root.resolve().name, *parts[:-1])):
        return False  # the records folder's support files (vocabulary.yaml) are read by the records
    suffix = file.suffix.lower()
    return suffix not in DOCUMENT_SUFFIXES and suffix not in RECORDS_SUFFIXES


def _why_skipped(file: Path) -> str:
    kind = f"filtypen {file.suffix}" if file.suffix else "filer utan filändelse"
    return f"{kind} kan inte läsas in (det går: {SUPPORTED}; spara till exempel en .docx som PDF)"


def _wanted(file: Path, root: Path) -> bool:
    """Whether a folder walk ingests `file`: supported, not hidden, not the manifest, and in
    a `records/` folder only records files (the vocabulary's word lists are not documents)."""
    parts = file.relative_to(root).parts
    if not file.is_file() or any(part.startswith((".", "_")) for part in parts) or file.name == MANIFEST_NAME:
        return False
    suffix = file.suffix.lower()
    if RECORDS_DIR in (p.lower() for p in (root.resolve().name, *parts[:-1])):
        return suffix in RECORDS_SUFFIXES
    return suffix in DOCUMENT_SUFFIXES or suffix in RECORDS_SUFFIXES


def _unique(files: list[Path]) -> list[Path]:
    """Files in order, each once (a file named twice, or also inside a named folder)."""
    seen: set[Path] = set()
    out = []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            out.append(f)
    return out
