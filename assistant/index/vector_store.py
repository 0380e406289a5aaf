"""The vector store: a Chroma collection, embedded on disk or on a Chroma server.

Chunk ids carry the document's content hash, so a changed document's new chunks can be
written beside the old ones and the switch happens in one step in the registry; readers
only see chunks whose `doc_hash` is the registered one (see `assistant.index.documents`).

Every call to a server is bounded by a timeout, and a server that cannot be reached is a
`SearchUnavailableError` (see `assistant.index.chroma_client`); the next call connects anew.
The embedded store is opened again when the corpus changed under it (`refresh`) or when a
read shows the client's copy is stale (an id it cannot find), and the read is tried once more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from assistant.errors import EmbedderMismatchError, IndexMissingError, MetodstodError
from assistant.index.chroma_client import EmbeddedSystems, connect_server, is_unreachable, unreachable
from assistant.settings import Settings
from assistant.types import Chunk

EMBEDDER_KEY = "embedder"
SENTENCES_SUFFIX = "-sentences"  # the collection of sentence vectors beside the chunk collection
T = TypeVar("T")
_EMBEDDED = EmbeddedSystems()


class StaleReadError(Exception):
    """An embedded read returned ids without their records: the client's copy is out of date."""


class ChromaStore:
    def __init__(self, settings: Settings, timeout: float | None = None) -> None:
        self.settings = settings
        self.timeout = settings.store.chroma_timeout_seconds if timeout is None else timeout
        self._client = None
        self._collection = None
        self._sentences = None
        self._lock = threading.Lock()

    # -- connection -------------------------------------------------------------------------
    @property
    def embedded(self) -> bool:
        return not self.settings.store.chroma_server

    @property
    def client(self):
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    server = self.settings.store.chroma_server
                    self._client = (
                        connect_server(server, self.timeout) if server else _EMBEDDED.open(self.settings.chroma_path)
                    )
                client = self._client
        return client

    def refresh(self) -> None:
        """Drop the client (and its copy of the collections): the next call opens it anew.
        For the embedded store after another process wrote it; for a server after a failure."""
        with self._lock:
            client, self._client, self._collection, self._sentences = self._client, None, None, None
        if client is not None and self.embedded:
            _EMBEDDED.retire(client)

    def _call(self, action: Callable[[], T]) -> T:
        """Run a Chroma call: an unreachable server becomes a clear error; a stale embedded
        client is opened again and the call tried once more."""
        for attempt in (1, 2):
            try:
                return action()
            except MetodstodError:
                raise
            except Exception as exc:
                if not self.embedded and is_unreachable(exc):
                    self.refresh()
                    raise unreachable(exc) from exc
                if not self.embedded or attempt == 2:
                    raise
                self.refresh()
        raise AssertionError("unreachable")  # pragma: no cover

    @property
    def location(self) -> str:
        return self.settings.store.chroma_server or str(self.settings.chroma_path)

    def exists(self) -> bool:
        return self._call(lambda: self.settings.store.collection in {c.name for c in self.client.list_collections()})

    def collection(self, create: bool = False):
        """The collection, checked against the configured embedder."""
        collection = self._collection
        if collection is None:
            collection = self._call(lambda: self._open_collection(create))
            self._collection = collection
        built_with = (collection.metadata or {}).get(EMBEDDER_KEY)
        if built_with != self.settings.embedder_id:
            raise EmbedderMismatchError(
                f"Indexet byggdes med inbäddaren '{built_with}' men '{self.settings.embedder_id}' är "
                "inställd. Använd samma inbäddare, eller bygg om: metodstod ingest --rebuild corpus/"
            )
        return collection

    def _open_collection(self, create: bool):
        name = self.settings.store.collection
        if name in {c.name for c in self.client.list_collections()}:
            return self.client.get_collection(name, embedding_function=None)
        if not create:
            raise IndexMissingError(f"Inget index finns i {self.location}. Bygg det med: metodstod ingest corpus/")
        return self.client.get_or_create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={EMBEDDER_KEY: self.settings.embedder_id},
        )

    def reset(self) -> None:
        """Drop the collections (for --rebuild)."""
        names = self._call(lambda: {c.name for c in self.client.list_collections()})
        for name in (self.settings.store.collection, self._sentences_name):
            if name in names:
                self._call(lambda name=name: self.client.delete_collection(name))
        self._collection = None
        self._sentences = None

    @property
    def _sentences_name(self) -> str:
        return self.settings.store.collection + SENTENCES_SUFFIX

    def sentences(self):
        """The sentence collection (vectors of the chunks' sentences, for sentence-level evidence)."""
        collection = self._sentences
        if collection is None:
            collection = self._call(
                lambda: self.client.get_or_create_collection(
                    self._sentences_name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={EMBEDDER_KEY: self.settings.embedder_id},
                )
            )
            self._sentences = collection
        return collection

    def _read(self, action: Callable[[Any], T], sentences: bool = False) -> T:
        """A read of the (chunk or sentence) collection, with the stale-client retry of `_call`."""
        return self._call(lambda: action(self.sentences() if sentences else self.collection()))

    # -- writing ----------------------------------------------------------------------------
    def _batch_size(self) -> int:
        """Our configured batch size, never above what the Chroma server accepts."""
        return min(self.settings.store.chroma_max_batch, self._call(lambda: self.client.get_max_batch_size()))

    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        self.collection(create=True)
        step = self._batch_size()
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            self._read(
                lambda col, part=part, i=i: col.upsert(
                    ids=[c.id for c in part],
                    embeddings=[list(v) for v in vectors[i : i + step]],
                    documents=[c.text for c in part],
                    metadatas=[c.metadata() for c in part],
                )
            )

    def add_sentences(
        self, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]], metadatas: Sequence[dict]
    ) -> None:
        step = self._batch_size()
        for i in range(0, len(ids), step):
            self._read(
                lambda col, i=i: col.upsert(
                    ids=list(ids[i : i + step]),
                    embeddings=[list(v) for v in vectors[i : i + step]],
                    documents=list(texts[i : i + step]),
                    metadatas=list(metadatas[i : i + step]),
                ),
                sentences=True,
            )

    def delete_stale(self, doc_id: str, keep_hash: str | None) -> int:
        """Delete a document's chunks (and their sentences) except those of `keep_hash` (None: delete all)."""
        if not self.exists():
            return 0
        where: dict = {"doc_id": doc_id}
        if keep_hash is not None:
            where = {"$and": [{"doc_id": doc_id}, {"doc_hash": {"$ne": keep_hash}}]}
        sentence_ids = self._read(lambda c: c.get(where=where, include=[])["ids"], sentences=True)
        self.delete_ids(sentence_ids, sentences=True)
        ids = self._read(lambda c: c.get(where=where, include=[])["ids"])
        self.delete_ids(ids)
        return len(ids)

    def delete_ids(self, ids: Sequence[str], sentences: bool = False) -> None:
        step = self._batch_size()
        for i in range(0, len(ids), step):
            self._read(lambda c, i=i: c.delete(ids=list(ids[i : i + step])), sentences)

    def versions(self, sentences: bool = False) -> dict[str, tuple[str, str]]:
        """Every chunk (or sentence) id with its (doc_id, doc_hash): what a repair compares with the registry."""
        if not self.exists():
            return {}
        found: dict[str, tuple[str, str]] = {}
        for got in self._pages(None, ["metadatas"], sentences):
            pairs = zip(got["ids"], got["metadatas"], strict=True)
            found.update({i: (str(m.get("doc_id")), str(m.get("doc_hash"))) for i, m in pairs})
        return found

    def count_sentences(self) -> int:
        return self._read(lambda c: c.count(), sentences=True) if self.exists() else 0

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> list[tuple[str, list[float]]]:
        """(sentence text, vector) of the given chunks' sentences; empty when none are indexed."""
        if not chunk_ids:
            return []

        def run(collection) -> dict:
            got = collection.get(where={"chunk_id": {"$in": list(chunk_ids)}}, include=["documents", "embeddings"])
            _check_whole(got["documents"], [{}] * len(got["documents"]))
            return got

        got = self._read(run, sentences=True)
        return list(zip(got["documents"], got["embeddings"], strict=True))

    # -- reading ----------------------------------------------------------------------------
    def sentence_vectors_of(self, active_hashes: Iterable[str]) -> tuple[list[str], list[list[float]]]:
        """Every sentence vector of the active document versions with its chunk id, in id order
        (for an exact search: the approximate index does not return the same neighbours every time)."""
        hashes = sorted(set(active_hashes))
        if not hashes or not self.exists():
            return [], []
        rows: list[tuple[str, str, list[float]]] = []
        for got in self._pages({"doc_hash": {"$in": hashes}}, ["metadatas", "embeddings"], sentences=True):
            rows += [
                (i, str(m.get("chunk_id")), list(v))
                for i, m, v in zip(got["ids"], got["metadatas"], got["embeddings"], strict=True)
            ]
        rows.sort(key=lambda row: row[0])
        return [chunk for _, chunk, _ in rows], [vector for _, _, vector in rows]

    def query(
        self, vector: Sequence[float], n: int, active_hashes: Iterable[str], where: dict | None = None
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks as (chunk, cosine similarity), restricted to active document versions."""
        hashes = sorted(set(active_hashes))
        if not hashes:
            return []
        clauses: list[dict] = [{"doc_hash": {"$in": hashes}}]
        if where:
            clauses.extend({k: v} for k, v in where.items())

        def run(collection) -> dict:
            result = collection.query(
                query_embeddings=[list(vector)],
                n_results=n,
                where=clauses[0] if len(clauses) == 1 else {"$and": clauses},
                include=["documents", "metadatas", "distances"],
            )
            _check_whole(result["documents"][0], result["metadatas"][0])
            return result

        result = self._read(run)
        return [
            (Chunk.from_store(cid, doc, meta), 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
            )
        ]

    def chunks(self, active_hashes: Iterable[str]) -> list[Chunk]:
        """All active chunks, ordered by document and position (read page by page, so each call
        stays short against a server)."""
        hashes = sorted(set(active_hashes))
        if not hashes or not self.exists():
            return []
        chunks: dict[str, Chunk] = {}
        for got in self._pages({"doc_hash": {"$in": hashes}}, ["documents", "metadatas"]):
            rows = zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            chunks.update({i: Chunk.from_store(i, d, m) for i, d, m in rows})
        return sorted(chunks.values(), key=lambda c: (c.doc_id, c.position))

    def _pages(self, where: dict | None, include: list[str], sentences: bool = False) -> Iterable[dict]:
        """The collection's records matching `where`, one page (Chroma's `get` result) at a time."""
        step = self._batch_size()
        offset = 0
        while True:

            def page(collection, offset=offset) -> dict:
                got = collection.get(where=where, include=include, limit=step, offset=offset)
                if "documents" in include:
                    _check_whole(got["documents"], got["metadatas"])
                return got

            got = self._read(page, sentences)
            yield got
            if len(got["ids"]) < step:
                return
            offset += step

    def count(self, doc_id: str | None = None, doc_hash: str | None = None) -> int:
        """Chunks in the collection: all, one document's, or one version's of it."""
        if not self.exists():
            return 0
        if doc_id is None:
            return self._read(lambda c: c.count())
        where: dict = {"doc_id": doc_id}
        if doc_hash is not None:
            where = {"$and": [{"doc_id": doc_id}, {"doc_hash": doc_hash}]}
        return len(self._read(lambda c: c.get(where=where, include=[])["ids"]))


def _check_whole(documents: Sequence[Any], metadatas: Sequence[Any]) -> None:
    if any(d is None for d in documents) or any(m is None for m in metadatas):
        raise StaleReadError("the store returned ids without their records")
