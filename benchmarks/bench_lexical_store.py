#!/usr/bin/env python3
"""Where should the lexical index live when several hosts share one Chroma and one PostgreSQL?

    METODSTOD_DATA_DIR=/tmp/d metodstod ingest corpus/
    python benchmarks/bench_lexical_store.py --data-dir /tmp/d [--pg postgresql+psycopg://...]

Runs the gold eval (evals/datasets/gold.yaml) through the product three ways and prints
quality and latency side by side:

  cache    the per-host BM25 cache this host's ingest built (what ships)
  rebuilt  the per-host BM25 cache as a host that never ran ingest builds it (from Chroma)
  pg-fts   PostgreSQL full-text search (`swedish` configuration, ts_rank) instead of BM25

Then the cost of each place to keep the index: building it from Chroma, loading this host's
cache from disk, loading it as a blob from PostgreSQL, and one lexical query (BM25 in memory vs
a full-text query). Without --pg a throwaway PostgreSQL cluster is started (Debian's
postgresql; as root it runs as the 'postgres' user).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
GOLD = REPO / "evals" / "datasets" / "gold.yaml"
METRICS = (
    *("hit_at_1", "hit_at_3", "hit_at_5", "mrr", "exact", "fact_recall"),
    *("citation_precision", "refusal_recall", "route_accuracy"),
)


class PgFullText:
    """A stand-in for `LexicalIndex` whose `search` is PostgreSQL full-text search."""

    def __init__(self, url: str, bm25_index) -> None:
        from sqlalchemy import create_engine, text

        self.inner, self.chunks, self.stamp = bm25_index, bm25_index.chunks, bm25_index.stamp
        self.engine = create_engine(url)
        self.text = text
        with self.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS bench_chunks"))
            conn.execute(
                text(
                    "CREATE TABLE bench_chunks (id text PRIMARY KEY, body text, "
                    "tsv tsvector GENERATED ALWAYS AS (to_tsvector('swedish', body)) STORED)"
                )
            )
            conn.execute(text("CREATE INDEX ON bench_chunks USING gin (tsv)"))
            from assistant.index.lexical import index_text

            rows = [{"id": c.id, "body": index_text(c)} for c in self.chunks]
            conn.execute(text("INSERT INTO bench_chunks (id, body) VALUES (:id, :body)"), rows)
        self.seconds: list[float] = []

    def search(self, query: str, n: int, allowed: set[str] | None = None):
        started = time.perf_counter()
        sql = self.text(
            "WITH q AS (SELECT (SELECT string_agg(quote_literal(l), ' | ') "
            "FROM unnest(tsvector_to_array(to_tsvector('swedish', :q))) l) AS terms) "
            "SELECT id, ts_rank(tsv, q.terms::tsquery, 1) AS score FROM bench_chunks, q "
            "WHERE q.terms IS NOT NULL AND tsv @@ q.terms::tsquery AND id = ANY(:ids) "
            "ORDER BY score DESC LIMIT :n"
        )
        ids = list(allowed) if allowed is not None else [c.id for c in self.chunks]
        with self.engine.connect() as conn:
            rows = conn.execute(sql, {"q": query, "ids": ids, "n": n}).all()
        self.seconds.append(time.perf_counter() - started)
        return [(self.inner.get(cid), float(score)) for cid, score in rows if score > 0]

    def neighbour(self, chunk, offset):
        return self.inner.neighbour(chunk, offset)

    def get(self, chunk_id):
        return self.inner.get(chunk_id)


class TimedBM25:
    """The shipped BM25 index, with each search timed."""

    def __init__(self, index) -> None:
        self.inner, self.chunks, self.stamp = index, index.chunks, index.stamp
        self.seconds: list[float] = []

    def search(self, query, n, allowed=None):
        started = time.perf_counter()
        found = self.inner.search(query, n, allowed)
        self.seconds.append(time.perf_counter() - started)
        return found

    def neighbour(self, chunk, offset):
        return self.inner.neighbour(chunk, offset)

    def get(self, chunk_id):
        return self.inner.get(chunk_id)


def run(settings, label: str, swap) -> tuple[dict, list[dict], object]:
    """The gold eval with the assistant's lexical index replaced by `swap(view)` (None: as built)."""
    from assistant.wiring import build_assistant
    from evals.runner import RunOptions, run_eval

    holder: dict = {}

    def factory(s):
        assistant = build_assistant(s)
        view = assistant.rag.retriever.view
        view.check_seconds = 1e9  # one snapshot for the whole run
        holder["index"] = swap(view)
        return assistant

    out = Path(tempfile.mkdtemp(prefix=f"bench-lexical-{label}-"))
    outcome = run_eval(RunOptions(dataset=GOLD, out=out, progress=False), settings, assistant_factory=factory)
    return outcome.product.metrics["overall"], outcome.product.rows, holder["index"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="A data dir with the corpus ingested.")
    parser.add_argument("--pg", help="SQLAlchemy URL of a scratch PostgreSQL database (default: a throwaway one).")
    parser.add_argument("--scales", type=int, nargs="*", default=[10, 100], help="Lexical query latency at N x.")
    args = parser.parse_args(argv)
    from assistant.index.lexical import LexicalCache
    from assistant.settings import load_settings

    settings = load_settings(data_dir=args.data_dir)
    with contextlib.ExitStack() as stack:
        from scratch_pg import scratch_postgres

        pg = args.pg or stack.enter_context(scratch_postgres())
        tempfile.tempdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-lexical-"))  # all removed

        def shipped(view):
            snap = view.snapshot()
            snap.lexical = TimedBM25(snap.lexical)
            return snap.lexical

        def rebuilt(view):
            view.cache = LexicalCache(Path(tempfile.mkdtemp(prefix="bench-host-b-")))  # a host without a cache
            return shipped(view)

        def fulltext(view):
            snap = view.snapshot()
            snap.lexical = PgFullText(pg, snap.lexical)
            return snap.lexical

        results = {name: run(settings, name, swap) for name, swap in (("cache", shipped), ("rebuilt", rebuilt))}
        results["pg-fts"] = run(settings, "pg-fts", fulltext)
        print_quality(results)
        print_costs(settings, pg, results)
        for scale in args.scales:
            print_scaled(results["cache"][2].inner, pg, scale)
    return 0


