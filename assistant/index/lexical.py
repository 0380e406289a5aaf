"""Lexical (BM25) index over Swedish stems, persisted beside the vector store.

The index holds every active chunk (text and metadata) so that lexical hits, metadata
filters and neighbouring chunks need no round trip to Chroma. It is rebuilt by ingest when
the corpus changes and written atomically: a new folder, then the CURRENT pointer.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np

from assistant.language.text import stems
from assistant.types import Chunk

POINTER = "CURRENT"


def _bm25s() -> ModuleType:
    """bm25s, imported lazily; it sets its own logger to DEBUG on import, which we undo."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def embed_text(chunk: Chunk, heading_parts: int = 2) -> str:
    """What the dense embedder sees: the innermost headings and the text (each heading token
    costs embedding time on every chunk; the outer ones say little the inner ones do not)."""
    parts = chunk.section.split(" > ")[-heading_parts:] if chunk.section else []
    return "\n".join([" > ".join(parts), chunk.text]) if parts else chunk.text


def index_text(chunk: Chunk) -> str:
    """What both retrievers see of a chunk: its section path and its text."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


class LexicalIndex:
    def __init__(self, chunks: Sequence[Chunk], stamp: str, bm25=None) -> None:
        self.chunks = list(chunks)
        self.stamp = stamp
        self._by_id = {c.id: i for i, c in enumerate(self.chunks)}
        self._by_pos = {(c.doc_id, c.position): c for c in self.chunks}
        self._bm25 = bm25 if bm25 is not None else self._build(self.chunks)

    @staticmethod
    def _build(chunks: Sequence[Chunk]):
        bm25 = _bm25s().BM25()
        corpus = [stems(index_text(c)) or ["<empty>"] for c in chunks] or [["<empty>"]]
        bm25.index(corpus, show_progress=False)
        return bm25

    # -- persistence ------------------------------------------------------------------------
    def save(self, root: Path) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        name = "index-" + hashlib.sha256(self.stamp.encode()).hexdigest()[:16]
        target = root / name
        tmp = root / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        self._bm25.save(str(tmp / "bm25"))
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for c in self.chunks:
                fh.write(c.model_dump_json() + "\n")
        (tmp / "stamp").write_text(self.stamp, encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        pointer_tmp = root / f".{POINTER}.tmp"
        pointer_tmp.write_text(name, encoding="utf-8")
        os.replace(pointer_tmp, root / POINTER)
        for old in root.glob("index-*"):
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)
        return target

    @classmethod
    def load(cls, root: Path) -> LexicalIndex | None:
        pointer = root / POINTER
        if not pointer.exists():
            return None
        folder = root / pointer.read_text(encoding="utf-8").strip()
        try:
            bm25s = _bm25s()
            with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
                chunks = [Chunk.model_validate_json(line) for line in fh if line.strip()]
            stamp = (folder / "stamp").read_text(encoding="utf-8")
            bm25 = bm25s.BM25.load(str(folder / "bm25"))
        except FileNotFoundError:
            return None
        return cls(chunks, stamp, bm25=bm25)

    # -- reading ----------------------------------------------------------------------------
    def search(self, query: str, n: int, allowed: set[str] | None = None) -> list[tuple[Chunk, float]]:
        """Top `n` chunks by BM25 score (> 0), optionally only ids in `allowed`."""
        tokens = stems(query)
        if not tokens or not self.chunks:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=float)[: len(self.chunks)]
        if allowed is not None:
            mask = np.array([c.id in allowed for c in self.chunks])
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores)[:n]
        return [(self.chunks[i], float(scores[i])) for i in order if scores[i] > 0]

    def neighbour(self, chunk: Chunk, offset: int) -> Chunk | None:
        return self._by_pos.get((chunk.doc_id, chunk.position + offset))

    def get(self, chunk_id: str) -> Chunk | None:
        i = self._by_id.get(chunk_id)
        return self.chunks[i] if i is not None else None
