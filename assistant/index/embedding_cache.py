"""A cache of document vectors around any embedder: a text embedded once is not embedded again.

Vectors are keyed by the SHA-256 of the text and the embedder's identity (name and version), so a
changed chunk, another embedder or another version of it never gets a stale vector. They are kept
in one SQLite file outside the data dir (:func:`cache_path`): throwaway indexes, such
as the one an eval builds for a dataset that brings its own documents, share it, and a second build
embeds only what changed. Vectors are stored as 64-bit floats, so a cached vector is exactly the
vector the embedder returned. Queries are not cached (they are embedded once per question anyway).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from array import array
from collections.abc import Iterable
from pathlib import Path

from assistant.errors import ConfigError
from assistant.protocols import Embedder
from assistant.settings import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    embedder TEXT NOT NULL,
    key TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder, key)
)
"""
_IN_CHUNK = 500  # keys per SELECT (SQLite limits the number of bound variables)


def cache_path(settings: Settings) -> Path:
    """The cache file: `embedding.cache_dir`, else $XDG_CACHE_HOME/metodstod (never inside data_dir)."""
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return (settings.embedding.cache_dir or cache_home / "metodstod") / "embeddings.sqlite3"


def text_key(text: str) -> str:
    """The content hash a text's vector is stored under."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pack(vector: list[float]) -> bytes:
    return array("d", vector).tobytes()


def _unpack(blob: bytes) -> list[float]:
    values = array("d")
    values.frombytes(blob)
    return values.tolist()


class VectorCache:
    """The SQLite file: vectors by (embedder identity, text key). Opened per call, so it is safe to
    share between processes (SQLite locks) and costs nothing until it is used."""

    def __init__(self, path: Path, identity: str) -> None:
        self.path = Path(path)
        self.identity = identity

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"the embedding cache {self.path} cannot be opened: {exc}") from None
        return conn

    def get_many(self, keys: Iterable[str]) -> dict[str, list[float]]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, list[float]] = {}
        if not wanted:
            return found
        conn = self._connect()
        try:
            for start in range(0, len(wanted), _IN_CHUNK):
                part = wanted[start : start + _IN_CHUNK]
                marks = ",".join("?" * len(part))
                rows = conn.execute(
                    f"SELECT key, vector FROM vectors WHERE embedder = ? AND key IN ({marks})",
                    [self.identity, *part],
                )
                found.update((key, _unpack(blob)) for key, blob in rows)
        finally:
            conn.close()
        return found

    def put_many(self, vectors: dict[str, list[float]]) -> None:
        if not vectors:
            return
        conn = self._connect()
        try:
            with conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO vectors (embedder, key, vector) VALUES (?, ?, ?)",
                    [(self.identity, key, _pack(vector)) for key, vector in vectors.items()],
                )
        finally:
            conn.close()

    def count(self) -> int:
        """Vectors stored for this embedder."""
        if not self.path.exists():
            return 0
        conn = self._connect()
        try:
            return int(conn.execute("SELECT COUNT(*) FROM vectors WHERE embedder = ?", [self.identity]).fetchone()[0])
        finally:
            conn.close()


class CachedEmbedder:
    """An `Embedder` that asks `inner` only for the texts the cache does not hold yet.

    `hits` and `misses` count the document texts served from the cache and embedded anew.
    """

    def __init__(self, inner: Embedder, cache: VectorCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [text_key(text) for text in texts]
        found = self.cache.get_many(keys)
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        if missing:
            vectors = self.inner.embed_documents(list(missing.values()))
            fresh = dict(zip(missing, vectors, strict=True))
            self.cache.put_many(fresh)
            found.update(fresh)
        self.misses += sum(key in missing for key in keys)
        self.hits += sum(key not in missing for key in keys)
        return [found[key] for key in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)
