"""Run a gold dataset through the assistant (and optionally the baselines) into a run directory.

The product is driven exactly like ``metodstod ask``: ``build_assistant(settings)`` and
``Assistant.ask(question, history)``. Rows are appended to ``results.jsonl`` as they are
scored, so an interrupted run leaves what it had; ``metrics.json`` holds
:func:`evals.metrics.aggregate` of the rows plus the run configuration.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import DatasetError, GenerationError, InputError
from evals.dataset import EvalItem, load_dataset
from evals.metrics import aggregate, percentile
from evals.rundir import BASELINES_DIR, METRICS_FILE, RESULTS_FILE, RunData, clear_run_dir, dump_line, write_json
from evals.scoring import as_eval_result, error_row, score_answer

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.types import Answer
    from evals.baselines import Baseline

PER_ITEM_ERRORS = (InputError, GenerationError)
"""Errors that fail one item (counted as failed) instead of stopping the run."""

REPO_ROOT = Path(__file__).resolve().parent.parent


class Answerer(Protocol):
    def ask(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> Answer: ...


@dataclass
class RunOptions:
    """What `metodstod eval run` was asked to do."""

    dataset: Path
    out: Path | None = None
    baselines: bool = False
    limit: int | None = None
    tags: list[str] = field(default_factory=list)
    progress: bool = True


@dataclass
class RunOutcome:
    run_dir: Path
    product: RunData
    baselines: list[RunData]
    seconds: float


# --------------------------------------------------------------------------- items


def select_items(items: Sequence[EvalItem], tags: Sequence[str] = (), limit: int | None = None) -> list[EvalItem]:
    """Items carrying any of ``tags`` (all when none given), then the first ``limit``."""
    chosen = [item for item in items if not tags or set(tags) & set(item.tags)]
    if limit is not None:
        chosen = chosen[:limit]
    if not chosen:
        detail = f" med taggen/taggarna {', '.join(tags)}" if tags else ""
        raise DatasetError(f"inga frågor att utvärdera{detail}")
    return chosen


def answer_item(answerer: Answerer, item: EvalItem) -> dict[str, Any]:
    """Ask one item (with its history) and score it; a rejected question becomes a failed row."""
    started = time.perf_counter()
    try:
        answer = answerer.ask(item.question, list(item.history))
    except PER_ITEM_ERRORS as exc:
        return error_row(item, exc)
    row = score_answer(item, answer)
    if row["latency_ms"] is None:
        row["latency_ms"] = (time.perf_counter() - started) * 1000
    return row


def run_items(
    answerer: Answerer, items: Sequence[EvalItem], results_path: Path, desc: str = "eval", progress: bool = True
) -> list[dict[str, Any]]:
    """Answer and score every item, appending each row to ``results_path`` as it is done."""
    from tqdm import tqdm

    rows: list[dict[str, Any]] = []
    results_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        results_path.open("w", encoding="utf-8") as out,
        tqdm(total=len(items), desc=desc, unit="q", disable=not progress, file=sys.stderr, dynamic_ncols=True) as bar,
    ):
        for item in items:
            row = answer_item(answerer, item)
            dump_line(row, out)
            rows.append(row)
            bar.update(1)
    return rows


def summarize_rows(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``aggregate`` of the rows, plus counts of errors and failed items and the median answer length.

    Fact recall and exactness are substring checks, so a longer answer finds more facts; the median
    length (answerable items that were answered) keeps that visible next to them.
    """
    summary = aggregate([as_eval_result(row) for row in rows])
    summary["overall"]["n_errors"] = sum(bool(row.get("error")) for row in rows)
    summary["overall"]["n_failed"] = sum(bool(row.get("failures")) for row in rows)
    answered = [
        len(row.get("answer") or "")
        for row in rows
        if row.get("answerable") and not row.get("refused") and not row.get("error")
    ]
    summary["overall"]["answer_chars_p50"] = percentile(answered, 50)
    return summary


