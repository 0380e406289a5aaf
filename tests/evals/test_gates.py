"""Quality gates for the whole run and for a dataset, kind or tag of it."""

from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from evals.gates import Gate, GateFailure, check_gates, enforce_gates, parse_gates


def _row(dataset: str, kind: str | None, exact: bool, tags: tuple[str, ...] = (), answerable: bool = True) -> dict:
    return {
        "id": f"{dataset}-{kind}-{exact}",
        "dataset": dataset,
        "kind": kind,
        "tags": list(tags),
        "answerable": answerable,
        "refused": not answerable,
        "exact": exact if answerable else None,
        "fact_recall": float(exact) if answerable else None,
        "failures": [] if exact else ["not exact"],
    }


ROWS = [
    _row("gold", None, True),
    _row("gold", None, True),
    _row("gold", "english", True, ("users-words",)),
    _row("gold", "english", False, ("users-words",)),
    _row("gold", "typo", False, ("users-words",)),
    _row("dev-guide", "english", False),
    _row("dev-guide", "outofscope", False, answerable=False),
]


def test_scopes_are_parsed_in_any_combination() -> None:
    gates = parse_gates(["exact=0.9", "kind:english:hit@5=0.5", "dataset:gold:tag:users-words:exact=0.6"])
    assert gates == [
        Gate("exact", 0.9),
        Gate("hit_at_5", 0.5, kind="english"),
        Gate("exact", 0.6, dataset="gold", tag="users-words"),
    ]
    assert str(gates[2]) == "dataset:gold:tag:users-words:exact=0.6"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("kind:exact=0.5", "a scope is written name:value"),
        ("genre:english:exact=0.5", "unknown scope 'genre'; use dataset, kind, tag"),
        ("kind:english:kind:typo:exact=0.5", "scope 'kind' needs one non-empty value"),
        ("kind::exact=0.5", "scope 'kind' needs one non-empty value"),
        ("kind:english:accuracy=0.5", "unknown metric 'accuracy'"),
        ("kind:english:exact", "expects metric=value or scope:metric=value"),
    ],
)
def test_bad_scopes_are_clean_errors(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_gates([spec])


def test_scoped_gates_are_computed_from_their_rows() -> None:
    overall = {"exact": 0.5}
    specs = {
        "exact=0.5": [],
        "dataset:gold:exact=0.6": [],  # 3 of 5
        "dataset:gold:tag:users-words:exact=0.34": ["dataset:gold:tag:users-words: exact 0.333 < 0.34"],
        "kind:english:exact=0.34": ["kind:english: exact 0.333 < 0.34"],  # 1 of 3 over both datasets
        "dataset:gold:kind:english:exact=0.5": [],
        "kind:(no kind):exact=1": [],  # the items written without a kind (gold's original section)
        "dataset:dev-guide:kind:outofscope:refusal_recall=1": [],
        "dataset:dev-guide:kind:outofscope:exact=0.1": ["dataset:dev-guide:kind:outofscope: exact is undefined"],
        "kind:howto:exact=0.1": ["kind:howto holds no items in this run"],
    }
    for spec, expected in specs.items():
        failed = check_gates(overall, parse_gates([spec]), ROWS)
        assert len(failed) == len(expected), (spec, failed)
        assert all(f.startswith(e) for f, e in zip(failed, expected, strict=True)), (spec, failed)


def test_enforce_names_every_failing_scope() -> None:
    with pytest.raises(GateFailure) as info:
        enforce_gates({"exact": 0.5}, ["exact=0.4", "kind:typo:exact=0.1", "dataset:gold:exact=0.7"], ROWS)
    assert str(info.value) == "below --fail-under: kind:typo: exact 0.000 < 0.1; dataset:gold: exact 0.600 < 0.7"
