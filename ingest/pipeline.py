"""The ingest run: incremental, idempotent, one bad file never damages the store.

One writer at a time (`ingest.lock`). For each file: hash it; skip it when the registered
version is the same; otherwise load, chunk and embed it and write the new chunks beside the old
ones. Records files are validated whole. Then every registry row and records file is written
in one transaction that moves the corpus generation (the one step readers see), the chunks no
registered version owns are deleted, and this host's lexical cache is built for the new corpus
(`ingest.transaction`). A run killed at any point leaves a state the next run repairs.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant.crashpoints import checkpoint
from assistant.errors import IngestError, MetodstodError
from assistant.index.documents import DocumentInfo, DocumentRegistry
from assistant.index.lexical import LexicalCache, embed_text
from assistant.index.manifest import DocumentMeta, metadata_for
from assistant.index.published import local_files
from assistant.index.vector_store import ChromaStore
from assistant.protocols import Embedder
from assistant.records.schema import record_title
from assistant.settings import Settings
from assistant.types import Chunk
from ingest.chunking import ChunkParams, Tagger, chunk_document
from ingest.files import walk
from ingest.loaders import DOCUMENT_SUFFIXES, RECORDS_SUFFIXES, load_document
from ingest.lock import writer_lock
from ingest.sentences import embed_rows, sentence_rows
from ingest.transaction import CorpusChanges, RecordsRows, sweep

RECORDS_PREFIX = "records:"
CHUNKER_VERSION = "9"  # bump when chunking or what is embedded (lexical.embed_text) changes
Status = Literal["added", "updated", "unchanged", "removed", "failed", "skipped"]


@dataclass
class FileResult:
    path: str
    status: Status
    doc_id: str = ""
    chunks: int = 0
    pages: int | None = None
    error: str = ""


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "skipped"]

    @property
    def nothing_ingested(self) -> bool:
        """No file was read: every one failed or was skipped, or there was none."""
        return not any(r.status in ("added", "updated", "unchanged", "removed") for r in self.results)

    @property
    def chunks(self) -> int:
        """Chunks written for added or updated documents."""
        return sum(r.chunks for r in self._written() if not r.doc_id.startswith(RECORDS_PREFIX))

    @property
    def rows(self) -> int:
        """Records rows loaded from added or updated records files."""
        return sum(r.chunks for r in self._written() if r.doc_id.startswith(RECORDS_PREFIX))

    def _written(self) -> list[FileResult]:
        return [r for r in self.results if r.status in ("added", "updated")]

    @property
    def pages(self) -> int:
        return sum(r.pages or 0 for r in self.results if r.status in ("added", "updated"))


@dataclass
class _Pending:
    path: Path
    info: DocumentInfo
    chunks: list[Chunk]
    status: Status


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (directories walked), plus failures for paths that do not exist and the
    files a walk skips because their type cannot be read (with why)."""
    files, missing, skipped = walk(paths)
    other = [FileResult(str(f), "skipped", error=why) for f, why in skipped]
    other += [FileResult(str(path), "failed", error="filen eller mappen finns inte") for path in missing]
    return files, other


