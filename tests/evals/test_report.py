"""report.md / report.html: files, numbers, charts, failed items, and escaping of hostile text."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from evals.report import regenerate_report, write_report
from evals.rundir import METRICS_FILE, RESULTS_FILE, RunData, write_json, write_rows
from evals.runner import summarize_rows

HOSTILE = "<script>alert('x')</script> | & <img src=x onerror=alert(1)>"


def _row(item_id: str, **values) -> dict:
    row = {
        "id": item_id,
        "question": f"Fråga {item_id}?",
        "history": [],
        "tags": ["t1"],
        "answerable": True,
        "expected_route": "rag",
        "route": "rag",
        "refused": False,
        "facts": [["Sigtuna"], ["2022", "år 2022"]],
        "needle": ["nål"],
        "answer": "Sigtuna 2022 [1]",
        "citations": [],
        "sources": [],
        "flags": [],
        "timings": {"total": 120.0},
        "latency_ms": 120.0,
        "error": None,
        "rank": 1,
        "hit@1": True,
        "hit@3": True,
        "hit@5": True,
        "mrr": 1.0,
        "ndcg@5": 1.0,
        "fact_recall": 1.0,
        "exact": True,
        "citation_precision": 1.0,
        "citation_coverage": 1.0,
        "failures": [],
    }
    row.update(values)
    return row


@pytest.fixture
def product(tmp_path: Path) -> RunData:
    rows = [
        _row("ok-1"),
        _row(
            "bad-1",
            question=f"Vad är {HOSTILE}?",
            answer=f"Svar: {HOSTILE}",
            exact=False,
            fact_recall=0.5,
            rank=None,
            **{"hit@1": False, "hit@3": False, "hit@5": False, "mrr": 0.0, "ndcg@5": 0.0},
            failures=["not exact"],
            latency_ms=480.0,
            tags=["t1", "<b>tag</b>"],
        ),
        _row(
            "dec-1",
            answerable=False,
            facts=[],
            needle=[],
            refused=False,
            expected_route=None,
            exact=None,
            fact_recall=None,
            rank=None,
            failures=["wrong refusal"],
            latency_ms=60.0,
            **{"hit@1": None, "hit@3": None, "hit@5": None, "mrr": None, "ndcg@5": None},
        ),
    ]
    metrics = summarize_rows(rows)
    metrics["config"] = {
        "dataset": {"path": "gold.yaml", "sha256": "ab" * 32, "items": 3},
        "selected": 3,
        "generator": "extractive",
        "embedder": "fake",
        "git": {"commit": "c0ffee" * 6},
        "started": "2025-01-01T00:00:00+00:00",
        "seconds": 1.5,
    }
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    write_rows(run_dir / RESULTS_FILE, rows)
    write_json(run_dir / METRICS_FILE, metrics)
    return RunData(run_dir, metrics, rows)


def _baseline(product: RunData, name: str, exact: bool) -> RunData:
    rows = [dict(row, exact=exact if row["answerable"] else None) for row in product.rows]
    folder = product.path / "baselines" / name
    folder.mkdir(parents=True)
    metrics = summarize_rows(rows)
    write_rows(folder / RESULTS_FILE, rows)
    write_json(folder / METRICS_FILE, metrics)
    return RunData(folder, metrics, rows)


def test_report_files_exist_with_numbers_and_charts(product: RunData) -> None:
    md_path, html_path = write_report(product.path, product)
    md, page = md_path.read_text(encoding="utf-8"), html_path.read_text(encoding="utf-8")
    # exact: 1 of the 2 answerable items -> 0.500; hit@5 also 0.500; refusal recall 0 of 1 -> 0.000
    assert "| exact | 0.500 |" in md
    assert "| hit@5 | 0.500 |" in md
    assert "| refusal_recall | 0.000 |" in md
    assert '<td>exact</td><td class="num">0.500</td>' in page
    for chart in ("chart-overview.png", "chart-by-tag.png", "chart-latency.png"):
        assert (product.path / chart).read_bytes().startswith(b"\x89PNG")
        assert f"]({chart})" in md
    assert page.count("data:image/png;base64,") == 3
    encoded = page.split("data:image/png;base64,")[1].split('"')[0]
    assert base64.b64decode(encoded).startswith(b"\x89PNG")


def test_failed_items_list_question_expected_facts_and_answer(product: RunData) -> None:
    md_path, _ = write_report(product.path, product)
    md = md_path.read_text(encoding="utf-8")
    assert "Failed items (2 of 3)" in md
    assert "| bad-1 | not exact |" in md
    assert "Sigtuna; 2022 / år 2022" in md
    assert "| dec-1 | wrong refusal |" in md and "(should decline)" in md
    assert "ok-1 |" not in md.split("Failed items")[1]


def test_hostile_text_is_escaped_in_html_and_markdown(product: RunData) -> None:
    md_path, html_path = write_report(product.path, product)
    page = html_path.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img src=x" not in page and "<b>tag</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;tag&lt;/b&gt;" in page
    md = md_path.read_text(encoding="utf-8")
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;" in md and "\\| &amp;" in md  # pipes cannot break the table either


def test_baselines_sit_beside_the_product(product: RunData) -> None:
    baselines = [_baseline(product, "langchain-dense", exact=True), _baseline(product, "bm25", exact=False)]
    md_path, html_path = write_report(product.path, product, baselines)
    md = md_path.read_text(encoding="utf-8")
    assert "| metric | product | langchain-dense | bm25 |" in md
    assert "| exact | 0.500 | 1.000 | 0.000 |" in md
    assert (product.path / "chart-baselines.png").is_file()
    assert html_path.read_text(encoding="utf-8").count("data:image/png;base64,") == 4


def test_regenerate_report_reads_the_run_from_disk(product: RunData) -> None:
    _baseline(product, "bm25", exact=False)
    _baseline(product, "langchain-dense", exact=True)
    md_path, _ = regenerate_report(product.path)
    assert "| metric | product | langchain-dense | bm25 |" in md_path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- per dataset and kind, worst items

LONG_ANSWER = "Första raden om Sigtuna. [1]\nAndra raden, utan årtal.\n\n" + "Mer text. " * 60


def _users_rows() -> list[dict]:
    fail = {"failures": ["not exact"], "exact": False}
    return [
        _row("g-ok", dataset="gold"),
        _row("u-ok", dataset="gold", kind="english", tags=["users-words"]),
        _row(
            "u-miss",
            dataset="gold",
            kind="english",
            tags=["users-words"],
            answer=LONG_ANSWER,
            fact_recall=0.5,
            note="Svaret ska nämna 2022.",
            **fail,
        ),
        _row(
            "u-none", dataset="gold", kind="typo", tags=["users-words"], answer="Inget av det.", fact_recall=0.0, **fail
        ),
        _row(
            "u-ref",
            dataset="gold",
            kind="typo",
            tags=["users-words"],
            refused=True,
            fact_recall=0.0,
            answer="Det framgår inte av underlaget.",
            failures=["not exact", "wrong refusal"],
            exact=False,
        ),
        _row(
            "d-oos",
            dataset="guide",
            kind="outofscope",
            answerable=False,
            facts=[],
            needle=[],
            exact=None,
            fact_recall=None,
            answer=f"Ja, {HOSTILE}",
            failures=["wrong refusal"],
            history=[
                {"role": "user", "content": "Vad är en lägesbild?"},
                {"role": "assistant", "content": "En beskrivning av läget."},
            ],
        ),
        _row(
            "d-err",
            dataset="guide",
            kind="direct",
            answer="",
            error="InputError: för lång",
            exact=False,
            fact_recall=0.0,
            failures=["error", "not exact"],
        ),
        # a row of a run written before histories were messages
        _row(
            "old",
            dataset="guide",
            kind="direct",
            history=["En tidigare fråga?"],
            route="lookup",
            failures=["wrong route"],
        ),
    ]


@pytest.fixture
def users_run(tmp_path: Path) -> RunData:
    rows = _users_rows()
    metrics = summarize_rows(rows)
    metrics["config"] = {"dataset": {"path": "a + b", "sha256": "cd" * 32, "items": 8}, "selected": 8}
    run_dir = tmp_path / "users"
    run_dir.mkdir()
    return RunData(run_dir, metrics, rows)


def test_per_dataset_and_kind_table(users_run: RunData) -> None:
    md = write_report(users_run.path, users_run)[0].read_text(encoding="utf-8")
    section = md.split("## Per dataset and kind")[1].split("## ")[0]
    assert (
        "| dataset | kind | n | failed | right facts | fact recall | wrongly refused | declined out-of-scope |"
        in section
    )
    # gold: 5 answerable, 2 exact, 1 refused; recall (1 + 1 + .5 + 0 + 0) / 5; answered lengths 16, 16, 633, 13
    assert "| gold | (all) | 5 | 3 | 0.400 | 0.500 | 0.200 | – | 1.000 | 1.000 | 16 |" in section
    assert "| gold | english | 2 | 1 | 0.500 | 0.750 | 0.000 | – |" in section
    assert "| gold | typo | 2 | 2 | 0.000 | 0.000 | 0.500 | – |" in section
    assert "| gold | (no kind) | 1 | 0 | 1.000 |" in section
    assert "| guide | outofscope | 1 | 1 | – | – | – | 0.000 |" in section


def test_worst_items_are_told_in_full_worst_first(users_run: RunData) -> None:
    md = write_report(users_run.path, users_run)[0].read_text(encoding="utf-8")
    worst = md.split("## Worst items (what users saw)")[1].split("## Failed items")[0]
    titles = [line for line in worst.splitlines() if line.startswith("### ")]
    assert titles == [
        "### u-none (gold · typo)",  # answered, none of the facts
        "### u-ref (gold · typo)",  # declined a question the PM answers
        "### u-miss (gold · english)",  # half the facts
        "### d-err (guide · direct)",
        "### d-oos (guide · outofscope)",
        "### old (guide · direct)",  # only the route was wrong
    ]
    miss = worst.split("### u-miss")[1].split("###")[0]
    assert "- **why:** facts missing: 2022 / år 2022" in miss
    assert "- **note:** Svaret ska nämna 2022." in miss
    # the whole answer, line by line, as the user read it
    assert "> Första raden om Sigtuna. [1]\n> Andra raden, utan årtal.\n>\n> Mer text." in miss
    assert miss.count("Mer text.") == 60
    oos = worst.split("### d-oos")[1]
    assert "- **why:** answered a question it should decline" in oos
    assert "- **earlier turn:** user: Vad är en lägesbild?" in oos
    assert "- **earlier turn:** assistant: En beskrivning av läget." in oos
    assert "<script>" not in oos and "&lt;script&gt;" in oos
    assert "(declined) Det framgår inte av underlaget." in worst.split("### u-ref")[1]
    assert "error: InputError: för lång" in worst.split("### d-err")[1]


def test_worst_items_and_old_histories_in_html(users_run: RunData) -> None:
    md_path, html_path = write_report(users_run.path, users_run)
    page = html_path.read_text(encoding="utf-8")
    assert "<h3>u-none (gold · typo)</h3>" in page and "<blockquote>Inget av det.</blockquote>" in page
    assert "<script>" not in page and "Ja, &lt;script&gt;" in page
    md = md_path.read_text(encoding="utf-8")
    failed = md.split("## Failed items")[1]
    assert "| old | wrong route | user: En tidigare fråga? / Fråga old? |" in failed
    assert "user: Vad är en lägesbild? / assistant: En beskrivning av läget. / Fråga d-oos?" in failed
