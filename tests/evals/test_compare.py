"""`metodstod eval compare`: deltas, flipped items and --fail-under, through the real CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evals.compare import Delta, compare_dirs, find_flips
from evals.gates import check_gates, metric_key, parse_gates
from evals.rundir import METRICS_FILE, RESULTS_FILE, write_json, write_rows
from evals.runner import summarize_rows


def _row(item_id: str, exact: bool | None, refused: bool, hit: bool | None, answerable: bool = True) -> dict:
    rank = None if hit is None else (1 if hit else None)
    return {
        "id": item_id,
        "question": f"Fråga {item_id}?",
        "tags": ["t"],
        "answerable": answerable,
        "refused": refused,
        "expected_route": None,
        "route": "rag",
        "exact": exact,
        "fact_recall": None if exact is None else float(exact),
        "rank": rank,
        "hit@1": hit,
        "hit@3": hit,
        "hit@5": hit,
        "mrr": None if hit is None else float(bool(hit)),
        "ndcg@5": None,
        "citation_precision": None,
        "citation_coverage": None,
        "latency_ms": 100.0,
        "failures": [],
        "error": None,
    }


RUN_A = [
    _row("q1", exact=True, refused=False, hit=True),
    _row("q2", exact=False, refused=False, hit=False),
    _row("q3", exact=True, refused=False, hit=True),
    _row("d1", exact=None, refused=False, hit=None, answerable=False),
]
RUN_B = [
    _row("q1", exact=True, refused=False, hit=True),  # unchanged
    _row("q2", exact=True, refused=False, hit=True),  # exact and hit@5 better
    _row("q3", exact=False, refused=True, hit=True),  # exact worse, declined an answerable question: worse
    _row("d1", exact=None, refused=True, hit=None, answerable=False),  # now declines: better
]


def _write_run(folder: Path, rows: list[dict], sha: str = "aa") -> Path:
    folder.mkdir(parents=True)
    metrics = summarize_rows(rows)
    metrics["config"] = {"dataset": {"path": "gold.yaml", "sha256": sha}, "generator": "extractive", "embedder": "fake"}
    write_rows(folder / RESULTS_FILE, rows)
    write_json(folder / METRICS_FILE, metrics)
    return folder


@pytest.fixture
def runs(tmp_path: Path) -> tuple[Path, Path]:
    return _write_run(tmp_path / "A", RUN_A), _write_run(tmp_path / "B", RUN_B)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "eval", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_deltas_are_b_minus_a(runs: tuple[Path, Path]) -> None:
    comparison = compare_dirs(*runs)
    deltas = {d.key: d for d in comparison.deltas}
    # exact: A 2/3, B 2/3 -> 0; hit@5: A 2/3, B 3/3 -> +1/3; refusal recall: A 0/1, B 1/1 -> +1
    assert deltas["exact"].delta == pytest.approx(0.0)
    assert deltas["hit_at_5"].delta == pytest.approx(1 / 3)
    assert deltas["hit_at_5"].verdict == "better"
    assert deltas["refusal_recall"].delta == 1.0
    assert deltas["refusal_precision"].a is None and deltas["refusal_precision"].delta is None
    assert Delta("latency_p95_ms", 200.0, 150.0).verdict == "better"


def test_flips_are_found_and_judged(runs: tuple[Path, Path]) -> None:
    comparison = compare_dirs(*runs)
    flips = {(f.id, f.kind): f for f in comparison.flips}
    assert set(flips) == {("q2", "exact"), ("q2", "hit@5"), ("q3", "exact"), ("q3", "refused"), ("d1", "refused")}
    assert not flips[("q3", "exact")].improved and not flips[("q3", "refused")].improved
    assert flips[("d1", "refused")].improved and flips[("q2", "hit@5")].improved
    assert [f.improved for f in comparison.flips] == [False, False, True, True, True]  # regressions first


def test_items_missing_from_one_run_are_not_flips() -> None:
    assert find_flips([_row("x", True, False, True)], [_row("y", False, False, False)]) == []


def test_items_are_matched_within_their_dataset() -> None:
    a = [dict(_row("q1", True, False, True), dataset="gold"), dict(_row("q1", True, False, True), dataset="guide")]
    b = [dict(_row("q1", True, False, True), dataset="gold"), dict(_row("q1", False, False, True), dataset="guide")]
    assert [(f.id, f.kind, f.improved) for f in find_flips(a, b)] == [("guide/q1", "exact", False)]
    # a run written before rows named their dataset still matches a run of one dataset
    old, new = [_row("q1", True, False, True)], [dict(_row("q1", False, False, True), dataset="gold")]
    assert [(f.id, f.kind) for f in find_flips(old, new)] == [("q1", "exact")]


def test_compare_cli_prints_tables_and_writes_markdown(runs: tuple[Path, Path], tmp_path: Path) -> None:
    markdown = tmp_path / "compare.md"
    done = _cli("compare", str(runs[0]), str(runs[1]), "--markdown", str(markdown))
    assert done.returncode == 0, done.stderr
    assert "hit@5" in done.stdout and "+0.333" in done.stdout and "5 flips: 3 better, 2 worse." in done.stdout
    text = markdown.read_text(encoding="utf-8")
    assert "| hit@5 | 0.667 | 1.000 | +0.333 | better |" in text
    assert "| refusal_recall | 0.000 | 1.000 | +1.000 | better |" in text
    assert "| q3 | refused | no | yes | worse | Fråga q3? |" in text
    assert "| d1 | refused | no | yes | better |" in text


def test_compare_cli_markdown_to_stdout(runs: tuple[Path, Path]) -> None:
    done = _cli("compare", str(runs[0]), str(runs[1]), "--markdown", "-")
    assert done.returncode == 0, done.stderr
    assert "# Eval comparison (B minus A)" in done.stdout


def test_fail_under_passes_and_fails_on_b(runs: tuple[Path, Path]) -> None:
    ok = _cli("compare", str(runs[0]), str(runs[1]), "--fail-under", "hit@5=0.9", "--fail-under", "exact=0.6")
    assert ok.returncode == 0, ok.stderr
    bad = _cli("compare", str(runs[0]), str(runs[1]), "--fail-under", "exact=0.7", "--fail-under", "mrr=0.5")
    assert bad.returncode == 1
    assert "exact 0.667 < 0.7" in bad.stderr and "mrr" not in bad.stderr
    assert "Traceback" not in bad.stderr


def test_fail_under_with_unknown_metric_or_bad_value_is_a_clean_error(runs: tuple[Path, Path]) -> None:
    for spec, message in (
        ("recall@5=0.5", "unknown metric 'recall@5'"),
        ("exact", "expects metric=value"),
        ("exact=high", "'high' is not a number"),
    ):
        done = _cli("compare", str(runs[0]), str(runs[1]), "--fail-under", spec)
        assert done.returncode == 1, spec
        assert message in done.stderr and "Traceback" not in done.stderr


def test_missing_or_broken_run_dir_is_a_clean_error(runs: tuple[Path, Path], tmp_path: Path) -> None:
    missing = _cli("compare", str(tmp_path / "nope"), str(runs[1]))
    assert missing.returncode == 1 and "no such run directory" in missing.stderr
    (runs[1] / METRICS_FILE).write_text("{not json", encoding="utf-8")
    broken = _cli("compare", str(runs[0]), str(runs[1]))
    assert broken.returncode == 1 and "invalid JSON" in broken.stderr
    assert "Traceback" not in missing.stderr + broken.stderr


def test_different_datasets_are_noted(tmp_path: Path) -> None:
    a = _write_run(tmp_path / "A", RUN_A, sha="aa")
    b = _write_run(tmp_path / "B", RUN_B, sha="bb")
    assert any("different dataset" in note for note in compare_dirs(a, b).notes)


def test_gate_names_and_undefined_values() -> None:
    assert metric_key("hit@5") == metric_key("hit_at_5") == "hit_at_5"
    assert metric_key("Citation-Precision") == "citation_precision"
    gates = parse_gates(["refusal_precision=0.5", "route_accuracy=0.8"])
    failed = check_gates({"refusal_precision": None, "route_accuracy": 0.9}, gates)
    assert failed == ["refusal_precision is undefined in this run (needs at least one scorable item)"]
