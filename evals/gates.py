"""Metric names as users write them, and ``--fail-under [scope:]metric=value`` quality gates.

A gate holds for the whole run (``exact=0.9``) or for a part of it, named by any of
``dataset:NAME``, ``kind:NAME`` and ``tag:NAME`` in front of the metric:
``dataset:gold:tag:users-words:exact=0.6``, ``kind:english:refusal_recall=0.8``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.errors import ConfigError, MetodstodError
from evals.scoring import group_summary, in_scope

# Summary key (evals.metrics.summarize) -> label shown in tables and accepted on the command line.
LABELS: dict[str, str] = {
    "hit_at_1": "hit@1",
    "hit_at_3": "hit@3",
    "hit_at_5": "hit@5",
    "mrr": "mrr",
    "ndcg_at_5": "ndcg@5",
    "fact_recall": "fact_recall",
    "exact": "exact",
    "citation_precision": "citation_precision",
    "citation_coverage": "citation_coverage",
    "refusal_precision": "refusal_precision",
    "refusal_recall": "refusal_recall",
    "refusal_f1": "refusal_f1",
    "route_accuracy": "route_accuracy",
    "latency_p50_ms": "latency_p50_ms",
    "latency_p95_ms": "latency_p95_ms",
    "latency_mean_ms": "latency_mean_ms",
    "answer_chars_p50": "answer_chars_p50",
    "wrongly_refused": "wrongly_refused",
}
LOWER_IS_BETTER = frozenset({"latency_p50_ms", "latency_p95_ms", "latency_mean_ms", "wrongly_refused"})
NEUTRAL = frozenset({"n", "answer_chars_p50"})
"""Reported and compared, but neither better nor worse when they change."""
WHOLE_NUMBERS = frozenset({"latency_p50_ms", "latency_p95_ms", "latency_mean_ms", "answer_chars_p50", "n"})
"""Shown without decimals (milliseconds, characters, counts); every other metric is a share."""
GATEABLE = tuple(key for key in LABELS if key not in LOWER_IS_BETTER | NEUTRAL)
SCOPES = ("dataset", "kind", "tag")


def label(key: str) -> str:
    return LABELS.get(key, key)


def metric_key(name: str) -> str:
    """The summary key for a user-written metric name (``hit@5`` or ``hit_at_5``); ConfigError if unknown."""
    wanted = name.strip().lower().replace("-", "_")
    for key, shown in LABELS.items():
        if wanted in (key, shown) and key in GATEABLE:
            return key
    allowed = ", ".join(LABELS[k] for k in GATEABLE)
    raise ConfigError(f"unknown metric '{name}' in --fail-under; use one of: {allowed}")


class GateFailure(MetodstodError):
    """A run is below one or more ``--fail-under`` thresholds (the command exits non-zero)."""


@dataclass(frozen=True)
class Gate:
    key: str
    threshold: float
    dataset: str | None = None
    kind: str | None = None
    tag: str | None = None

    @property
    def scope(self) -> str:
        """``dataset:gold:kind:english`` (empty for the whole run)."""
        return ":".join(f"{name}:{value}" for name in SCOPES if (value := getattr(self, name)) is not None)

    @property
    def scoped(self) -> bool:
        return bool(self.scope)

    def __str__(self) -> str:
        metric = f"{label(self.key)}={self.threshold:g}"
        return f"{self.scope}:{metric}" if self.scoped else metric


def _parse_scope(spec: str, parts: list[str]) -> dict[str, str]:
    if len(parts) % 2:
        raise ConfigError(f"--fail-under {spec}: a scope is written name:value (dataset:, kind: or tag:)")
    scope: dict[str, str] = {}
    for name, value in zip(parts[::2], parts[1::2], strict=True):
        if name not in SCOPES:
            raise ConfigError(f"--fail-under {spec}: unknown scope '{name}'; use {', '.join(SCOPES)}")
        if not value.strip() or name in scope:
            raise ConfigError(f"--fail-under {spec}: scope '{name}' needs one non-empty value")
        scope[name] = value.strip()
    return scope


def parse_gates(specs: Iterable[str]) -> list[Gate]:
    """``["exact=0.7", "kind:english:hit@5=0.9"]`` -> gates; ConfigError on a bad spec, scope or metric name."""
    gates: list[Gate] = []
    for spec in specs:
        name, sep, value = spec.rpartition("=")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(
                f"--fail-under expects metric=value or scope:metric=value "
                f"(e.g. exact=0.7, kind:english:exact=0.5), got '{spec}'"
            )
        try:
            threshold = float(value)
        except ValueError:
            raise ConfigError(f"--fail-under {spec}: '{value}' is not a number") from None
        if not 0 <= threshold <= 1:
            raise ConfigError(f"--fail-under {spec}: the threshold must be between 0 and 1")
        *scope, metric = name.split(":")
        gates.append(Gate(metric_key(metric), threshold, **_parse_scope(spec, scope)))
    return gates


def _value(gate: Gate, overall: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> tuple[Any, str | None]:
    """The gate's metric over its scope, or why it cannot be had."""
    if not gate.scoped:
        return overall.get(gate.key), None
    chosen = [row for row in rows if in_scope(row, gate.dataset, gate.kind, gate.tag)]
    if not chosen:
        return None, f"{gate.scope} holds no items in this run"
    return group_summary(chosen).get(gate.key), None


def check_gates(overall: Mapping[str, Any], gates: Sequence[Gate], rows: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    """One message per gate that fails; an undefined metric (None) or an empty scope fails too.
    Scoped gates are computed from ``rows``."""
    failed: list[str] = []
    for gate in gates:
        value, problem = _value(gate, overall, rows)
        where = f"{gate.scope}: " if gate.scoped else ""
        if problem:
            failed.append(problem)
        elif value is None:
            failed.append(f"{where}{label(gate.key)} is undefined in this run (needs at least one scorable item)")
        elif value < gate.threshold:
            failed.append(f"{where}{label(gate.key)} {value:.3f} < {gate.threshold:g}")
    return failed


def enforce_gates(overall: Mapping[str, Any], specs: Iterable[str], rows: Sequence[Mapping[str, Any]] = ()) -> None:
    """Raise :class:`GateFailure` naming every threshold the run (or a scope of it) is below."""
    failed = check_gates(overall, parse_gates(specs), rows)
    if failed:
        raise GateFailure("below --fail-under: " + "; ".join(failed))
