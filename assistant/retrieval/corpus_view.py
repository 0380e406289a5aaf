"""What retrieval may see: the active document versions, the lexical index and its term statistics.

Reloaded only when the corpus changes: the registry stamp and the index pointer are checked at
most every `index_check_seconds`, so a query costs nothing here. Results are restricted to the
registered (active) document versions, so a reader never mixes an old and a new version of a
document while ingest is switching them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.index.lexical import POINTER, LexicalIndex, index_text
from assistant.language.terms import TermStats
from assistant.language.text import stems

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
            self._version = version

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
