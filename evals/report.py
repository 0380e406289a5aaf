"""``report.md`` and ``report.html`` of a run: overall, per dataset and kind, per tag, charts, the
worst items told in full (what a user saw) and every failed item.

Charts are PNG files beside ``report.md`` and embedded as base64 in the HTML. Every piece
of text from the dataset or the assistant is escaped, in the HTML and in the Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.gates import label
from evals.metrics import QUALITY_KEYS, match_form
from evals.rundir import RunData, baseline_dirs, load_run
from evals.scoring import NO_KIND
from evals.tables import Entry, Section, Table, excerpt, fmt, to_html, to_markdown

OVERALL_KEYS = (
    "n",
    "n_answerable",
    "n_errors",
    "n_failed",
    *QUALITY_KEYS,
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_mean_ms",
    "wrongly_refused",
    "answer_chars_p50",
)
GROUP_COLUMNS = (
    ("n", "n"),
    ("n_failed", "failed"),
    ("exact", "right facts"),
    ("fact_recall", "fact recall"),
    ("wrongly_refused", "wrongly refused"),
    ("refusal_recall", "declined out-of-scope"),
    ("hit_at_5", "hit@5"),
    ("citation_precision", "citation precision"),
    ("answer_chars_p50", "median answer (chars)"),
)
GROUP_NOTE = (
    "right facts: answerable items whose answer holds every expected fact (exact); wrongly refused: answerable "
    "items the assistant declined; declined out-of-scope: items it should decline that it did (refusal recall); "
    "citation precision: cited sentences their passage supports; median answer: characters of answered items."
)
WORST_ITEMS = 10
"""Worst items told in full, per dataset."""
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


def group_table(by_dataset: Mapping[str, Mapping[str, Any]]) -> Table:
    """One row per dataset, then one per kind within it (only when the dataset has kinds)."""
    rows = []
    for name, groups in by_dataset.items():
        rows.append([name or "–", "(all)", *(fmt(groups["all"].get(k), k) for k, _ in GROUP_COLUMNS)])
        kinds = groups.get("kinds", {})
        if set(kinds) - {NO_KIND}:
            for kind, summary in kinds.items():
                rows.append([name or "–", kind, *(fmt(summary.get(k), k) for k, _ in GROUP_COLUMNS)])
    return Table(["dataset", "kind", *(header for _, header in GROUP_COLUMNS)], rows)


def turn_text(turn: Any) -> str:
    """A history turn of a row: ``{"role", "content"}`` (or a plain earlier question in older runs)."""
    if isinstance(turn, Mapping):
        return f"{turn.get('role', 'user')}: {turn.get('content', '')}"
    return f"user: {turn}"


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
                excerpt(" / ".join([*map(turn_text, row.get("history", [])), row.get("question", "")]), 200),
                expected_facts(row),
                _route_cell(row),
                fmt(row.get("rank")),
                said,
            ]
        )
    return Table(["id", "why", "question", "expected facts", "route (gold → taken)", "rank", "answer"], body)


# --------------------------------------------------------------------------- worst items


def missing_facts(row: Mapping[str, Any]) -> list[str]:
    """The expected fact groups the answer does not hold."""
    answer = match_form(row.get("answer") or "")
    return [" / ".join(g) for g in row.get("facts") or [] if not any(match_form(alt) in answer for alt in g)]


def verdict(row: Mapping[str, Any]) -> tuple[int, str]:
    """How bad an item is for a user (lower is worse) and why, in words."""
    answerable, refused = bool(row.get("answerable", True)), bool(row.get("refused"))
    if row.get("error"):
        return 0, f"error: {row['error']}"
    if answerable and not refused and not row.get("fact_recall"):
        return 1, "answered without any of the expected facts"
    if not answerable and not refused:
        return 2, "answered a question it should decline"
    if answerable and refused:
        return 3, "declined a question the material answers"
    if answerable and not row.get("exact"):
        return 4, "facts missing: " + "; ".join(missing_facts(row))
    return 5, ", ".join(row.get("failures") or []) or "passed"


def worst_rows(rows: Sequence[Mapping[str, Any]], limit: int = WORST_ITEMS) -> list[Mapping[str, Any]]:
    """Failed items, worst first: errors, wrong answers, answered out of scope, wrong refusals, missing facts."""

    def order(row: Mapping[str, Any]) -> tuple:
        precision = row.get("citation_precision")
        return verdict(row)[0], row.get("fact_recall") or 0.0, 1.0 if precision is None else precision

    return sorted((row for row in rows if row.get("failures")), key=order)[:limit]


def _source_line(citation: Mapping[str, Any]) -> str:
    page = f", s. {citation['page']}" if citation.get("page") else ""
    return f"[{citation.get('n')}] {citation.get('title', '')} – {citation.get('section', '')}{page}"


def worst_entry(row: Mapping[str, Any]) -> Entry:
    """An item as a user met it: the conversation, the answer as shown, its sources, and what was expected."""
    where = " · ".join(str(part) for part in (row.get("dataset"), row.get("kind")) if part)
    fields = [("why", verdict(row)[1])]
    fields += [("earlier turn", turn_text(turn)) for turn in row.get("history", [])]
    fields.append(("question", str(row.get("question", ""))))
    fields.append(("expected", expected_facts(row)))
    if row.get("note"):
        fields.append(("note", str(row["note"])))
    fields.append(("needle found at rank", fmt(row.get("rank")) if row.get("needle") else "(no needle)"))
    fields += [("cited", _source_line(citation)) for citation in row.get("citations", [])]
    said = row.get("answer") or ""
    quote = f"(declined) {said}" if row.get("refused") else said
    return Entry(f"{row.get('id', '')}" + (f" ({where})" if where else ""), fields, quote or "(no answer)")


def worst_section(rows: Sequence[Mapping[str, Any]]) -> Section:
    """Per dataset, the worst items told in full (their answers as users saw them)."""
    datasets: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        datasets.setdefault(str(row.get("dataset") or ""), []).append(row)
    entries = [worst_entry(row) for part in datasets.values() for row in worst_rows(part)]
    intro = f"Up to {WORST_ITEMS} failed items per dataset, worst first, with the answer a user would have read."
    return Section("Worst items (what users saw)", paragraphs=[intro if entries else "None."], entries=entries)


# --------------------------------------------------------------------------- run description


def index_line(record: Mapping[str, Any]) -> str:
    """What one dataset was asked against: the configured index, or its own (corpus + documents)."""
    index = record.get("index") or {}
    corpus = index.get("corpus") or {}
    name = f"Dataset {record.get('name')}: {record.get('selected')} of {record.get('items')} items"
    generation = f"corpus generation {corpus.get('generation')}"
    if not record.get("selected"):
        return f"{name}: none selected, not evaluated."
    if index.get("kind") != "isolated":
        return f"{name}, asked against the configured index ({index.get('data_dir')}; {generation})."
    parts = [generation] if corpus.get("included") else ["without the corpus"]
    for doc in index.get("documents", []):
        parts.append(f"{Path(doc['path']).name} (sha256 {doc['sha256'][:12]}, {doc.get('chunks')} chunks)")
    cache = index.get("embedding_cache") or {}
    reused = f", {cache['hits']} of {cache['hits'] + cache['misses']} chunks from the embedding cache" if cache else ""
    return f"{name}, asked against its own index: {' + '.join(parts)}; built in {index.get('seconds')} s{reused}."


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
    lines += [index_line(record) for record in config.get("datasets", [])]
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
    groups = Section(
        "Per dataset and kind", paragraphs=[GROUP_NOTE], tables=[group_table(product.metrics.get("by_dataset", {}))]
    )
    by_tag = product.metrics.get("by_tag", {})
    tags = Section(
        "Per tag",
        tables=[tag_table(by_tag)] if by_tag else [],
        paragraphs=[] if by_tag else ["No item has a tag."],
        images=[charts[k] for k in ("by_tag",) if k in charts],
    )
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
    return [header, overall, groups, tags, latency, worst_section(product.rows), failures]


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
