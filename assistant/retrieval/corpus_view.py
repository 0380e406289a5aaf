"""What retrieval may see: the active document versions, the lexical index and its term statistics.

Reloaded only when the corpus changes: the registry stamp and the index pointer are checked at
most every `index_check_seconds`, so a query costs nothing here. Results are restricted to the
registered (active) document versions, so a reader never mixes an old and a new version of a
document while ingest is switching them.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.index.lexical import POINTER, LexicalIndex, index_text
from assistant.language.sentences import heading_key, is_navigation
from assistant.language.terms import TermStats
from assistant.language.text import stems

SECTION_SEP = " > "

if TYPE_CHECKING:
    from assistant.index.documents import DocumentRegistry


class CorpusView:
    def __init__(
        self,
        registry: DocumentRegistry,
        lexical_path: Path,
        check_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self.lexical_path = lexical_path
        self.check_seconds = check_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._version: tuple[str, str] | None = None
        self._active: frozenset[str] = frozenset()
        self._lexical: LexicalIndex | None = None
        self._stats: TermStats | None = None
        self._headings: frozenset[str] = frozenset()
        self._navigation: frozenset[str] = frozenset()
        self._text = ""
        self._mentions: dict[str, bool] = {}

    def refresh(self, force: bool = False) -> None:
        """Reload the lexical index and active versions if the corpus changed (cheap check)."""
        now = self._clock()
        if not force and self._checked_at is not None and now - self._checked_at < self.check_seconds:
            return
        with self._lock:
            self._checked_at = now
            version = (self.registry.stamp(), self._pointer())
            if version == self._version and not force:
                return
            self._active = frozenset(self.registry.active_hashes())
            self._lexical = LexicalIndex.load(self.lexical_path)
            self._stats = None
            self._learn_structure()
            self._version = version

    def _learn_structure(self) -> None:
        """The documents' section headings, and the chunks that only list them (tables of contents)."""
        chunks = [c for c in (self._lexical.chunks if self._lexical else []) if c.doc_hash in self._active]
        self._headings = frozenset(heading_key(part) for c in chunks for part in c.section.split(SECTION_SEP) if part)
        self._navigation = frozenset(c.id for c in chunks if is_navigation(c.text, self._headings))
        self._text = "\n".join(c.text for c in chunks).casefold()
        self._mentions = {}

    def mentions(self, name: str) -> bool:
        """Whether the active documents mention `name` (a place, an organisation) as a word of its own."""
        self.refresh()
        key = name.casefold()
        if key not in self._mentions:
            self._mentions[key] = re.search(rf"(?<!\w){re.escape(key)}(?!\w)", self._text) is not None
        return self._mentions[key]

    def _pointer(self) -> str:
        try:
            return (self.lexical_path / POINTER).read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    @property
    def active(self) -> frozenset[str]:
        """Content hashes of the active document versions."""
        self.refresh()
        return self._active

    @property
    def headings(self) -> frozenset[str]:
        """Every section heading of the active documents (normalised with `heading_key`)."""
        self.refresh()
        return self._headings

    @property
    def navigation(self) -> frozenset[str]:
        """Ids of chunks that are tables of contents (see `is_navigation`)."""
        self.refresh()
        return self._navigation

    @property
    def lexical(self) -> LexicalIndex | None:
        self.refresh()
        return self._lexical

    @property
    def term_stats(self) -> TermStats | None:
        """Document frequencies of stems over the active chunks (for term weights)."""
        lexical = self.lexical
        if lexical is None:
            return None
        if self._stats is None:
            self._stats = TermStats(stems(index_text(c)) for c in lexical.chunks if c.doc_hash in self._active)
        return self._stats