# --------------------------------------------------------------------------- configuration


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def git_state(root: Path = REPO_ROOT) -> dict[str, Any] | None:
    """Commit and dirty flag of the checkout the code runs from, or None outside git."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=True)
        return done.stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}
    except (OSError, subprocess.SubprocessError):
        return None


def settings_snapshot(settings: Settings) -> dict[str, Any]:
    """All settings as JSON values, secrets masked."""
    return settings.masked()


def run_config(settings: Settings, options: RunOptions, n_dataset: int, n_selected: int) -> dict[str, Any]:
    return {
        "system": "product",
        "dataset": {"path": str(options.dataset), "sha256": file_sha256(options.dataset), "items": n_dataset},
        "selected": n_selected,
        "tags": list(options.tags),
        "limit": options.limit,
        "generator": settings.generator,
        "embedder": settings.embedder_id,
        "baselines": options.baselines,
        "settings": settings_snapshot(settings),
        "git": git_state(),
        "python": platform.python_version(),
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_run_dir(generator: str, root: Path = Path("runs")) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = root / f"{stamp}-{generator}"
    suffix = 2
    while candidate.exists():
        candidate = root / f"{stamp}-{generator}-{suffix}"
        suffix += 1
    return candidate


# --------------------------------------------------------------------------- systems


def run_system(
    answerer: Answerer, items: Sequence[EvalItem], folder: Path, config: dict[str, Any], desc: str, progress: bool
) -> RunData:
    """Run one system into ``folder``: results.jsonl, then metrics.json with timing."""
    started, clock = _now(), time.perf_counter()
    rows = run_items(answerer, items, folder / RESULTS_FILE, desc=desc, progress=progress)
    metrics = summarize_rows(rows)
    metrics["config"] = {**config, "started": started, "finished": _now(), "seconds": time.perf_counter() - clock}
    write_json(folder / METRICS_FILE, metrics)
    return RunData(folder, metrics, rows)


def _run_baselines(
    settings: Settings,
    items: Sequence[EvalItem],
    run_dir: Path,
    base: dict[str, Any],
    options: RunOptions,
    factory: Callable[[Settings], list[Baseline]] | None,
) -> list[RunData]:
    if factory is None:
        from evals.baselines import build_baselines

        factory = build_baselines
    clock = time.perf_counter()
    systems = factory(settings)
    build_seconds = time.perf_counter() - clock
    runs: list[RunData] = []
    try:
        for system in systems:
            config = {**base, **system.describe(), "index_seconds": build_seconds}
            runs.append(
                run_system(system, items, run_dir / BASELINES_DIR / system.name, config, system.name, options.progress)
            )
    finally:
        for system in systems:
            system.close()
    return runs


def run_eval(
    options: RunOptions,
    settings: Settings,
    assistant_factory: Callable[[Settings], Answerer] | None = None,
    baseline_factory: Callable[[Settings], list[Baseline]] | None = None,
) -> RunOutcome:
    """Evaluate the product (and the baselines) on the dataset; write results, metrics and report."""
    clock, started = time.perf_counter(), _now()
    items = load_dataset(options.dataset)
    selected = select_items(items, options.tags, options.limit)
    if assistant_factory is None:
        from assistant.wiring import build_assistant

        assistant_factory = build_assistant
    assistant = assistant_factory(settings)
    run_dir = Path(options.out) if options.out else default_run_dir(settings.generator)
    clear_run_dir(run_dir)
    config = run_config(settings, options, len(items), len(selected))
    product = run_system(assistant, selected, run_dir, config, "product", options.progress)
    baselines: list[RunData] = []
    if options.baselines:
        shared = {k: config[k] for k in ("dataset", "selected", "tags", "limit", "git", "python")}
        baselines = _run_baselines(settings, selected, run_dir, shared, options, baseline_factory)
    seconds = time.perf_counter() - clock
    product.metrics["config"].update({"run_started": started, "run_finished": _now(), "run_seconds": seconds})
    write_json(run_dir / METRICS_FILE, product.metrics)
    from evals.report import write_report

    write_report(run_dir, product, baselines)
    return RunOutcome(run_dir, product, baselines, seconds)