def print_quality(results: dict) -> None:
    print(f"{'metric':<20}" + "".join(f"{name:>10}" for name in results))
    for metric in (*METRICS, "latency_p50_ms", "latency_p95_ms"):
        values = [results[name][0].get(metric) for name in results]
        print(f"{metric:<20}" + "".join(f"{v:>10.3f}" if isinstance(v, float) else f"{v!s:>10}" for v in values))
    same = [
        (a["answer"], [c["doc_id"] + str(c.get("page")) for c in a.get("citations", [])])
        == (b["answer"], [c["doc_id"] + str(c.get("page")) for c in b.get("citations", [])])
        for a, b in zip(results["cache"][1], results["rebuilt"][1], strict=True)
    ]
    print(f"answers and citations identical, cache vs rebuilt: {sum(same)}/{len(same)}")


def print_costs(settings, pg: str, results: dict) -> None:
    from sqlalchemy import create_engine, text

    from assistant.index.lexical import LexicalCache
    from assistant.wiring import build_registry, build_store

    registry, store = build_registry(settings), build_store(settings)
    versions = registry.active_versions()
    started = time.perf_counter()
    index, _ = LexicalCache(Path(tempfile.mkdtemp(prefix="bench-build-"))).ensure(versions, store.chunks)
    build = time.perf_counter() - started
    cache = LexicalCache(settings.lexical_path)
    started = time.perf_counter()
    cache.load(index.stamp)
    load_disk = time.perf_counter() - started
    blob = io.BytesIO()
    with tarfile.open(fileobj=blob, mode="w") as tar:
        tar.add(cache.folder(index.stamp), arcname="index")
    engine = create_engine(pg)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_blob (key text PRIMARY KEY, data bytea)"))
        conn.execute(text("DELETE FROM bench_blob"))
        conn.execute(text("INSERT INTO bench_blob VALUES (:k, :d)"), {"k": index.stamp, "d": blob.getvalue()})
    started = time.perf_counter()
    with engine.connect() as conn:
        data = conn.execute(text("SELECT data FROM bench_blob WHERE key = :k"), {"k": index.stamp}).scalar()
    target = Path(tempfile.mkdtemp(prefix="bench-blob-"))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    (target / "index").rename(target / f"index-{index.stamp}")
    LexicalCache(target).load(index.stamp)
    load_blob = time.perf_counter() - started
    print(f"lexical index of {len(index.chunks)} chunks ({len(blob.getvalue()) / 1024:.0f} KiB):")
    print(
        f"  build from Chroma {build * 1000:.0f} ms | load from this host's cache {load_disk * 1000:.0f} ms | "
        f"load as a blob from PostgreSQL {load_blob * 1000:.0f} ms"
    )
    for name in ("cache", "pg-fts"):
        seconds = results[name][2].seconds
        print(
            f"  one lexical query, {name}: p50 {statistics.median(seconds) * 1000:.2f} ms, "
            f"p95 {sorted(seconds)[int(0.95 * len(seconds))] * 1000:.2f} ms ({len(seconds)} queries)"
        )


def print_scaled(index, pg: str, scale: int, seed: int = 7) -> None:
    """Lexical query latency over a generated corpus of `scale` x the real chunks (text recombined
    from the real sentences, as in bench_retrieval.py): BM25 in memory vs PostgreSQL full text."""
    import random

    from assistant.index.lexical import LexicalIndex
    from assistant.language.terms import lexical_query
    from assistant.language.text import split_sentences
    from evals.dataset import load_dataset

    rng = random.Random(seed)
    sentences = [s for c in index.chunks for s in split_sentences(c.text)]
    chunks = [
        c.model_copy(update={"id": f"{c.id}-{d}", "doc_id": f"{c.doc_id}-{d}", "text": _mix(rng, sentences)})
        for d in range(scale)
        for c in index.chunks
    ]
    started = time.perf_counter()
    bm25 = TimedBM25(LexicalIndex(chunks, f"x{scale}"))
    build = time.perf_counter() - started
    fulltext = PgFullText(pg, bm25.inner)
    queries = [lexical_query(item.question) for item in load_dataset(GOLD)]
    allowed = {c.id for c in chunks}
    for q in queries:
        bm25.search(q, 30, allowed)
        fulltext.search(q, 30, allowed)
    print(f"  {scale}x ({len(chunks)} chunks; BM25 built in {build:.1f} s): one lexical query")
    for name, timed in (("bm25", bm25), ("pg-fts", fulltext)):
        seconds = sorted(timed.seconds)
        p50, p95 = statistics.median(seconds) * 1000, seconds[int(0.95 * len(seconds))] * 1000
        print(f"    {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


def _mix(rng, sentences: list[str]) -> str:
    return " ".join(rng.sample(sentences, 6))


if __name__ == "__main__":
    sys.exit(main())
