"""A dataset's own index: corpus + its documents in a throwaway data dir (fake embedder, real Chroma and SQLite)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest

from assistant.errors import DatasetError
from assistant.index.documents import DocumentRegistry
from assistant.settings import Settings
from evals.isolated import environment_for, generation, isolated_index, isolated_settings, production_index
from evals.suite import load_suite
from ingest.pipeline import build_ingestor

GUIDE = """# Lokal lägesbild – en guide

<!-- page: 1 -->

## Problemträdet

Orsakerna placeras som rötter under stammen, och konsekvenserna placeras i kronan. Trädet ritas gemensamt.

## Brottstriangeln

Brottstriangeln, som också kallas problemanalystriangeln, bygger på iakttagelsen att brott kräver tre delar.
"""
REPORT = "# Liten rapport\n\n<!-- page: 1 -->\n\n## Skolor\n\nTryggare Skola infördes i Sigtuna under hösten 2023.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "documents").mkdir(parents=True)
    (root / "documents" / "rapport.md").write_text(REPORT, encoding="utf-8")
    manifest = "documents:\n  - id: rapport\n    file: documents/rapport.md\n    type: pm\n"
    (root / "manifest.yaml").write_text(manifest, encoding="utf-8")
    return root


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    """The 'production' configuration: its data dir must never be written by an isolated run."""
    return Settings(
        data_dir=tmp_path / "prod", corpus_dir=corpus, embedder="fake", embedding={"cache_dir": tmp_path / "cache"}
    )


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where temporary directories are made, so a test can see that they are removed."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _dataset(tmp_path: Path, header: str) -> Path:
    (tmp_path / "set" / "guide.md").parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "set" / "guide.md").write_text(GUIDE, encoding="utf-8")
    items = '\nitems:\n  - id: a1\n    question: "Vad kallas brottstriangeln också?"\n    facts: [["problemanalys"]]\n'
    path = tmp_path / "set" / "dataset.yaml"
    path.write_text(header + items, encoding="utf-8")
    return path


def test_the_index_holds_corpus_and_documents_and_is_removed(tmp_path: Path, settings: Settings, scratch: Path) -> None:
    suite = load_suite(
        _dataset(tmp_path, "documents:\n  - {path: guide.md, title: Guiden, publisher: Någon, year: 2025}")
    )
    said: list[str] = []
    with isolated_index(suite, settings, progress=False, echo=said.append) as env:
        assert env.settings.data_dir.is_relative_to(scratch) and env.settings.embedder == "fake"
        infos = {info.doc_id: info for info in DocumentRegistry(env.settings.records_url).all()}
        assert set(infos) == {"rapport", "guide"}
        assert (infos["guide"].title, infos["guide"].publisher, infos["guide"].year) == ("Guiden", "Någon", 2025)
        [record] = env.index["documents"]
        assert record["path"] == str(tmp_path / "set" / "guide.md")
        assert record["sha256"] == hashlib.sha256(GUIDE.encode()).hexdigest()
        assert (record["doc_id"], record["title"], record["chunks"]) == ("guide", "Guiden", infos["guide"].chunk_count)
        assert env.index["corpus"] == {
            "included": True,
            "dir": str(settings.corpus_dir),
            "generation": generation([infos["rapport"]]),
            "documents": ["rapport"],
        }
        assert env.folders == [settings.corpus_dir, env.settings.data_dir.parent / "documents"]
    assert list(scratch.iterdir()) == []  # the temporary index is gone
    assert not settings.data_dir.exists()  # the configured data dir was never touched
    assert said[0].startswith("Bygger ett tillfälligt index för 'set': korpusen") and "guide.md" in said[0]
    assert said[1].startswith("Indexet klart på") and "0 av" in said[1]


def test_a_second_index_reuses_the_cached_vectors(tmp_path: Path, settings: Settings) -> None:
    suite = load_suite(_dataset(tmp_path, "documents: [guide.md]"))
    with isolated_index(suite, settings, progress=False, echo=lambda _: None) as env:
        first = env.index
    said: list[str] = []
    with isolated_index(suite, settings, progress=False, echo=said.append) as env:
        second = env.index
    embedded = first["embedding_cache"]["misses"]  # the chunks and their sentences
    assert first["embedding_cache"]["hits"] == 0 and embedded >= first["chunks"]
    assert second["embedding_cache"] == {"hits": embedded, "misses": 0}
    assert f"{embedded} av {embedded} ur inbäddningscachen" in said[1]
    assert second["corpus"]["generation"] == first["corpus"]["generation"]


def test_without_the_cache_nothing_is_reused(tmp_path: Path, settings: Settings) -> None:
    suite = load_suite(_dataset(tmp_path, "documents: [guide.md]"))
    with isolated_index(suite, settings, cache=False, progress=False, echo=lambda _: None) as env:
        assert env.index["embedding_cache"] is None and env.index["chunks"] > 0


def test_a_dataset_without_the_corpus(tmp_path: Path, settings: Settings) -> None:
    suite = load_suite(_dataset(tmp_path, "include_corpus: false\ndocuments: [guide.md]"))
    with isolated_index(suite, settings, progress=False, echo=lambda _: None) as env:
        assert [info.doc_id for info in DocumentRegistry(env.settings.records_url).all()] == ["guide"]
        assert env.index["corpus"] == {"included": False, "dir": None, "generation": None, "documents": []}
        assert not (env.settings.corpus_dir / "records" / "vocabulary.yaml").exists()  # no records answers
        assert env.folders == [env.settings.data_dir.parent / "documents"]


def test_a_document_that_cannot_be_ingested_stops_cleanly(tmp_path: Path, settings: Settings, scratch: Path) -> None:
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    suite = load_suite(_dataset(tmp_path, "documents: [notes.docx]"))
    building = isolated_index(suite, settings, progress=False, echo=lambda _: None)
    with pytest.raises(DatasetError, match=r"index could not be built: .*/set/notes\.docx: .*docx"), building:
        pass
    assert list(scratch.iterdir()) == [] and not settings.data_dir.exists()


def test_isolated_settings_reach_no_production_service(tmp_path: Path) -> None:
    production = Settings(
        chroma_server="10.0.0.5:8000",
        database_url="postgresql+psycopg://u:secret@db/metodstod",
        embedder="fake",
        top_k=9,
    )
    scratch = isolated_settings(production, tmp_path / "data", include_corpus=True, cache=True)
    assert scratch.store.chroma_server is None and scratch.records.database_url is None
    assert scratch.records_url == f"sqlite:///{tmp_path / 'data' / 'metodstod.db'}"
    assert scratch.embedding.cache is True and scratch.retrieval.top_k == 9 and scratch.embedder == "fake"
    assert scratch.corpus_dir == production.corpus_dir


def test_a_dataset_without_documents_uses_the_configured_index(tmp_path: Path, settings: Settings) -> None:
    build_ingestor(settings).run([settings.corpus_dir])
    path = tmp_path / "gold.yaml"
    path.write_text('- id: a1\n  question: "q"\n  facts: [["x"]]\n', encoding="utf-8")
    with environment_for(load_suite(path), settings, progress=False) as env:
        assert env.settings is settings and env.folders == [settings.corpus_dir]
    infos = DocumentRegistry(settings.records_url).all()
    assert env.index == production_index(settings).index
    assert env.index["kind"] == "production" and env.index["corpus"]["generation"] == generation(infos)
    assert env.index["corpus"]["documents"] == ["rapport"]