class Ingestor:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: ChromaStore,
        registry: DocumentRegistry,
        records_store_factory: Callable[[], object] | None = None,
        tagger: Tagger | None = None,
        progress: Callable[[int, int], object] | None = None,
        kommuner: Collection[str] | None = None,
        notify: Callable[[str], object] | None = None,
    ) -> None:
        self.settings = settings
        self.kommuner = kommuner  # municipalities records may name (the vocabulary's); None: any
        self.embedder = embedder
        self.store = store
        self.registry = registry
        self._records_factory = records_store_factory
        self._records = None
        self.tagger = tagger
        self.progress = progress
        self.notify = notify  # told when the run waits for another writer
        self.changes = CorpusChanges(registry, lambda: self.records)
        self._registered: dict[str, DocumentInfo] = {}  # the registry as this run found it
        self.params = ChunkParams(
            settings.chunking.target_words, settings.chunking.max_words, settings.chunking.overlap_sentences
        )

    # -- public -----------------------------------------------------------------------------
    def run(self, paths: Sequence[Path], prune: bool = False, rebuild: bool = False) -> IngestReport:
        started = time.perf_counter()
        with self._writer():
            results = self._run(paths, prune, rebuild)
        return IngestReport(results, time.perf_counter() - started)

    def _writer(self):
        s = self.settings
        return writer_lock(s.records_url, s.store.ingest_lock_wait_seconds, self.notify)

    def _run(self, paths: Sequence[Path], prune: bool, rebuild: bool) -> list[FileResult]:
        self.changes = CorpusChanges(self.registry, lambda: self.records)
        self._registered = {d.doc_id: d for d in self.registry.all()}
        if rebuild:
            self.store.reset()
            for info in list(self._registered.values()):  # records are not in the vector index: they stay
                if info.kind == "document":
                    self.changes.remove(info)
                    del self._registered[info.doc_id]
        else:
            self.store.collection(create=True)  # fails early on an embedder mismatch
        files, results = expand_paths(paths)
        pending: list[_Pending] = []
        seen: dict[str, Path] = {}  # document id -> the file that claimed it in this run
        for path in files:
            try:
                if path.suffix.lower() in RECORDS_SUFFIXES:
                    results.append(self._ingest_records(path, seen))
                else:
                    item = self._prepare_document(path, seen)
                    if isinstance(item, FileResult):
                        results.append(item)
                    else:
                        pending.append(item)
            except MetodstodError as exc:
                results.append(FileResult(str(path), "failed", error=_reason(exc)))
        results.extend(self._write_documents(pending))
        if prune:
            failed = {str(Path(r.path).resolve()) for r in results if r.status == "failed"}
            results.extend(self._prune(paths, set(seen), failed))
        self._finish()
        return results

    def _finish(self) -> None:
        """Commit the run's changes, delete the chunks nobody sees, build this host's lexical cache."""
        self.changes.publish(local_files(self.settings.corpus_dir))  # the vocabulary it validated with
        self.changes.commit()
        sweep(self.store, self.registry)
        self.rebuild_lexical()

    def remove(self, doc_id: str) -> FileResult:
        with self._writer():
            info = self.registry.get(doc_id)
            if info is None:
                from assistant.errors import UnknownDocumentError

                known = ", ".join(d.doc_id for d in self.registry.all()) or "(none)"
                raise UnknownDocumentError(f"Inget dokument har id '{doc_id}'. Kända id: {known}")
            self.changes = CorpusChanges(self.registry, lambda: self.records)
            self._drop(info)
            self._finish()
        return FileResult(info.source_path, "removed", doc_id=doc_id)

    def rebuild_lexical(self) -> None:
        """This host's lexical index of the current corpus, built unless its cache has it."""
        LexicalCache(self.settings.lexical_path).ensure(self.registry.active_versions(), self.store.chunks)

    # -- documents --------------------------------------------------------------------------
    def _doc_hash(self, raw_hash: str, meta: DocumentMeta) -> str:
        """The version of a document: its bytes, its manifest entry and how it is indexed."""
        recipe = f"{raw_hash}|{meta.model_dump_json()}|{self.params}|{self.settings.embedder_id}|{CHUNKER_VERSION}"
        return hashlib.sha256(recipe.encode()).hexdigest()[:32]

    def _prepare_document(self, path: Path, seen: dict[str, Path]) -> _Pending | FileResult:
        meta = metadata_for(path)
        if path.suffix.lower() not in DOCUMENT_SUFFIXES:
            load_document(path)  # raises the unsupported-type error
        _claim(seen, meta.id, path)
        raw = path.read_bytes()
        doc_hash = self._doc_hash(hashlib.sha256(raw).hexdigest(), meta)
        existing = self._registered.get(meta.id)
        if existing and existing.doc_hash == doc_hash and self.store.count(meta.id, doc_hash) == existing.chunk_count:
            self._follow_move(existing, path)
            return FileResult(str(path), "unchanged", meta.id, existing.chunk_count, existing.pages)
        doc = load_document(path)
        chunks = chunk_document(doc, meta.id, meta.type, doc_hash, self.params, self.tagger)
        info = DocumentInfo(
            doc_id=meta.id,
            title=meta.title or doc.title,
            doc_type=meta.type,
            publisher=meta.publisher,
            year=meta.year,
            source_path=str(path.resolve()),
            doc_hash=doc_hash,
            chunk_count=len(chunks),
            pages=doc.pages,
            embedder=self.settings.embedder_id,
        )
        for chunk in chunks:
            chunk.title = info.title
        return _Pending(path, info, chunks, "updated" if existing else "added")

    def _follow_move(self, info: DocumentInfo, path: Path) -> None:
        """An unchanged file found at a new place: remember where it is (for --prune)."""
        source = str(path.resolve())
        if info.source_path != source:
            self.changes.put(info.model_copy(update={"source_path": source}))

    def _write_documents(self, pending: list[_Pending]) -> list[FileResult]:
        results = []
        total = sum(len(item.chunks) for item in pending)
        for item in pending:
            try:
                vectors = self._embed(item.chunks, total)
                self.store.add(item.chunks, vectors)
                self._index_sentences(item.chunks)
                checkpoint("document-written")
            except Exception as exc:  # any failure must leave the store as it was
                self.store.delete_stale(item.info.doc_id, keep_hash=self._active_hash(item.info.doc_id))
                reason = "could not index: " + " ".join(str(exc).split())
                results.append(FileResult(str(item.path), "failed", item.info.doc_id, error=reason))
                continue
            self.changes.put(item.info)  # readers see it when the run commits
            results.append(FileResult(str(item.path), item.status, item.info.doc_id, len(item.chunks), item.info.pages))
        return results

    def _active_hash(self, doc_id: str) -> str | None:
        info = self._registered.get(doc_id)
        return info.doc_hash if info else None

    def _embed(self, chunks: list[Chunk], total: int) -> list[list[float]]:
        """Vectors of `chunks`; `progress(done, total)` after each batch (total: all chunks of the run)."""
        vectors: list[list[float]] = []
        step = self.settings.embedding.batch_size
        for i in range(0, len(chunks), step):
            batch = chunks[i : i + step]
            vectors.extend(self.embedder.embed_documents([embed_text(c) for c in batch]))
            if self.progress:
                self.progress(len(batch), total)
        return vectors

    def _index_sentences(self, chunks: list[Chunk]) -> None:
        """The chunks' sentences in the sentence index (see `ingest.sentences`), unless switched off."""
        if self.settings.embedding.sentences:
            rows = sentence_rows(chunks)
            vectors = embed_rows(rows, self.embedder, self.settings.embedding.batch_size)
            self.store.add_sentences([r.id for r in rows], [r.text for r in rows], vectors, [r.metadata for r in rows])

    # -- records ----------------------------------------------------------------------------
    @property
    def records(self):  # the records store (assistant.records.store), made on first use
        if self._records is None:
            if self._records_factory is None:
                raise IngestError("records", "ingen registerdatabas är inställd")
            self._records = self._records_factory()
        return self._records

    def _ingest_records(self, path: Path, seen: dict[str, Path]) -> FileResult:
        from assistant.records.schema import RECORD_FILES, read_records_file

        if path.stem not in RECORD_FILES:
            known = ", ".join(f"{k}.csv" for k in sorted(RECORD_FILES))
            raise IngestError(path, f"okänd registerfil '{path.name}'; registerfilerna är: {known}")
        doc_id = f"{RECORDS_PREFIX}{path.stem}"
        _claim(seen, doc_id, path)
        doc_hash = hashlib.sha256(path.read_bytes()).hexdigest()[:32]
        existing = self._registered.get(doc_id)
        if existing and existing.doc_hash == doc_hash:
            self._follow_move(existing, path)
            return FileResult(str(path), "unchanged", doc_id, existing.chunk_count)
        rows = read_records_file(path, self.kommuner)  # validates every row before anything is written
        self.changes.put(
            DocumentInfo(
                doc_id=doc_id,
                title=record_title(path.stem),
                doc_type="aktivitetsregister",
                kind="records",
                source_path=str(path.resolve()),
                doc_hash=doc_hash,
                chunk_count=len(rows),
                embedder="",
            ),
            records=RecordsRows(path.stem, rows, str(path.name)),
        )
        return FileResult(str(path), "updated" if existing else "added", doc_id, len(rows))

    # -- pruning ----------------------------------------------------------------------------
    def _prune(self, paths: Sequence[Path], seen: set[str], failed: set[str]) -> list[FileResult]:
        """Drop documents whose files are gone; never one whose file just failed to ingest."""
        roots = [p.resolve() for p in paths if p.is_dir()]
        removed = []
        for info in self.registry.all():
            source = Path(info.source_path)
            under_root = any(source.is_relative_to(root) for root in roots)
            gone = info.doc_id not in seen and info.source_path not in failed
            if gone and (under_root or not source.exists()):
                self._drop(info)
                removed.append(FileResult(info.source_path, "removed", info.doc_id))
        return removed

    def _drop(self, info: DocumentInfo) -> None:
        """Remove a document at commit (its chunks go in the sweep after it)."""
        records = None
        if info.kind == "records":
            records = RecordsRows(info.doc_id.removeprefix(RECORDS_PREFIX), [], Path(info.source_path).name)
        self.changes.remove(info, records=records)


def _claim(seen: dict[str, Path], doc_id: str, path: Path) -> None:
    """Register that `path` provides `doc_id` in this run; two files cannot share an id."""
    other = seen.get(doc_id)
    if other is not None and other.resolve() != path.resolve():
        raise IngestError(
            path, f"document id '{doc_id}' is already used by {other}; give one of them another id in manifest.yaml"
        )
    seen[doc_id] = path


def _reason(exc: MetodstodError) -> str:
    """The error as one line (the CLI prints one line per failed file)."""
    text = exc.reason if isinstance(exc, IngestError) else str(exc)
    return " ".join(text.split())
