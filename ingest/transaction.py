"""What one ingest run changes, applied as one transaction, then the store tidied up.

The run first writes the new chunks beside the old ones (readers do not see them: their
version is not registered). `CorpusChanges.commit` then writes every registry row, every
records file's rows, every removal and the changed knowledge files (the vocabulary) in one
database transaction that also moves the corpus generation: readers move to the new corpus at
once, or, if the run dies first, never.
`sweep` finally deletes the chunks no registered version owns: the old versions, and whatever
an interrupted run left behind. It compares the chunk count with the registry's, so a run
that finds nothing to do still repairs what an earlier, killed, run left.

Crash points (`assistant.crashpoints`) mark the steps for the tests: "document-written",
"before-commit", "after-commit", "after-sweep" (and "lexical-saved" in the lexical cache).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.crashpoints import checkpoint
from assistant.index.documents import DocumentInfo, DocumentRegistry
from assistant.index.generation import bump_generation
from assistant.index.published import publish, published_files
from assistant.index.vector_store import ChromaStore

log = logging.getLogger("metodstod.ingest")


@dataclass
class RecordsRows:
    stem: str
    rows: Sequence[object]
    source_file: str


@dataclass
class _Change:
    info: DocumentInfo
    remove: bool = False
    records: RecordsRows | None = None


class CorpusChanges:
    """The registry rows, records rows and removals of one run (the last change of a document wins)."""

    def __init__(self, registry: DocumentRegistry, records: Callable[[], object]) -> None:
        self.registry = registry
        self._records = records  # the records store, made on first use
        self._changes: dict[str, _Change] = {}
        self._files: dict[str, str] = {}

    def publish(self, files: Mapping[str, str]) -> None:
        """Publish the corpus's knowledge files (`assistant.index.published`) with the run, those
        that differ from what is published."""
        current = published_files(self.registry.engine)
        self._files = {name: text for name, text in files.items() if current.get(name) != text}

    def put(self, info: DocumentInfo, records: RecordsRows | None = None) -> None:
        self._changes[info.doc_id] = _Change(info, records=records)

    def remove(self, info: DocumentInfo, records: RecordsRows | None = None) -> None:
        self._changes[info.doc_id] = _Change(info, remove=True, records=records)

    def __bool__(self) -> bool:
        return bool(self._changes or self._files)

    def commit(self) -> int | None:
        """Apply every change and move the generation, in one transaction; the new generation
        (None when there was nothing to change)."""
        if not self:
            return None
        records = self._records() if any(c.records for c in self._changes.values()) else None  # schema made first
        with self.registry.engine.begin() as conn:
            publish(conn, self._files)
            for change in self._changes.values():
                if change.records is not None:
                    r = change.records
                    records.replace_file(r.stem, r.rows, r.source_file, conn=conn)
                if change.remove:
                    self.registry.remove(change.info.doc_id, conn)
                else:
                    self.registry.put(change.info, conn)
            generation = bump_generation(conn)
            checkpoint("before-commit")
        self._changes.clear()
        self._files = {}
        checkpoint("after-commit")
        return generation


def sweep(store: ChromaStore, registry: DocumentRegistry) -> int:
    """Delete every chunk (and sentence) whose version is not the registered one (see the module
    docstring). Sentences go first: a sweep cut short leaves chunks, which the next one sees."""
    documents = [d for d in registry.all() if d.kind == "document"]
    registered = {d.doc_id: d.doc_hash for d in documents}
    expected = sum(d.chunk_count for d in documents)
    if not store.exists() or store.count() == expected:
        return 0
    for sentences in (True, False):
        versions = store.versions(sentences=sentences)
        stale = [i for i, (doc_id, doc_hash) in versions.items() if registered.get(doc_id) != doc_hash]
        store.delete_ids(stale, sentences=sentences)
        if stale:
            log.info(
                "deleted %d %s of versions no longer registered", len(stale), "sentences" if sentences else "chunks"
            )
    checkpoint("after-sweep")
    return len(stale)
