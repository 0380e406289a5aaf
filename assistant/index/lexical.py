"""Lexical (BM25) index over Swedish stems: a per-host cache of the shared vector store.

The index holds every active chunk (text and metadata) so that lexical hits, metadata
filters and neighbouring chunks need no round trip to Chroma. It is built from the active
chunks in Chroma and named by the corpus key of the active document versions
(`assistant.index.generation.corpus_key`): any host, any run, builds the same index for the
same key. `LexicalCache` keeps the built indexes in the data dir, one folder per key, each
written under a name of its own process and renamed into place, so processes sharing a data
dir never touch each other's files and a crash leaves at most an ignored temporary folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np

from assistant.crashpoints import checkpoint
from assistant.index.generation import corpus_key
from assistant.language.text import stems
from assistant.types import Chunk

CACHE_PREFIX = "index-"
# The tokenisation an index was built with is part of its folder's name: raise it when `stems`
# changes (t2: no hand-listed compound parts; t3: spoken stopwords; t4: topic-less adverbs), so no host reads
# an old index.
TOKENISATION = "t4"
TMP_PREFIX = ".tmp-"
KEEP_INDEXES = 3  # the newest few stay: a process that just read the key may still be loading it
TMP_MAX_AGE_S = 3600  # a temporary folder this old was left by a crashed process


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


class LexicalCache:
    """The lexical indexes this host has built, one folder per corpus key (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, key: str) -> Path:
        return self.root / f"{CACHE_PREFIX}{TOKENISATION}-{key}"

    def ensure(
        self, versions: Mapping[str, int], fetch: Callable[[Iterable[str]], list[Chunk]]
    ) -> tuple[LexicalIndex, bool]:
        """The index of the active `versions` (content hash -> chunk count): from this cache, or
        built from `fetch(hashes)` (the chunks in Chroma) and cached when it holds every chunk the
        registry counts. Also says whether it does (one built while chunks were deleted may not)."""
        key = corpus_key(versions)
        index = self.load(key)
        if index is not None:
            return index, True
        chunks = fetch(list(versions))
        index = LexicalIndex(chunks, key)
        whole = len(chunks) == sum(versions.values())
        if whole:
            self.save(index)
        return index, whole

    def load(self, key: str) -> LexicalIndex | None:
        """The index built for `key`, or None when this host has none (or only a damaged one)."""
        folder = self.folder(key)
        try:
            if (folder / "stamp").read_text(encoding="utf-8") != key:
                return None
            bm25s = _bm25s()
            with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
                chunks = [Chunk.model_validate_json(line) for line in fh if line.strip()]
            bm25 = bm25s.BM25.load(str(folder / "bm25"))
        except (OSError, ValueError):
            return None
        return LexicalIndex(chunks, key, bm25=bm25)

    def save(self, index: LexicalIndex) -> Path:
        """Write `index` under its key: to a folder of this process, then renamed into place."""
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.folder(index.stamp)
        tmp = self.root / f"{TMP_PREFIX}{index.stamp}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            index._bm25.save(str(tmp / "bm25"))
            with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
                for c in index.chunks:
                    fh.write(c.model_dump_json() + "\n")
            (tmp / "stamp").write_text(index.stamp, encoding="utf-8")  # written last: marks it whole
            checkpoint("lexical-saved")
            try:
                os.rename(tmp, target)
            except OSError:  # another process saved the same key first: the same index
                if self.load(index.stamp) is None:
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._prune(keep=target)
        return target

    def _prune(self, keep: Path) -> None:
        """Drop all but the newest indexes, and temporary folders of crashed processes."""
        now = time.time()
        for old in self.root.glob(f"{TMP_PREFIX}*"):
            if _age(old, now) > TMP_MAX_AGE_S:
                shutil.rmtree(old, ignore_errors=True)
        indexes = sorted(self.root.glob(f"{CACHE_PREFIX}*"), key=lambda p: _age(p, now))
        for old in indexes[KEEP_INDEXES:]:
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except OSError:
        return 0.0
