"""Score one answer against its gold item: the per-item rows of ``results.jsonl``, and their summaries.

A row keeps what the assistant said (answer, citations, sources, route, timings) next to
every per-item metric, so a run can be audited and compared without re-running it.
Metric values come from :mod:`evals.metrics`; nothing is re-implemented here. Summaries are
given overall, per tag, per kind and per dataset (and kind within it), each with what a user
would notice too: wrongly refused questions and the median answer length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from evals.metrics import (
    EvalResult,
    citation_coverage,
    citation_precision,
    exact_correct,
    fact_recall,
    hit_at,
    ndcg_at_5,
    needle_rank,
    percentile,
    reciprocal_rank,
    summarize,
)

if TYPE_CHECKING:
    from assistant.types import Answer, Citation
    from evals.dataset import EvalItem

SOURCE_TEXT_CHARS = 400
"""Source texts are trimmed to this many characters in results.jsonl (citations are kept whole)."""

METRIC_KEYS = (
    "rank",
    "hit@1",
    "hit@3",
    "hit@5",
    "mrr",
    "ndcg@5",
    "fact_recall",
    "exact",
    "citation_precision",
    "citation_coverage",
)


NO_KIND = "(no kind)"
"""The kind group of items written without a kind."""


def _item_fields(item: EvalItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "question": item.question,
        "history": [turn.model_dump() for turn in item.history],
        "kind": item.kind,
        "tags": list(item.tags),
        "note": item.note,
        "answerable": item.answerable,
        "expected_route": item.route,
        "facts": [list(group) for group in item.facts],
        "needle": list(item.needle),
    }


def _citation_row(citation: Citation, trim: int | None = None) -> dict[str, Any]:
    text = citation.text if trim is None or len(citation.text) <= trim else citation.text[:trim] + "…"
    return {
        "n": citation.n,
        "doc_id": citation.doc_id,
        "title": citation.title,
        "section": citation.section,
        "page": citation.page,
        "score": citation.score,
        "text": text,
    }


def retrieval_scores(item: EvalItem, source_texts: list[str]) -> dict[str, Any]:
    """rank, hit@1/3/5, mrr and ndcg@5 by needle; all None when the item has no needle."""
    if not item.needle:
        return {"rank": None, "hit@1": None, "hit@3": None, "hit@5": None, "mrr": None, "ndcg@5": None}
    rank = needle_rank(source_texts, item.needle)
    return {
        "rank": rank,
        "hit@1": hit_at(rank, 1),
        "hit@3": hit_at(rank, 3),
        "hit@5": hit_at(rank, 5),
        "mrr": reciprocal_rank(rank),
        "ndcg@5": ndcg_at_5(source_texts, item.needle),
    }


def answer_scores(item: EvalItem, text: str, citations: Mapping[int, str]) -> dict[str, Any]:
    """Fact recall and exactness (answerable items only) and the two citation metrics."""
    recall = fact_recall(text, item.facts) if item.answerable else None
    return {
        "fact_recall": recall,
        "exact": exact_correct(text, item.facts) if item.answerable else None,
        "citation_precision": citation_precision(text, dict(citations)),
        "citation_coverage": citation_coverage(text),
    }


def failure_reasons(row: Mapping[str, Any]) -> list[str]:
    """Why an item counts as failed: error, not exact, wrong route, wrong refusal (empty = passed)."""
    reasons: list[str] = []
    if row.get("error"):
        reasons.append("error")
    if row.get("answerable") and not row.get("exact"):
        reasons.append("not exact")
    expected = row.get("expected_route")
    if expected is not None and row.get("route") != expected:
        reasons.append("wrong route")
    if bool(row.get("refused")) == bool(row.get("answerable")):
        reasons.append("wrong refusal")
    return reasons


def score_answer(item: EvalItem, answer: Answer) -> dict[str, Any]:
    """The results.jsonl row of one answered item."""
    row = _item_fields(item)
    row.update(
        {
            "answer": answer.text,
            "refused": answer.refused,
            "route": answer.route,
            "citations": [_citation_row(c) for c in answer.citations],
            "sources": [_citation_row(s, SOURCE_TEXT_CHARS) for s in answer.sources],
            "flags": list(answer.flags),
            "timings": {k: round(v, 1) for k, v in answer.timings.items()},
            "latency_ms": answer.timings.get("total"),
            "error": None,
        }
    )
    row.update(retrieval_scores(item, [s.text for s in answer.sources]))
    # A cited passage is judged with its heading path, as the reader sees it (and as it is indexed).
    row.update(answer_scores(item, answer.text, {c.n: f"{c.section}\n{c.text}" for c in answer.citations}))
    row["failures"] = failure_reasons(row)
    return row


def error_row(item: EvalItem, error: Exception, latency_ms: float | None = None) -> dict[str, Any]:
    """The row of an item whose question the assistant rejected: it counts as failed, not declined."""
    row = _item_fields(item)
    row.update(
        {
            "answer": "",
            "refused": False,
            "route": None,
            "citations": [],
            "sources": [],
            "flags": [],
            "timings": {},
            "latency_ms": latency_ms,
            "error": f"{type(error).__name__}: {error}",
        }
    )
    row.update(retrieval_scores(item, []))
    row.update(answer_scores(item, "", {}))
    row["failures"] = failure_reasons(row)
    return row


def as_eval_result(row: Mapping[str, Any]) -> EvalResult:
    """The :class:`EvalResult` that :func:`evals.metrics.aggregate` expects from a row."""
    result = EvalResult(
        id=row["id"],
        tags=list(row.get("tags") or []),
        answerable=bool(row.get("answerable", True)),
        refused=bool(row.get("refused")),
        expected_route=row.get("expected_route"),
        route=row.get("route"),
        ndcg_at_5=row.get("ndcg@5"),
        fact_recall=row.get("fact_recall"),
        exact=row.get("exact"),
        citation_precision=row.get("citation_precision"),
        citation_coverage=row.get("citation_coverage"),
        latency_ms=row.get("latency_ms"),
    )
    if row.get("hit@5") is not None:  # retrieval evaluated (the item has a needle)
        result["rank"] = row.get("rank")
    return result


# --------------------------------------------------------------------------- summaries


def group_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """:func:`evals.metrics.summarize` of the rows, plus errors, failed items, wrongly refused
    answerable items (share) and the median answer length.

    Fact recall and exactness are substring checks, so a longer answer finds more facts; the median
    length (answerable items that were answered) keeps that visible next to them.
    """
    summary: dict[str, Any] = summarize([as_eval_result(row) for row in rows])
    answerable = [row for row in rows if row.get("answerable")]
    answered = [len(row.get("answer") or "") for row in answerable if not row.get("refused") and not row.get("error")]
    summary["n_errors"] = sum(bool(row.get("error")) for row in rows)
    summary["n_failed"] = sum(bool(row.get("failures")) for row in rows)
    refused = sum(bool(row.get("refused")) for row in answerable)
    summary["wrongly_refused"] = refused / len(answerable) if answerable else None
    summary["answer_chars_p50"] = percentile(answered, 50)
    return summary


def _grouped(
    rows: Iterable[Mapping[str, Any]], keys: Callable[[Mapping[str, Any]], Iterable[str]]
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        for key in dict.fromkeys(keys(row)):
            groups.setdefault(key, []).append(row)
    return {key: group_summary(groups[key]) for key in sorted(groups)}


def kind_of(row: Mapping[str, Any]) -> str:
    return row.get("kind") or NO_KIND


def summarize_rows(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Overall, per tag, per kind (items that have one) and per dataset with its kinds."""
    datasets: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        datasets.setdefault(str(row.get("dataset") or ""), []).append(row)
    return {
        "overall": group_summary(rows),
        "by_tag": _grouped(rows, lambda row: row.get("tags") or ()),
        "by_kind": _grouped(rows, lambda row: [row["kind"]] if row.get("kind") else []),
        "by_dataset": {
            name: {"all": group_summary(part), "kinds": _grouped(part, lambda row: [kind_of(row)])}
            for name, part in datasets.items()
        },
    }


def in_scope(row: Mapping[str, Any], dataset: str | None, kind: str | None, tag: str | None) -> bool:
    """Whether a row belongs to a dataset / kind / tag (None: any)."""
    return (
        (dataset is None or row.get("dataset") == dataset)
        and (kind is None or kind_of(row) == kind)
        and (tag is None or tag in (row.get("tags") or ()))
    )
