"""Naive reference systems the product is measured against (``metodstod eval run --baselines``).

Both read the documents listed in the corpus manifest page by page (the way a LangChain PDF
loader yields one document per page), split them with
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`` and answer with the
top 4 passages concatenated, each followed by its marker ``[n]``. They ignore the
conversation history, never decline and always report route "rag".

* ``langchain-dense``: ``langchain_chroma.Chroma`` (in-memory collection), dense only, with
  the same embedder as the product.
* ``bm25``: ``bm25s`` over whitespace tokens of the lower-cased text, no stemming.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import IngestError
from assistant.types import Answer, Citation

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

    from assistant.settings import Settings

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4
MANIFEST = "manifest.yaml"

_PAGE_MARKER = re.compile(r"^\s*<!--\s*page:\s*(\d+)\s*-->\s*$", re.MULTILINE)


class Baseline(Protocol):
    name: str

    def ask(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> Answer: ...

    def describe(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------- corpus


def _markdown_pages(text: str) -> list[tuple[int | None, str]]:
    """Split Markdown on ``<!-- page: N -->`` markers; text before the first marker has no page."""
    pages: list[tuple[int | None, str]] = []
    page: int | None = None
    start = 0
    for marker in _PAGE_MARKER.finditer(text):
        pages.append((page, text[start : marker.start()]))
        page, start = int(marker.group(1)), marker.end()
    pages.append((page, text[start:]))
    return pages


def _file_pages(path: Path) -> list[tuple[int | None, str]]:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from ingest.loaders import load_document

        by_page: dict[int | None, list[str]] = {}
        for block in load_document(path).blocks:
            by_page.setdefault(block.page, []).append(block.text)
        return [(page, "\n\n".join(texts)) for page, texts in by_page.items()]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"cannot read: {exc}") from None
    if suffix in (".md", ".markdown"):
        return _markdown_pages(text)
    pages = text.split("\f")
    return [(n if len(pages) > 1 else None, page) for n, page in enumerate(pages, start=1)]


def load_corpus_pages(corpus_dir: Path) -> list[Document]:
    """One LangChain ``Document`` per page of every document in ``corpus_dir/manifest.yaml``."""
    from langchain_core.documents import Document

    from assistant.index.manifest import load_manifest

    manifest_path = Path(corpus_dir) / MANIFEST
    if not manifest_path.is_file():
        raise IngestError(manifest_path, "corpus manifest not found; the baselines read the documents it lists")
    pages: list[Document] = []
    for entry in load_manifest(manifest_path).documents:
        path = manifest_path.parent / entry.file
        if not path.is_file():
            raise IngestError(path, f"listed in {manifest_path} but missing")
        for page, text in _file_pages(path):
            if text.strip():
                meta = {"doc_id": entry.id, "title": entry.title or entry.id, "page": page, "source": str(path)}
                pages.append(Document(page_content=text.strip(), metadata={k: v for k, v in meta.items() if v}))
    if not pages:
        raise IngestError(manifest_path, "the manifest lists no document with text")
    return pages


def split_corpus(pages: Sequence[Document]) -> list[Document]:
    """The 1000/200 character splits both baselines share; each gets a ``chunk_id``."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    splits = splitter.split_documents(list(pages))
    for number, split in enumerate(splits):
        split.metadata["chunk_id"] = f"{split.metadata['doc_id']}:{number}"
    return splits


# --------------------------------------------------------------------------- answers


def _citation(n: int, split: Document, score: float) -> Citation:
    meta = split.metadata
    return Citation(
        n=n,
        doc_id=str(meta.get("doc_id", "")),
        title=str(meta.get("title", "")),
        section="",
        page=meta.get("page"),
        text=split.page_content,
        score=round(float(score), 4),
        chunk_id=meta.get("chunk_id"),
    )


