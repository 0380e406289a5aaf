"""The index a dataset is evaluated against, and what it held.

A dataset that brings documents gets an index of its own in a temporary data dir: the bundled
corpus (unless ``include_corpus: false``) plus its documents, ingested with the run's embedder and
settings, then removed. Nothing is written to the configured data dir, Chroma server or database.
With ``embedding.cache`` on, the vectors of unchanged chunks come from the embedding cache (outside
the data dir), so a second run embeds only what changed.

Either way the run records what was evaluated: the documents (path, sha256, id, chunks) and the
corpus generation (a hash of the registered versions of every corpus document and records file).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import DatasetError
from assistant.index.documents import DocumentInfo
from assistant.index.manifest import MANIFEST_NAME, metadata_for
from assistant.settings import Settings
from evals.suite import DocumentEntry, Suite

Echo = Callable[[str], None]


@dataclass
class Environment:
    """The settings a dataset's assistant is built from, a description of its index, and the
    folders whose manifests list its documents (what the baselines read)."""

    settings: Settings
    index: dict[str, Any]
    folders: list[Path] = field(default_factory=list)


def _echo_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generation(infos: list[DocumentInfo]) -> str:
    """A short hash of the registered versions: changes whenever any document or records file does."""
    stamp = "|".join(sorted(f"{d.doc_id}:{d.doc_hash}" for d in infos))
    return hashlib.sha256(stamp.encode()).hexdigest()[:16]


def production_index(settings: Settings) -> Environment:
    """The configured index, described (read only: the registry is only read)."""
    from assistant.wiring import build_registry

    infos = build_registry(settings).all()
    index = {
        "kind": "production",
        "data_dir": str(settings.data_dir),
        "corpus": {"included": True, "generation": generation(infos), "documents": [d.doc_id for d in infos]},
        "documents": [],
    }
    return Environment(settings, index, [settings.corpus_dir])


def isolated_settings(settings: Settings, data_dir: Path, include_corpus: bool, cache: bool) -> Settings:
    """The run's settings pointed at a throwaway data dir: embedded Chroma, SQLite, no production service."""
    update: dict[str, Any] = {
        "data_dir": data_dir,
        "store": {"chroma_server": None},
        "records": {"database_url": None},
        "embedding": {"cache": cache or settings.embedding.cache},
    }
    if not include_corpus:  # no vocabulary either: no records answers about a corpus that is not there
        update["corpus_dir"] = data_dir / "no-corpus"
    return settings.model_copy(update=update)


def stage_documents(documents: list[DocumentEntry], folder: Path) -> tuple[list[Path], list[dict[str, Any]]]:
    """Copy the documents into `folder` with a manifest holding their metadata (the dataset's fields
    over the document's own manifest entry); returns the copies and what the run records of each."""
    folder.mkdir(parents=True)
    entries, records, copies = [], [], []
    for number, doc in enumerate(documents, start=1):
        meta = metadata_for(doc.path)
        given = {k: v for k, v in doc.model_dump(exclude={"path"}).items() if v is not None}
        staged = f"{number:02d}-{doc.path.name}"
        shutil.copyfile(doc.path, folder / staged)
        copies.append(folder / staged)
        entry = meta.model_copy(update={**given, "file": staged})
        entries.append(entry.model_dump(exclude_none=True))
        sha = hashlib.sha256(doc.path.read_bytes()).hexdigest()
        records.append({"path": str(doc.path), "sha256": sha, "doc_id": entry.id})
    manifest = yaml.safe_dump({"documents": entries}, allow_unicode=True, sort_keys=False)
    (folder / MANIFEST_NAME).write_text(manifest, encoding="utf-8")
    return copies, records


