"""The vector store: a Chroma collection, embedded on disk or on a Chroma server.

Chunk ids carry the document's content hash, so a changed document's new chunks can be
written beside the old ones and the switch happens in one step in the registry; readers
only see chunks whose `doc_hash` is the registered one (see `assistant.index.documents`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.errors import EmbedderMismatchError, IndexMissingError
from assistant.settings import Settings
from assistant.types import Chunk

EMBEDDER_KEY = "embedder"
SENTENCES_SUFFIX = "-sentences"  # the collection of sentence vectors beside the chunk collection


class ChromaStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client = None
        self._collection = None
        self._sentences = None

    # -- connection -------------------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            import chromadb

            if self.settings.store.chroma_server:
                host, _, port = self.settings.store.chroma_server.rpartition(":")
                self._client = chromadb.HttpClient(host=host, port=int(port))
            else:
                self.settings.chroma_path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(self.settings.chroma_path))
        return self._client

    @property
    def location(self) -> str:
        return self.settings.store.chroma_server or str(self.settings.chroma_path)

    def exists(self) -> bool:
        return self.settings.store.collection in {c.name for c in self.client.list_collections()}

    def collection(self, create: bool = False):
        """The collection, checked against the configured embedder."""
        if self._collection is None:
            name = self.settings.store.collection
            if not self.exists():
                if not create:
                    raise IndexMissingError(
                        f"Inget index finns i {self.location}. Bygg det med: metodstod ingest corpus/"
                    )
                self._collection = self.client.create_collection(
                    name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={EMBEDDER_KEY: self.settings.embedder_id},
                )
            else:
                self._collection = self.client.get_collection(name, embedding_function=None)
        built_with = (self._collection.metadata or {}).get(EMBEDDER_KEY)
        if built_with != self.settings.embedder_id:
            raise EmbedderMismatchError(
                f"Indexet byggdes med inbäddaren '{built_with}' men '{self.settings.embedder_id}' är "
                "inställd. Använd samma inbäddare, eller bygg om: metodstod ingest --rebuild corpus/"
            )
        return self._collection

    def reset(self) -> None:
        """Drop the collections (for --rebuild)."""
        names = {c.name for c in self.client.list_collections()}
        for name in (self.settings.store.collection, self._sentences_name):
            if name in names:
                self.client.delete_collection(name)
        self._collection = None
        self._sentences = None

    @property
    def _sentences_name(self) -> str:
        return self.settings.store.collection + SENTENCES_SUFFIX

    def sentences(self):
        """The sentence collection (vectors of the chunks' sentences, for sentence-level evidence)."""
        if self._sentences is None:
            self._sentences = self.client.get_or_create_collection(
                self._sentences_name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={EMBEDDER_KEY: self.settings.embedder_id},
            )
        return self._sentences

    # -- writing ----------------------------------------------------------------------------
    def _batch_size(self) -> int:
        """Our configured batch size, never above what the Chroma server accepts."""
        return min(self.settings.store.chroma_max_batch, self.client.get_max_batch_size())

    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        collection = self.collection(create=True)
        step = self._batch_size()
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            collection.upsert(
                ids=[c.id for c in part],
                embeddings=[list(v) for v in vectors[i : i + step]],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
            )

    def add_sentences(
        self, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]], metadatas: Sequence[dict]
    ) -> None:
        collection = self.sentences()
        step = self._batch_size()
        for i in range(0, len(ids), step):
            collection.upsert(
                ids=list(ids[i : i + step]),
                embeddings=[list(v) for v in vectors[i : i + step]],
                documents=list(texts[i : i + step]),
                metadatas=list(metadatas[i : i + step]),
            )

    def delete_stale(self, doc_id: str, keep_hash: str | None) -> int:
        """Delete a document's chunks (and their sentences) except those of `keep_hash` (None: delete all)."""
        if not self.exists():
            return 0
        where: dict = {"doc_id": doc_id}
        if keep_hash is not None:
            where = {"$and": [{"doc_id": doc_id}, {"doc_hash": {"$ne": keep_hash}}]}
        self._delete(self.sentences(), where)
        return self._delete(self.collection(), where)

    def _delete(self, collection, where: dict) -> int:
        ids = collection.get(where=where, include=[])["ids"]
        step = self._batch_size()
        for i in range(0, len(ids), step):
            collection.delete(ids=ids[i : i + step])
        return len(ids)

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> list[tuple[str, list[float]]]:
        """(sentence text, vector) of the given chunks' sentences; empty when none are indexed."""
        if not chunk_ids:
            return []
        got = self.sentences().get(where={"chunk_id": {"$in": list(chunk_ids)}}, include=["documents", "embeddings"])
        return list(zip(got["documents"], got["embeddings"], strict=True))

    # -- reading ----------------------------------------------------------------------------
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
        result = self.collection().query(
            query_embeddings=[list(vector)],
            n_results=n,
            where=clauses[0] if len(clauses) == 1 else {"$and": clauses},
            include=["documents", "metadatas", "distances"],
        )
        return [
            (Chunk.from_store(cid, doc, meta), 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
            )
        ]

    def chunks(self, active_hashes: Iterable[str]) -> list[Chunk]:
        """All active chunks, ordered by document and position."""
        hashes = sorted(set(active_hashes))
        if not hashes or not self.exists():
            return []
        got = self.collection().get(where={"doc_hash": {"$in": hashes}}, include=["documents", "metadatas"])
        chunks = [
            Chunk.from_store(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(chunks, key=lambda c: (c.doc_id, c.position))

    def count(self, doc_id: str | None = None) -> int:
        if not self.exists():
            return 0
        if doc_id is None:
            return self.collection().count()
        return len(self.collection().get(where={"doc_id": doc_id}, include=[])["ids"])
