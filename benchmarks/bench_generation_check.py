#!/usr/bin/env python3
"""What the corpus-generation check adds to a question.

    METODSTOD_DATA_DIR=/tmp/d metodstod ingest corpus/
    python benchmarks/bench_generation_check.py --data-dir /tmp/d [--pg postgresql+psycopg://...]

Every process reads the corpus generation from the shared database before a question
(`retrieval.index_check_seconds`, 0 = every retrieval) and rebuilds its caches only when it
moved. Prints the cost of one check on SQLite (this data dir) and on PostgreSQL (a scratch
database, default: a throwaway server), and the retrieval latency over the gold questions with
the check on every retrieval against no check at all (interleaved, each first half the time, so
machine noise and warm caches hit both alike).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
GOLD = REPO / "evals" / "datasets" / "gold.yaml"
CALLS = 2000


def per_call_ms(fn, calls: int = CALLS) -> tuple[float, float]:
    fn()  # connection made, statement cached
    seconds = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return statistics.median(seconds) * 1000, seconds[int(0.95 * len(seconds))] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="A data dir with the corpus ingested.")
    parser.add_argument("--pg", help="SQLAlchemy URL of a scratch PostgreSQL database (default: a throwaway one).")
    parser.add_argument("--rounds", type=int, default=3, help="Passes over the gold questions.")
    args = parser.parse_args(argv)
    from assistant.index.documents import DocumentRegistry
    from assistant.settings import load_settings
    from assistant.wiring import build_assistant
    from evals.dataset import load_dataset

    settings = load_settings(data_dir=args.data_dir)
    sqlite = DocumentRegistry(settings.records_url)
    print("one generation check (p50 / p95):")
    print("  SQLite      {:.3f} ms / {:.3f} ms".format(*per_call_ms(sqlite.generation)))
    with contextlib.ExitStack() as stack:
        from scratch_pg import scratch_postgres

        pg = DocumentRegistry(args.pg or stack.enter_context(scratch_postgres()))
        pg.clear()  # one committed change: the generation row exists
        print("  PostgreSQL  {:.3f} ms / {:.3f} ms".format(*per_call_ms(pg.generation)))
        pg.engine.dispose()

    assistant = build_assistant(settings)
    retriever = assistant.rag.retriever
    questions = [item.question for item in load_dataset(GOLD)]
    retriever.retrieve(questions[0], settings.retrieval.top_k)  # warm: models, snapshot
    timings: dict[float, list[float]] = {0.0: [], 1e9: []}
    for round_no in range(args.rounds):
        for i, question in enumerate(questions):
            order = list(timings) if (round_no + i) % 2 == 0 else list(reversed(timings))  # neither always first
            for interval in order:
                retriever.view.check_seconds = interval
                started = time.perf_counter()
                retriever.retrieve(question, settings.retrieval.top_k)
                timings[interval].append((time.perf_counter() - started) * 1000)
    every, never = timings[0.0], timings[1e9]
    print(f"retrieval over {len(questions)} gold questions x {args.rounds} (SQLite, this data dir):")
    print(f"  check on every retrieval: p50 {statistics.median(every):.2f} ms, mean {statistics.mean(every):.2f} ms")
    print(f"  no check:                 p50 {statistics.median(never):.2f} ms, mean {statistics.mean(never):.2f} ms")
    added = statistics.mean(e - n for e, n in zip(every, never, strict=True))
    print(f"  added per question (mean of paired differences): {added:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
