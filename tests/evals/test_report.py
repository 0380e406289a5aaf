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


def test_latency_chart_names_p50_and_p95_in_a_legend_not_on_each_other(monkeypatch, tmp_path: Path) -> None:
    from evals import charts

    figures = []
    monkeypatch.setattr(charts, "_save", lambda fig, path: figures.append(fig) or path)
    charts.latency_histogram(tmp_path / "l.png", [40.0, 45.0, 50.0, 66.0, 1000.0], 46.0, 66.0)
    (ax,) = figures[0].axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["p50 46 ms", "p95 66 ms"]
    assert not ax.texts  # no labels written next to the lines, where close values overlap
