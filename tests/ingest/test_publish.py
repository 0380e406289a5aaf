"""The vocabulary is published by ingest into the shared database; every process reads that copy."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.index.documents import DocumentRegistry
from assistant.settings import Settings
from assistant.wiring import knowledge_version, load_knowledge
from ingest.build import build_ingestor

REPO = Path(__file__).resolve().parents[2]
DOC = "# Bikupor\n\n## Honung\n\nBikuporna i Märsta gav fyrtio kilo honung.\n"


def corpus_copy(root: Path) -> Path:
    corpus = root / "corpus"
    shutil.copytree(REPO / "corpus" / "records", corpus / "records")
    (corpus / "docs").mkdir()
    (corpus / "docs" / "bikupor.md").write_text(DOC, encoding="utf-8")
    return corpus


def with_alias(corpus: Path, alias: str) -> None:
    path = corpus / "records" / "vocabulary.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("sigtunas kommun]", f"sigtunas kommun, {alias}]"), encoding="utf-8")


def test_an_ingest_publishes_its_vocabulary_and_every_process_reads_it(fake_settings: Settings, tmp_path: Path) -> None:
    admin = corpus_copy(tmp_path / "admin")
    ingesting = fake_settings.model_copy(update={"corpus_dir": admin})
    app_host = fake_settings.model_copy(update={"corpus_dir": REPO / "corpus"})  # its own copy: no Märsta
    assert load_knowledge(app_host).vocabulary.find("Märsta") == []

    build_ingestor(ingesting).run([admin / "docs"])
    before = knowledge_version(app_host)()
    with_alias(admin, "märsta")
    registry = DocumentRegistry(fake_settings.records_url)
    generation = registry.generation()
    report = build_ingestor(ingesting).run([admin / "docs"])
    assert report.count("unchanged") == 1 and registry.generation() == generation + 1  # the vocabulary moved it

    published = load_knowledge(app_host)
    assert [(m.kind, m.canonical) for m in published.vocabulary.find("Vad gjorde Märsta?")] == [("kommun", "Sigtuna")]
    assert knowledge_version(app_host)() == published.version != before
    assert load_knowledge(app_host, local=True).vocabulary.find("Märsta") == []  # the host's own file is unchanged

    build_ingestor(ingesting).run([admin / "docs"])
    assert registry.generation() == generation + 1  # nothing changed: nothing committed


def test_without_a_published_vocabulary_the_corpus_folder_is_read(fake_settings: Settings) -> None:
    knowledge = load_knowledge(fake_settings.model_copy(update={"corpus_dir": REPO / "corpus"}))
    assert knowledge.vocabulary is not None and "Sigtuna" in knowledge.vocabulary.kommuner
    assert knowledge_version(fake_settings.model_copy(update={"corpus_dir": REPO / "corpus"}))() == knowledge.version
