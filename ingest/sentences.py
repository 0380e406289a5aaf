"""The sentence index: every sentence of a document's chunks, embedded once at ingest.

Answering decides from sentences (does one of them answer the question? which ones to quote?),
so their vectors are computed here, with the configured embedder, and stored beside the chunks
(`ChromaStore.add_sentences`). A sentence that two overlapping chunks share is embedded once.
Fragments too short to be a statement (under `MIN_WORDS` words) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.language.sentences import passage_sentences
from assistant.protocols import Embedder
from assistant.types import Chunk, sentence_key

MIN_WORDS = 3


@dataclass(frozen=True)
class SentenceRow:
    id: str
    text: str
    metadata: dict


def sentence_rows(chunks: Sequence[Chunk]) -> list[SentenceRow]:
    rows = []
    for chunk in chunks:
        seen: set[str] = set()
        for i, sentence in enumerate(passage_sentences(chunk.text)):
            key = sentence_key(sentence)
            if len(key.split()) < MIN_WORDS or key in seen:
                continue
            seen.add(key)
            meta = {"chunk_id": chunk.id, "doc_id": chunk.doc_id, "doc_hash": chunk.doc_hash, "position": i}
            rows.append(SentenceRow(f"{chunk.id}#s{i}", key, meta))
    return rows


def embed_rows(
    rows: Sequence[SentenceRow], embedder: Embedder, batch: int, progress: Callable[[int], object] | None = None
) -> list[list[float]]:
    """One vector per row; each distinct text is embedded once."""
    texts = list(dict.fromkeys(r.text for r in rows))
    vectors: dict[str, list[float]] = {}
    for i in range(0, len(texts), batch):
        part = texts[i : i + batch]
        vectors.update(zip(part, embedder.embed_documents(part), strict=True))
        if progress:
            progress(len(part))
    return [vectors[r.text] for r in rows]
