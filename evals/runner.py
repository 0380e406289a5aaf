"""Run gold datasets through the assistant (and optionally the baselines) into a run directory.

The product is driven exactly like ``metodstod ask``: ``build_assistant(settings)`` and
``Assistant.ask(question, history)``, with the earlier questions of an item's conversation as the
history (what the chat gives it). Each dataset is asked against its own index when it brings
documents (:mod:`evals.isolated`), else against the configured one. Rows are appended to
``results.jsonl`` as they are scored, so an interrupted run leaves what it had; ``metrics.json``
holds :func:`evals.scoring.summarize_rows` of the rows plus the run configuration, including what
each dataset's index held.
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
from evals.dataset import EvalItem
from evals.isolated import Echo, Environment, environment_for
from evals.rundir import BASELINES_DIR, METRICS_FILE, RESULTS_FILE, RunData, clear_run_dir, dump_line, write_json
from evals.scoring import error_row, score_answer, summarize_rows
from evals.suite import Suite, load_suites

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.types import Answer
    from evals.baselines import Baseline

__all__ = ["RunOptions", "RunOutcome", "run_eval", "select_items", "summarize_rows"]

PER_ITEM_ERRORS = (InputError, GenerationError)
"""Errors that fail one item (counted as failed) instead of stopping the run."""

REPO_ROOT = Path(__file__).resolve().parent.parent


class Answerer(Protocol):
    def ask(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> Answer: ...


BaselineFactory = Callable[["Settings", Sequence[Path]], "list[Baseline]"]


@dataclass
class RunOptions:
    """What `metodstod eval run` was asked to do."""

    dataset: Path | Sequence[Path]
    out: Path | None = None
    baselines: bool = False
    limit: int | None = None
    tags: list[str] = field(default_factory=list)
    progress: bool = True
    documents: list[Path] = field(default_factory=list)  # added to every dataset (`--document`)
    embedding_cache: bool = True  # for the index of a dataset that brings documents

    @property
    def datasets(self) -> list[Path]:
        return [Path(self.dataset)] if isinstance(self.dataset, str | Path) else [Path(p) for p in self.dataset]


@dataclass
class RunOutcome:
    run_dir: Path
    product: RunData
    baselines: list[RunData]
    seconds: float


# --------------------------------------------------------------------------- items


def select_items(
    items: Sequence[EvalItem], tags: Sequence[str] = (), limit: int | None = None, required: bool = True
) -> list[EvalItem]:
    """Items carrying any of ``tags`` as a tag or as their kind (all when none given), then the first
    ``limit``; DatasetError when nothing is left and ``required``."""
    chosen = [item for item in items if not tags or set(tags) & {*item.tags, item.kind}]
    if limit is not None:
        chosen = chosen[:limit]
    if not chosen and required:
        detail = f" with tag(s) {', '.join(tags)}" if tags else ""
        raise DatasetError(f"no items to evaluate{detail}")
    return chosen


def answer_item(answerer: Answerer, item: EvalItem) -> dict[str, Any]:
    """Ask one item (with its earlier questions) and score it; a rejected question becomes a failed row."""
    started = time.perf_counter()
    try:
        answer = answerer.ask(item.question, item.earlier_questions)
    except PER_ITEM_ERRORS as exc:
        return error_row(item, exc)
    row = score_answer(item, answer)
    if row["latency_ms"] is None:
        row["latency_ms"] = (time.perf_counter() - started) * 1000
    return row


def run_items(
    answerer: Answerer,
    items: Sequence[EvalItem],
    results_path: Path,
    desc: str = "eval",
    progress: bool = True,
    dataset: str = "",
) -> list[dict[str, Any]]:
    """Answer and score every item, appending each row (marked with its dataset) to ``results_path``."""
    from tqdm import tqdm

    rows: list[dict[str, Any]] = []
    results_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        results_path.open("a", encoding="utf-8") as out,
        tqdm(total=len(items), desc=desc, unit="q", disable=not progress, file=sys.stderr, dynamic_ncols=True) as bar,
    ):
        for item in items:
            row = {"dataset": dataset, **answer_item(answerer, item)}
            dump_line(row, out)
            rows.append(row)
            bar.update(1)
    return rows


# --------------------------------------------------------------------------- configuration


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


def dataset_record(suite: Suite, selected: int, index: dict[str, Any]) -> dict[str, Any]:
    """What the run records of one dataset: the file, its items and the index it was asked against."""
    return {
        "name": suite.name,
        "path": str(suite.path),
        "sha256": suite.sha256,
        "items": len(suite.items),
        "selected": selected,
        "index": index,
    }


def _combined(datasets: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The ``dataset`` entry: the file itself for one dataset, all of them together for several."""
    if len(datasets) == 1:
        return {k: datasets[0][k] for k in ("path", "sha256", "items")}
    digest = hashlib.sha256("".join(d["sha256"] for d in datasets).encode()).hexdigest()
    paths = " + ".join(d["path"] for d in datasets)
    return {"path": paths, "sha256": digest, "items": sum(d["items"] for d in datasets)}


