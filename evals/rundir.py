"""Reading and writing run directories: ``results.jsonl`` + ``metrics.json`` (+ ``baselines/<name>/``)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from assistant.errors import MetodstodError

RESULTS_FILE = "results.jsonl"
METRICS_FILE = "metrics.json"
BASELINES_DIR = "baselines"
BASELINE_ORDER = ("langchain-dense", "bm25")


class RunDirError(MetodstodError):
    """A run directory is missing or does not hold a readable eval run."""


@dataclass
class RunData:
    """One system's results as stored on disk: metrics.json and the rows of results.jsonl."""

    path: Path
    metrics: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overall(self) -> dict[str, Any]:
        return self.metrics.get("overall", {})

    @property
    def name(self) -> str:
        return str(self.metrics.get("config", {}).get("system", self.path.name))


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf become null (they are not valid JSON)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def dump_line(row: Mapping[str, Any], out: TextIO) -> None:
    out.write(json.dumps(_clean(dict(row)), ensure_ascii=False) + "\n")
    out.flush()


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(_clean(dict(data)), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_rows(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            dump_line(row, out)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RunDirError(f"{path}: kan inte läsas: {exc}") from None
    except json.JSONDecodeError as exc:
        raise RunDirError(f"{path}: ogiltig JSON på rad {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("overall"), dict):
        raise RunDirError(f"{path}: ingen måttfil från en utvärdering (avsnittet 'overall' saknas)")
    return data


def _read_rows(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RunDirError(f"{path}: kan inte läsas: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RunDirError(f"{path}: rad {number}: ogiltig JSON: {exc.msg}") from None
        if not isinstance(row, dict) or "id" not in row:
            raise RunDirError(f"{path}: rad {number}: väntade ett objekt med 'id'")
        rows.append(row)
    return rows


def load_run(path: Path) -> RunData:
    """A run directory (or a baseline's directory inside one); raises :class:`RunDirError`."""
    path = Path(path)
    if not path.is_dir():
        raise RunDirError(f"{path}: körningsmappen finns inte")
    metrics_path = path / METRICS_FILE
    results_path = path / RESULTS_FILE
    for needed in (metrics_path, results_path):
        if not needed.is_file():
            raise RunDirError(f"{path}: ingen körningsmapp från en utvärdering ({needed.name} saknas)")
    return RunData(path, _read_json(metrics_path), _read_rows(results_path))


def baseline_dirs(run_dir: Path) -> list[Path]:
    """The baselines/<name> folders of a run that hold results, the known baselines first."""
    root = Path(run_dir) / BASELINES_DIR
    if not root.is_dir():
        return []

    def order(path: Path) -> tuple[int, str]:
        known = BASELINE_ORDER.index(path.name) if path.name in BASELINE_ORDER else len(BASELINE_ORDER)
        return known, path.name

    return sorted((p for p in root.iterdir() if (p / METRICS_FILE).is_file()), key=order)


def clear_run_dir(run_dir: Path) -> None:
    """Create ``run_dir``, removing the files an earlier run left there (and nothing else)."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    stale = [run_dir / RESULTS_FILE, run_dir / METRICS_FILE, run_dir / "report.md", run_dir / "report.html"]
    stale += list(run_dir.glob("chart-*.png"))
    for folder in baseline_dirs(run_dir):
        stale += [folder / RESULTS_FILE, folder / METRICS_FILE]
    for path in stale:
        path.unlink(missing_ok=True)
    for folder in [*sorted((run_dir / BASELINES_DIR).glob("*")), run_dir / BASELINES_DIR]:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