class _Progress:
    """A tqdm bar over the chunks to embed, made when embedding starts (so it knows the total)."""

    def __init__(self, enabled: bool, label: str) -> None:
        self.enabled, self.label, self._bar = enabled, label, None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, desc=self.label, unit="avsnitt", disable=not self.enabled, file=sys.stderr, leave=False
            )
        self._bar.update(done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _describe(suite: Suite, settings: Settings) -> str:
    parts = [f"korpusen ({settings.corpus_dir})"] if suite.include_corpus else []
    parts.append(f"{len(suite.documents)} dokument ({', '.join(d.path.name for d in suite.documents)})")
    return " + ".join(parts)


def build_index(suite: Suite, settings: Settings, root: Path, progress: bool, echo: Echo) -> dict[str, Any]:
    """Ingest the corpus and the suite's documents into `settings` (a data dir under `root`)."""
    from ingest.pipeline import build_ingestor

    echo(f"Bygger ett tillfälligt index för '{suite.name}': {_describe(suite, settings)}")
    copies, documents = stage_documents(suite.documents, root / "documents")
    bar = _Progress(progress, "Bäddar in")
    clock = time.perf_counter()
    try:
        ingestor = build_ingestor(settings, progress=bar.update)
        # the copies one by one (not their folder), so a file ingest cannot read fails instead of being skipped
        report = ingestor.run(([settings.corpus_dir] if suite.include_corpus else []) + copies)
    finally:
        bar.close()
    if report.failed:
        originals = {str(copy.resolve()): doc.path for copy, doc in zip(copies, suite.documents, strict=True)}
        reasons = "; ".join(f"{originals.get(str(Path(r.path).resolve()), r.path)}: {r.error}" for r in report.failed)
        raise DatasetError(f"{suite.path}: the dataset's index could not be built: {reasons}")
    seconds = time.perf_counter() - clock
    hits, misses = getattr(ingestor.embedder, "hits", None), getattr(ingestor.embedder, "misses", None)
    cached = f", {hits} av {hits + misses} ur inbäddningscachen" if hits is not None and misses is not None else ""
    echo(f"Indexet klart på {seconds:.1f} s: {report.chunks} avsnitt{cached}.")
    infos = ingestor.registry.all()
    return _index_record(suite, settings, infos, documents, report.chunks, seconds, hits, misses)


def _index_record(
    suite: Suite,
    settings: Settings,
    infos: list[DocumentInfo],
    documents: list[dict[str, Any]],
    chunks: int,
    seconds: float,
    hits: int | None,
    misses: int | None,
) -> dict[str, Any]:
    brought = {d["doc_id"] for d in documents}
    by_id = {info.doc_id: info for info in infos}
    for record in documents:
        info = by_id[record["doc_id"]]
        record.update({"title": info.title, "chunks": info.chunk_count, "pages": info.pages})
    corpus = [info for info in infos if info.doc_id not in brought]
    return {
        "kind": "isolated",
        "corpus": {
            "included": suite.include_corpus,
            "dir": str(settings.corpus_dir) if suite.include_corpus else None,
            "generation": generation(corpus) if suite.include_corpus else None,
            "documents": [info.doc_id for info in corpus],
        },
        "documents": documents,
        "chunks": chunks,
        "seconds": round(seconds, 2),
        "embedding_cache": {"hits": hits, "misses": misses} if hits is not None else None,
    }


@contextmanager
def isolated_index(
    suite: Suite, settings: Settings, cache: bool = True, progress: bool = True, echo: Echo | None = None
) -> Iterator[Environment]:
    """An index of the suite's own in a temporary data dir, removed afterwards (also on failure)."""
    root = Path(tempfile.mkdtemp(prefix="metodstod-eval-"))
    try:
        scratch = isolated_settings(settings, root / "data", suite.include_corpus, cache)
        index = build_index(suite, scratch, root, progress, echo or _echo_stderr)
        folders = ([scratch.corpus_dir] if suite.include_corpus else []) + [root / "documents"]
        yield Environment(scratch, index, folders)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def environment_for(
    suite: Suite, settings: Settings, cache: bool = True, progress: bool = True, echo: Echo | None = None
) -> Iterator[Environment]:
    """Where `suite` is evaluated: its own index when it brings documents, else the configured one."""
    if suite.isolated:
        with isolated_index(suite, settings, cache, progress, echo) as env:
            yield env
    else:
        yield production_index(settings)