def run_config(settings: Settings, options: RunOptions, datasets: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "system": "product",
        "dataset": _combined(datasets),
        "datasets": list(datasets),
        "selected": sum(d["selected"] for d in datasets),
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


@dataclass
class SystemRun:
    """One system's rows over every dataset, appended to ``folder/results.jsonl`` as they come."""

    name: str
    folder: Path
    rows: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    config: dict[str, Any] = field(default_factory=dict)
    started: str = field(default_factory=lambda: _now())

    def add(self, answerer: Answerer, suite: Suite, items: Sequence[EvalItem], progress: bool) -> None:
        clock = time.perf_counter()
        desc = f"{self.name} · {suite.name}"
        self.rows += run_items(answerer, items, self.folder / RESULTS_FILE, desc, progress, suite.name)
        self.seconds += time.perf_counter() - clock

    def finish(self, config: dict[str, Any]) -> RunData:
        """Write metrics.json: the summaries of the rows and the configuration with timing."""
        metrics = summarize_rows(self.rows)
        metrics["config"] = {**config, **self.config, "started": self.started, "finished": _now()}
        metrics["config"]["seconds"] = self.seconds
        write_json(self.folder / METRICS_FILE, metrics)
        return RunData(self.folder, metrics, self.rows)


def _default_baselines(settings: Settings, folders: Sequence[Path]) -> list[Baseline]:
    from evals.baselines import build_baselines

    return build_baselines(settings, folders=folders)


def _run_baselines(
    env: Environment,
    suite: Suite,
    items: Sequence[EvalItem],
    runs: dict[str, SystemRun],
    run_dir: Path,
    options: RunOptions,
    factory: BaselineFactory,
) -> None:
    """The baselines over the documents of the dataset's index, each into ``baselines/<name>``."""
    clock = time.perf_counter()
    systems = factory(env.settings, env.folders)
    build_seconds = time.perf_counter() - clock
    try:
        for system in systems:
            run = runs.setdefault(system.name, SystemRun(system.name, run_dir / BASELINES_DIR / system.name))
            run.config.update({**system.describe(), "system": system.name})
            run.config["index_seconds"] = run.config.get("index_seconds", 0.0) + build_seconds
            run.add(system, suite, items, options.progress)
    finally:
        for system in systems:
            system.close()


def _selections(options: RunOptions) -> list[tuple[Suite, list[EvalItem]]]:
    """Every dataset with its selected items; an error when the selection leaves nothing at all."""
    suites = load_suites(options.datasets, options.documents)
    chosen = [(suite, select_items(suite.items, options.tags, options.limit, required=False)) for suite in suites]
    if not any(items for _, items in chosen):
        select_items([], options.tags)  # raises the DatasetError naming the tags
    return chosen


def run_eval(
    options: RunOptions,
    settings: Settings,
    assistant_factory: Callable[[Settings], Answerer] | None = None,
    baseline_factory: BaselineFactory | None = None,
    echo: Echo | None = None,
) -> RunOutcome:
    """Evaluate the product (and the baselines) on every dataset; write results, metrics and report."""
    clock, started = time.perf_counter(), _now()
    selections = _selections(options)
    if assistant_factory is None:
        from assistant.wiring import build_assistant

        assistant_factory = build_assistant
    run_dir = Path(options.out) if options.out else default_run_dir(settings.generator)
    clear_run_dir(run_dir)
    product = SystemRun("product", run_dir)
    baselines: dict[str, SystemRun] = {}
    datasets: list[dict[str, Any]] = []
    configured: Answerer | None = None  # the assistant over the configured index, built once
    for suite, items in selections:
        if not items:  # nothing selected: no index is built for it
            datasets.append(dataset_record(suite, 0, {"kind": "not built (no item selected)"}))
            continue
        with environment_for(suite, settings, options.embedding_cache, options.progress, echo) as env:
            datasets.append(dataset_record(suite, len(items), env.index))
            if suite.isolated:
                assistant = assistant_factory(env.settings)
            else:
                configured = configured or assistant_factory(env.settings)
                assistant = configured
            product.add(assistant, suite, items, options.progress)
            if options.baselines:
                factory = baseline_factory or _default_baselines
                _run_baselines(env, suite, items, baselines, run_dir, options, factory)
    config = run_config(settings, options, datasets)
    shared = {k: config[k] for k in ("dataset", "datasets", "selected", "tags", "limit", "git", "python")}
    baseline_runs = [run.finish(shared) for run in baselines.values()]
    result = product.finish(config)
    seconds = time.perf_counter() - clock
    result.metrics["config"].update({"run_started": started, "run_finished": _now(), "run_seconds": seconds})
    write_json(run_dir / METRICS_FILE, result.metrics)
    from evals.report import write_report

    write_report(run_dir, result, baseline_runs)
    return RunOutcome(run_dir, result, baseline_runs, seconds)
