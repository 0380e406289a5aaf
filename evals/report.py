"""``report.md`` and ``report.html`` of a run: overall and per-tag tables, charts, failed items.

Charts are PNG files beside ``report.md`` and embedded as base64 in the HTML. Every piece
of text from the dataset or the assistant is escaped, in the HTML and in the Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.gates import label
from evals.metrics import QUALITY_KEYS
from evals.rundir import RunData, baseline_dirs, load_run
from evals.tables import Section, Table, excerpt, fmt, to_html, to_markdown

OVERALL_KEYS = (
    "n",
    "n_answerable",
    "n_errors",
    "n_failed",
    *QUALITY_KEYS,
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_mean_ms",
    "answer_chars_p50",
)
TAG_KEYS = (
    "n",
    "hit_at_5",
    "mrr",
    "exact",
    "fact_recall",
    "citation_precision",
    "refusal_recall",
    "route_accuracy",
    "latency_p50_ms",
)
ANSWER_EXCERPT = 300


def overall_table(systems: Mapping[str, Mapping[str, Any]]) -> Table:
    """Metric rows, one column per system (the product first)."""
    rows = [[label(key), *(fmt(summary.get(key), key) for summary in systems.values())] for key in OVERALL_KEYS]
    return Table(["metric", *systems], rows)


def tag_table(by_tag: Mapping[str, Mapping[str, Any]]) -> Table:
    rows = [[tag, *(fmt(summary.get(key), key) for key in TAG_KEYS)] for tag, summary in by_tag.items()]
    return Table(["tag", *(label(k) for k in TAG_KEYS)], rows)


def expected_facts(row: Mapping[str, Any]) -> str:
    if not row.get("answerable", True):
        return "(should decline)"
    return "; ".join(" / ".join(group) for group in row.get("facts") or [])


def _route_cell(row: Mapping[str, Any]) -> str:
    expected = row.get("expected_route")
    return f"{expected or '–'} → {row.get('route') or '–'}"


def failed_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    """Items that are not exact, took the wrong route, declined wrongly or raised an error."""
    body = []
    for row in rows:
        if not row.get("failures"):
            continue
        said = f"[{row['error']}]" if row.get("error") else excerpt(row.get("answer", ""), ANSWER_EXCERPT)
        if row.get("refused"):
            said = f"(declined) {said}"
        body.append(
            [
                str(row.get("id", "")),
                ", ".join(row["failures"]),
                excerpt(" / ".join([*row.get("history", []), row.get("question", "")]), 200),
                expected_facts(row),
                _route_cell(row),
                fmt(row.get("rank")),
                said,
            ]
        )
    return Table(["id", "why", "question", "expected facts", "route (gold → taken)", "rank", "answer"], body)


def config_lines(config: Mapping[str, Any]) -> list[str]:
    """Short description of the run: dataset, selection, generator, embedder, commit, time."""
    dataset = config.get("dataset", {})
    git = config.get("git") or {}
    commit = str(git.get("commit", ""))[:12] or "unknown"
    if git.get("dirty"):
        commit += " (with uncommitted changes)"
    selection = f"{config.get('selected')} of {dataset.get('items')} items"
    if config.get("tags"):
        selection += f", tags {', '.join(config['tags'])}"
    if config.get("limit"):
        selection += f", limit {config['limit']}"
    lines = [
        f"Dataset: {dataset.get('path')} (sha256 {str(dataset.get('sha256', ''))[:16]}), {selection}.",
        f"Generator: {config.get('generator')}; embedder: {config.get('embedder')}; git: {commit}.",
    ]
    seconds = config.get("run_seconds", config.get("seconds"))
    if seconds is not None:
        lines.append(f"Started {config.get('run_started', config.get('started'))}; took {seconds:.1f} s.")
    return lines


def build_sections(product: RunData, baselines: Sequence[RunData], charts: Mapping[str, Path]) -> list[Section]:
    systems = {"product": product.overall, **{b.path.name: b.overall for b in baselines}}
    overall = Section(
        "Overall", tables=[overall_table(systems)], images=[charts[k] for k in ("overview", "baselines") if k in charts]
    )
    if baselines:
        overall.paragraphs.append(
            "Baselines: the same items through naive pipelines (1000/200 character splits, top 4 passages "
            "concatenated with markers, never declining): " + ", ".join(b.path.name for b in baselines) + ". "
            "Fact recall and exact are substring checks, so their long answers (answer_chars_p50) find facts "
            "more easily; read them together with citation coverage and refusal."
        )
    by_tag = product.metrics.get("by_tag", {})
    tags = Section("Per tag", tables=[tag_table(by_tag)], images=[charts[k] for k in ("by_tag",) if k in charts])
    latency = Section(
        "Latency",
        images=[charts[k] for k in ("latency",) if k in charts],
        paragraphs=[
            f"p50 {fmt(product.overall.get('latency_p50_ms'), 'latency_p50_ms')} ms, "
            f"p95 {fmt(product.overall.get('latency_p95_ms'), 'latency_p95_ms')} ms (timings total)."
        ],
    )
    failed = failed_table(product.rows)
    failures = Section(
        f"Failed items ({len(failed.rows)} of {len(product.rows)})",
        tables=[failed] if failed.rows else [],
        paragraphs=[] if failed.rows else ["None."],
    )
    header = Section("Run", paragraphs=config_lines(product.metrics.get("config", {})))
    return [header, overall, tags, latency, failures]


def write_report(run_dir: Path, product: RunData, baselines: Sequence[RunData] = ()) -> tuple[Path, Path]:
    """Draw the charts and write report.md and report.html into ``run_dir``."""
    from evals.charts import draw_charts

    run_dir = Path(run_dir)
    systems = {"product": product.overall, **{b.path.name: b.overall for b in baselines}}
    latencies = [float(r["latency_ms"]) for r in product.rows if r.get("latency_ms") is not None]
    charts = draw_charts(run_dir, systems, product.metrics.get("by_tag", {}), latencies)
    sections = build_sections(product, baselines, charts)
    title = f"Eval run {run_dir.resolve().name}"
    md_path, html_path = run_dir / "report.md", run_dir / "report.html"
    md_path.write_text(to_markdown(title, sections), encoding="utf-8")
    html_path.write_text(to_html(title, sections), encoding="utf-8")
    return md_path, html_path


def regenerate_report(run_dir: Path) -> tuple[Path, Path]:
    """Write the report again from a run directory on disk (e.g. after a report change)."""
    product = load_run(run_dir)
    return write_report(run_dir, product, [load_run(path) for path in baseline_dirs(run_dir)])
