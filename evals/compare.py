"""Compare two runs: per-metric deltas (B minus A) and the items whose outcome flipped."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.gates import LOWER_IS_BETTER, NEUTRAL, label
from evals.metrics import QUALITY_KEYS
from evals.rundir import RunData, load_run
from evals.tables import Section, Table, excerpt, fmt, fmt_delta, to_markdown

DELTA_KEYS = ("n", *QUALITY_KEYS, "wrongly_refused", "latency_p50_ms", "latency_p95_ms", "answer_chars_p50")
FLIP_KINDS = ("exact", "refused", "hit@5")


@dataclass(frozen=True)
class Delta:
    key: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def verdict(self) -> str:
        """better / worse / same / – (undefined), with lower latency counting as better."""
        delta = self.delta
        if delta is None or self.key in NEUTRAL:
            return "–"
        if abs(delta) < 1e-9:
            return "same"
        improved = delta < 0 if self.key in LOWER_IS_BETTER else delta > 0
        return "better" if improved else "worse"


@dataclass(frozen=True)
class Flip:
    id: str
    kind: str
    a: bool
    b: bool
    improved: bool
    question: str


@dataclass
class Comparison:
    a: RunData
    b: RunData
    deltas: list[Delta]
    flips: list[Flip]
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _flip_value(row: Mapping[str, Any], kind: str) -> bool | None:
    value = row.get(kind)
    return None if value is None else bool(value)


def _improved(kind: str, b_value: bool, row: Mapping[str, Any]) -> bool:
    if kind == "refused":
        return b_value == (not row.get("answerable", True))
    return b_value


Rows = Sequence[Mapping[str, Any]]


def item_key(rows_a: Rows, rows_b: Rows) -> Callable[[Mapping[str, Any]], str]:
    """How an item is known in both runs: its id, or ``dataset/id`` when a run has several datasets
    (a run of one dataset matches a run written before rows named their dataset)."""

    def several(rows: Rows) -> bool:
        return len({row.get("dataset") or "" for row in rows}) > 1

    if several(rows_a) or several(rows_b):
        return lambda row: f"{row.get('dataset') or ''}/{row['id']}"
    return lambda row: str(row["id"])


def find_flips(rows_a: Sequence[Mapping[str, Any]], rows_b: Sequence[Mapping[str, Any]]) -> list[Flip]:
    """Items in both runs whose exact / refused / hit@5 changed; regressions first."""
    key = item_key(rows_a, rows_b)
    by_id = {key(row): row for row in rows_a}
    flips: list[Flip] = []
    for row_b in rows_b:
        row_a = by_id.get(key(row_b))
        if row_a is None:
            continue
        for kind in FLIP_KINDS:
            a, b = _flip_value(row_a, kind), _flip_value(row_b, kind)
            if a is None or b is None or a == b:
                continue
            flips.append(Flip(key(row_b), kind, a, b, _improved(kind, b, row_b), row_b.get("question", "")))
    return sorted(flips, key=lambda f: (f.improved, FLIP_KINDS.index(f.kind), f.id))


def _notes(a: RunData, b: RunData) -> list[str]:
    config_a, config_b = a.metrics.get("config", {}), b.metrics.get("config", {})
    notes = []
    sha_a = (config_a.get("dataset") or {}).get("sha256")
    sha_b = (config_b.get("dataset") or {}).get("sha256")
    if sha_a and sha_b and sha_a != sha_b:
        notes.append("The runs used different dataset files (sha256 differs); deltas may not be like for like.")
    for key in ("generator", "embedder"):
        if config_a.get(key) != config_b.get(key):
            notes.append(f"{key}: {config_a.get(key)} → {config_b.get(key)}")
    return notes


def compare_runs(a: RunData, b: RunData) -> Comparison:
    deltas = [Delta(key, a.overall.get(key), b.overall.get(key)) for key in DELTA_KEYS]
    key = item_key(a.rows, b.rows)
    ids_a = [key(row) for row in a.rows]
    ids_b = [key(row) for row in b.rows]
    return Comparison(
        a=a,
        b=b,
        deltas=deltas,
        flips=find_flips(a.rows, b.rows),
        only_a=[i for i in ids_a if i not in set(ids_b)],
        only_b=[i for i in ids_b if i not in set(ids_a)],
        notes=_notes(a, b),
    )


def compare_dirs(run_a: Path, run_b: Path) -> Comparison:
    return compare_runs(load_run(run_a), load_run(run_b))


# --------------------------------------------------------------------------- presentation


def delta_table(comparison: Comparison) -> Table:
    rows = [
        [label(d.key), fmt(d.a, d.key), fmt(d.b, d.key), fmt_delta(d.delta, d.key), d.verdict]
        for d in comparison.deltas
    ]
    return Table(["metric", "A", "B", "Δ (B − A)", ""], rows)


def flip_table(comparison: Comparison) -> Table:
    rows = [
        [f.id, f.kind, fmt(f.a), fmt(f.b), "better" if f.improved else "worse", excerpt(f.question, 120)]
        for f in comparison.flips
    ]
    return Table(["id", "flipped", "A", "B", "", "question"], rows)


def flip_counts(comparison: Comparison) -> str:
    better = sum(f.improved for f in comparison.flips)
    return f"{len(comparison.flips)} flips: {better} better, {len(comparison.flips) - better} worse."


def comparison_sections(comparison: Comparison) -> list[Section]:
    runs = Section("Runs", paragraphs=[f"A: {comparison.a.path}", f"B: {comparison.b.path}", *comparison.notes])
    if comparison.only_a or comparison.only_b:
        runs.paragraphs.append(
            f"Items only in A: {len(comparison.only_a)}; only in B: {len(comparison.only_b)} (not compared)."
        )
    metrics = Section("Metrics", tables=[delta_table(comparison)])
    flips = Section(
        "Flipped items",
        paragraphs=[flip_counts(comparison)],
        tables=[flip_table(comparison)] if comparison.flips else [],
    )
    return [runs, metrics, flips]


def comparison_markdown(comparison: Comparison) -> str:
    return to_markdown("Eval comparison (B minus A)", comparison_sections(comparison))
