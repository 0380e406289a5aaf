"""Metric names as users write them, and ``--fail-under metric=value`` quality gates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.errors import ConfigError, MetodstodError

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
}
LOWER_IS_BETTER = frozenset({"latency_p50_ms", "latency_p95_ms", "latency_mean_ms"})
NEUTRAL = frozenset({"n", "answer_chars_p50"})
"""Reported and compared, but neither better nor worse when they change."""
GATEABLE = tuple(key for key in LABELS if key not in LOWER_IS_BETTER | NEUTRAL)


def label(key: str) -> str:
    return LABELS.get(key, key)


def metric_key(name: str) -> str:
    """The summary key for a user-written metric name (``hit@5`` or ``hit_at_5``); ConfigError if unknown."""
    wanted = name.strip().lower().replace("-", "_")
    for key, shown in LABELS.items():
        if wanted in (key, shown) and key in GATEABLE:
            return key
    allowed = ", ".join(LABELS[k] for k in GATEABLE)
    raise ConfigError(f"okänt mått '{name}' i --fail-under; använd ett av: {allowed}")


class GateFailure(MetodstodError):
    """A run is below one or more ``--fail-under`` thresholds (the command exits non-zero)."""


@dataclass(frozen=True)
class Gate:
    key: str
    threshold: float

    def __str__(self) -> str:
        return f"{label(self.key)}={self.threshold:g}"


def parse_gates(specs: Iterable[str]) -> list[Gate]:
    """``["exact=0.7", "hit@5=0.9"]`` -> gates; ConfigError on a bad spec or metric name."""
    gates: list[Gate] = []
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(f"--fail-under väntar sig mått=värde (t.ex. exact=0.7), inte '{spec}'")
        try:
            threshold = float(value)
        except ValueError:
            raise ConfigError(f"--fail-under {spec}: '{value}' är inget tal") from None
        if not 0 <= threshold <= 1:
            raise ConfigError(f"--fail-under {spec}: gränsen ska ligga mellan 0 och 1")
        gates.append(Gate(metric_key(name), threshold))
    return gates


def check_gates(overall: Mapping[str, Any], gates: Sequence[Gate]) -> list[str]:
    """One message per gate that fails; an undefined metric (None) fails too."""
    failed: list[str] = []
    for gate in gates:
        value = overall.get(gate.key)
        if value is None:
            failed.append(f"{label(gate.key)} is undefined in this run (needs at least one scorable item)")
        elif value < gate.threshold:
            failed.append(f"{label(gate.key)} {value:.3f} < {gate.threshold:g}")
    return failed


def enforce_gates(overall: Mapping[str, Any], specs: Iterable[str]) -> None:
    """Raise :class:`GateFailure` naming every threshold ``overall`` is below."""
    failed = check_gates(overall, parse_gates(specs))
    if failed:
        raise GateFailure("below --fail-under: " + "; ".join(failed))