def passages_answer(question: str, hits: Sequence[tuple[Document, float]], started: float, system: str) -> Answer:
    """The top passages concatenated, each followed by its marker ``[n]``; never declines."""
    citations = [_citation(n, split, score) for n, (split, score) in enumerate(hits, start=1)]
    text = "\n\n".join(f"{c.text.strip()} [{c.n}]" for c in citations)
    elapsed = (time.perf_counter() - started) * 1000
    return Answer(
        question=question,
        text=text,
        citations=citations,
        sources=list(citations),
        refused=False,
        route="rag",
        timings={"retrieve": elapsed, "generate": 0.0, "total": elapsed},
        config={"system": system},
    )


# --------------------------------------------------------------------------- systems


class DenseBaseline:
    """Naive LangChain RAG: Chroma in memory, dense similarity only, top 4 passages."""

    name = "langchain-dense"

    def __init__(self, splits: Sequence[Document], embedder: Embeddings, embedder_id: str = "") -> None:
        import chromadb
        from langchain_chroma import Chroma

        self.embedder_id = embedder_id or type(embedder).__name__
        self.n_splits = len(splits)
        self._store = Chroma(
            collection_name=f"baseline-{uuid.uuid4().hex}",
            embedding_function=embedder,
            client=chromadb.EphemeralClient(),
            collection_metadata={"hnsw:space": "cosine"},
        )
        self._store.add_documents(list(splits), ids=[s.metadata["chunk_id"] for s in splits])

    def ask(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> Answer:
        started = time.perf_counter()
        hits = self._store.similarity_search_with_score(question, k=TOP_K)
        return passages_answer(question, [(doc, 1.0 - distance) for doc, distance in hits], started, self.name)

    def describe(self) -> dict[str, Any]:
        return {
            "system": f"baseline:{self.name}",
            "generator": f"baseline:{self.name}",
            "retriever": "langchain_chroma.Chroma (dense, cosine)",
            "embedder": self.embedder_id,
            **_split_config(self.n_splits),
        }

    def close(self) -> None:
        self._store.delete_collection()


class BM25Baseline:
    """BM25 only, over ``text.lower().split()`` tokens (no stemming), top 4 passages."""

    name = "bm25"

    def __init__(self, splits: Sequence[Document]) -> None:
        import logging

        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs "Building index" at DEBUG otherwise
        self.splits = list(splits)
        self._bm25 = bm25s.BM25()
        self._bm25.index([tokens(s.page_content) or [""] for s in self.splits], show_progress=False)

    def ask(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> Answer:
        import numpy as np

        started = time.perf_counter()
        known = self._bm25.get_tokens_ids(tokens(question))
        scores = np.zeros(len(self.splits)) if not known else np.asarray(self._bm25.get_scores(known), dtype=float)
        order = np.argsort(-scores[: len(self.splits)], kind="stable")[:TOP_K]
        hits = [(self.splits[i], float(scores[i])) for i in order]
        return passages_answer(question, hits, started, self.name)

    def describe(self) -> dict[str, Any]:
        return {
            "system": f"baseline:{self.name}",
            "generator": f"baseline:{self.name}",
            "embedder": None,
            "retriever": "bm25s over text.lower().split()",
            **_split_config(len(self.splits)),
        }

    def close(self) -> None:
        return None


def tokens(text: str) -> list[str]:
    """Whitespace tokens of the lower-cased text (punctuation stays attached, as in the naive setup)."""
    return text.lower().split()


def _split_config(n_splits: int) -> dict[str, Any]:
    return {"chunk_size": CHUNK_SIZE, "chunk_overlap": CHUNK_OVERLAP, "top_k": TOP_K, "splits": n_splits}


def build_baselines(
    settings: Settings, embedder: Embeddings | None = None, folders: Sequence[Path] | None = None
) -> list[Baseline]:
    """Both baselines over the manifests of ``folders`` (default: ``settings.corpus_dir``), dense with
    the product's embedder."""
    folders = [settings.corpus_dir] if folders is None else folders
    splits = split_corpus([page for folder in folders for page in load_corpus_pages(folder)])
    if embedder is None:
        from assistant.wiring import build_embedder

        embedder = build_embedder(settings)
    return [DenseBaseline(splits, embedder, settings.embedder_id), BM25Baseline(splits)]
