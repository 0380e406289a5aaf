"""What retrieval may see: one consistent snapshot of the corpus, refreshed when it changes.

A `Snapshot` holds the active document versions, the lexical index built from their chunks
and what is learnt from them (term statistics, section headings, tables of contents, the text
for `mentions`), all of one corpus generation. `CorpusView.snapshot()` reads the generation
from the shared database (one tiny query) at most every `check_seconds` and builds a new
snapshot only when it moved: the active versions from the registry, the lexical index from
this host's cache (`LexicalCache`, by corpus key) or else from the active chunks in Chroma. A
new snapshot replaces the old one in one step; a request keeps the snapshot it started with.
While one request builds, the others go on with the current snapshot.

An index built while an ingest was deleting chunks can come out short: it is used, but not
cached, and built again at a check `RETRY_INCOMPLETE_S` later.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.index.generation import corpus_key
from assistant.index.lexical import LexicalCache, LexicalIndex, index_text
from assistant.language.self_names import learnt_self_names
from assistant.language.sentences import heading_key, is_navigation
from assistant.language.terms import TermStats
from assistant.language.text import stems
from assistant.retrieval.acronyms import spelled_out
from assistant.retrieval.outline import section_tree
from assistant.retrieval.parts import Part, labelled_sections
from assistant.types import SECTION_SEP

if TYPE_CHECKING:
    from assistant.index.documents import DocumentRegistry
    from assistant.index.vector_store import ChromaStore
    from assistant.types import Chunk

log = logging.getLogger("metodstod.retrieval")
RETRY_INCOMPLETE_S = 10.0


@dataclass
class Snapshot:
    generation: int
    key: str
    active: frozenset[str]  # content hashes of the active document versions
    lexical: LexicalIndex | None
    complete: bool = True  # the lexical index holds every chunk the registry counts
    _mentions: dict[tuple[str, str | None], bool] = field(default_factory=dict, repr=False)

    @cached_property
    def chunks(self) -> list[Chunk]:
        """The active chunks."""
        return [c for c in (self.lexical.chunks if self.lexical else []) if c.doc_hash in self.active]

    @cached_property
    def term_stats(self) -> TermStats | None:
        """Document frequencies of stems over the active chunks (for term weights)."""
        if self.lexical is None:
            return None
        return TermStats((stems(index_text(c)) for c in self.chunks), self.self_names)

    @cached_property
    def self_names(self) -> frozenset[str]:
        """What the active documents call themselves ("vägledningen")."""
        return frozenset(self.named_by)

    @cached_property
    def named_by(self) -> dict[str, frozenset[str]]:
        """Each name a document calls itself, learnt from its title (with the heading it opens with) and
        its text (`learnt_self_names`) → the ids of the documents that call themselves so."""
        first: dict[str, Chunk] = {}
        for c in self.chunks:
            if c.doc_id not in first or c.position < first[c.doc_id].position:
                first[c.doc_id] = c
        out: dict[str, set[str]] = {}
        for doc, c in first.items():
            for name in learnt_self_names(f"{c.title} {c.section}", self.texts[doc]):
                out.setdefault(name, set()).add(doc)
        return {name: frozenset(docs) for name, docs in out.items()}

    @cached_property
    def labelled(self) -> dict[str, list[Part]]:
        """Each label a section heading opens with ("6. Lärdomar": "6") → the sections it labels."""
        return labelled_sections(self.chunks)

    @cached_property
    def acronyms(self) -> dict[str, list[Chunk]]:
        """Each abbreviation the text spells out ("SSPF (skola, …)") → the chunks that do (`acronyms`)."""
        return spelled_out(self.chunks)

    @cached_property
    def titles(self) -> frozenset[str]:
        """The titles of the active documents."""
        return frozenset(c.title for c in self.chunks if c.title)

    @cached_property
    def headings(self) -> frozenset[str]:
        """Every section heading of the active documents (normalised with `heading_key`)."""
        return frozenset(heading_key(part) for c in self.chunks for part in c.section.split(SECTION_SEP) if part)

    @cached_property
    def navigation(self) -> frozenset[str]:
        """Ids of chunks that are tables of contents (see `is_navigation`)."""
        return frozenset(c.id for c in self.chunks if is_navigation(c.text, self.headings))

    @cached_property
    def sections(self) -> dict[tuple[str, str], list[Chunk]]:
        """Each section with sub-sections → the first chunk of each (see `outline.section_tree`)."""
        return section_tree(self.chunks)

    @cached_property
    def text(self) -> str:
        return "\n".join(c.text for c in self.chunks).casefold()

    @cached_property
    def texts(self) -> dict[str, str]:
        """Each active document's text (casefolded), by document id."""
        parts: dict[str, list[str]] = {}
        for c in self.chunks:
            parts.setdefault(c.doc_id, []).append(c.text)
        return {doc: "\n".join(texts).casefold() for doc, texts in parts.items()}

    def mentions(self, name: str, doc_id: str | None = None) -> bool:
        """Whether the active documents (or the one of `doc_id`) mention `name` (a place, an
        organisation) as a word of its own."""
        key = (name.casefold(), doc_id)
        if key not in self._mentions:
            text = self.text if doc_id is None else self.texts.get(doc_id, "")
            self._mentions[key] = re.search(rf"(?<!\w){re.escape(key[0])}(?!\w)", text) is not None
        return self._mentions[key]


class CorpusView:
    def __init__(
        self,
        registry: DocumentRegistry,
        store: ChromaStore,
        cache: LexicalCache,
        check_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self.store = store
        self.cache = cache
        self.check_seconds = check_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._built_at = 0.0
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The current snapshot, refreshed first if the corpus generation moved (see the module docstring)."""
        current = self._snapshot
        if current is not None and self._clock() - self._checked_at < self.check_seconds:
            return current
        if not self._lock.acquire(blocking=current is None):
            return current  # another request is refreshing: go on with what there is
        try:
            current = self._snapshot
            if current is not None and self._clock() - self._checked_at < self.check_seconds:
                return current  # refreshed while this request waited
            generation = self.registry.generation()
            if current is None or generation != current.generation or self._retry(current):
                self._snapshot = self._build(generation, current)
                self._built_at = self._clock()
            self._checked_at = self._clock()
            return self._snapshot
        finally:
            self._lock.release()

    def _retry(self, snapshot: Snapshot) -> bool:
        return not snapshot.complete and self._clock() - self._built_at >= RETRY_INCOMPLETE_S

    @property
    def current(self) -> Snapshot:
        """The snapshot in use, without a check (built on first use)."""
        return self._snapshot or self.snapshot()

    def _build(self, generation: int, previous: Snapshot | None) -> Snapshot:
        if previous is not None and self.store.embedded:
            self.store.refresh()  # another process wrote the embedded store: open it anew
        versions = self.registry.active_versions()
        key = corpus_key(versions)
        if previous is not None and previous.key == key and previous.complete:
            return replace(previous, generation=generation)
        if not versions:
            return Snapshot(generation, key, frozenset(), None)
        lexical, complete = self.cache.ensure(versions, self.store.chunks)
        if not complete:
            found, expected = len(lexical.chunks), sum(versions.values())
            log.warning("lexical index %s: %d of %d chunks found; built again later", key, found, expected)
        log.info("corpus generation %d (%s): %d chunks", generation, key, len(lexical.chunks))
        return Snapshot(generation, key, frozenset(versions), lexical, complete)

    # -- what retrieval reads (each a fresh look) -----------------------------------------------
    @property
    def active(self) -> frozenset[str]:
        return self.snapshot().active

    @property
    def lexical(self) -> LexicalIndex | None:
        return self.snapshot().lexical

    @property
    def term_stats(self) -> TermStats | None:
        return self.current.term_stats

    @property
    def headings(self) -> frozenset[str]:
        return self.snapshot().headings

    @property
    def navigation(self) -> frozenset[str]:
        return self.snapshot().navigation

    def mentions(self, name: str, doc_id: str | None = None) -> bool:
        return self.snapshot().mentions(name, doc_id)
