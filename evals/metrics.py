"""Deterministic scoring functions for retrieval, answers, citations, refusals and routing.

All text comparisons use :func:`match_form`: NFC, whitespace folded, Markdown
emphasis (``*``) removed and case folded, so a needle split over a line break or
set in bold in a chunk still matches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypedDict

from assistant.language.text import content_words, normalize, split_sentences, stems

SUPPORT_THRESHOLD = 0.5
"""Share of a sentence's distinct stems that must occur in a cited passage."""

_MARKER_RE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_MARKER_AFTER_STOP_RE = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+)")
_TABLE_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_SOURCES_HEADING_RE = re.compile(
    r"^[#*_>\s]*(källor|källa|källhänvisningar|sources?|referenser|references|citations?)[*_\s]*(:|$)",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- retrieval


def match_form(text: str) -> str:
    """Canonical form for substring matching: whitespace folded, ``*`` dropped, case folded."""
    return normalize(text.replace("*", "")).casefold()


def _relevance(source_texts: Sequence[str], needles: Sequence[str]) -> list[bool]:
    forms = [match_form(n) for n in needles if n.strip()]
    return [any(f in match_form(src) for f in forms) for src in source_texts]


def contains_needle(text: str, needles: Sequence[str]) -> bool:
    """Whether ``text`` holds any of the needles (matched as ``needle_rank`` matches them)."""
    return _relevance([text], needles)[0]


def needle_rank(source_texts: list[str], needles: list[str]) -> int | None:
    """1-based rank of the first source containing any needle; None if none does (or no needles)."""
    for index, relevant in enumerate(_relevance(source_texts, needles), start=1):
        if relevant:
            return index
    return None


def hit_at(rank: int | None, k: int) -> bool:
    """True when a supporting source was found within the top ``k``."""
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None) -> float:
    """1/rank, or 0.0 when no supporting source was retrieved."""
    return 0.0 if rank is None else 1.0 / rank


def ndcg_at_5(source_texts: list[str], needles: list[str]) -> float | None:
    """Binary-relevance nDCG over the first 5 sources.

    A source is relevant when it contains a needle. DCG = sum(rel_i / log2(i + 1));
    the ideal ranking puts min(#relevant sources, 5) relevant ones first.
    Returns 0.0 when nothing relevant was retrieved and None when there are no needles.
    """
    if not any(n.strip() for n in needles):
        return None
    relevance = _relevance(source_texts, needles)
    ideal_count = min(sum(relevance), 5)
    if ideal_count == 0:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 1) for i, rel in enumerate(relevance[:5], start=1) if rel)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, ideal_count + 1))
    return dcg / ideal


# --------------------------------------------------------------------------- answers


def fact_recall(answer: str, facts: list[list[str]]) -> float:
    """Share of fact groups with at least one alternative in the answer; 1.0 for no facts."""
    if not facts:
        return 1.0
    text = match_form(answer)
    found = sum(any(match_form(alt) in text for alt in group if alt.strip()) for group in facts)
    return found / len(facts)


def exact_correct(answer: str, facts: list[list[str]]) -> bool:
    """True when every fact group is matched."""
    return fact_recall(answer, facts) == 1.0


# --------------------------------------------------------------------------- citations


class Unit(TypedDict):
    """A sentence or table row of an answer, with its citation markers removed."""

    text: str
    markers: list[int]
    table_row: bool


def markers_in(text: str) -> list[int]:
    """Citation numbers in order of first appearance: ``[1, 3]`` and ``[1][3]`` both give [1, 3]."""
    numbers: list[int] = []
    for match in _MARKER_RE.finditer(text):
        for part in re.split(r"[,;]", match.group(1)):
            number = int(part)
            if number not in numbers:
                numbers.append(number)
    return numbers


def strip_markers(text: str) -> str:
    """The text without citation markers, whitespace folded."""
    return re.sub(r"\s+([.,;:!?])", r"\1", normalize(_MARKER_RE.sub(" ", text)))


def _is_table_line(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|")


def _is_separator(line: str) -> bool:
    return bool(_TABLE_SEPARATOR_RE.match(line.strip()))


def _table_row_text(line: str) -> str:
    return normalize(" ".join(cell.strip() for cell in line.strip().strip("|").split("|")))


def answer_units(answer: str) -> list[Unit]:
    """Split an answer into factual units for citation scoring.

    Prose lines are split into sentences (a marker written after the full stop,
    ``Text. [1]``, belongs to that sentence; a line holding only markers belongs
    to the sentence before). Each Markdown table body row is one unit; header rows
    (followed by a ``|---|`` separator) and separators are skipped, as are Markdown
    headings and everything from a trailing "Källor:"/"Sources:" line on.
    """
    lines = answer.splitlines()
    units: list[Unit] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _SOURCES_HEADING_RE.match(stripped):
            break
        if not stripped or (stripped.startswith("#") and not _MARKER_RE.search(stripped)):
            continue
        if _is_table_line(stripped):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if _is_separator(stripped) or _is_separator(following):
                continue
            row = _table_row_text(stripped)
            units.append(Unit(text=strip_markers(row), markers=markers_in(row), table_row=True))
            continue
        if not re.search(r"\w", strip_markers(stripped)) and units:
            units[-1]["markers"].extend(m for m in markers_in(stripped) if m not in units[-1]["markers"])
            continue
        moved = _MARKER_AFTER_STOP_RE.sub(lambda m: f"{m.group(2)}{m.group(1)}", stripped)
        for sentence in split_sentences(moved):
            units.append(Unit(text=strip_markers(sentence), markers=markers_in(sentence), table_row=False))
    return units


def supports(sentence: str, passage: str) -> bool:
    """Lexical support: at least half of the sentence's distinct stems occur in the passage.

    A sentence without any stems is vacuously supported.
    """
    wanted = set(stems(strip_markers(sentence)))
    if not wanted:
        return True
    available = set(stems(passage))
    return len(wanted & available) / len(wanted) >= SUPPORT_THRESHOLD


def citation_precision(answer: str, citation_texts: dict[int, str]) -> float | None:
    """Share of (sentence, cited marker) pairs whose cited passage supports the sentence.

    A marker that points at no citation counts as unsupported. None when the
    answer carries no markers.
    """
    judged: list[bool] = []
    for unit in answer_units(answer):
        for marker in unit["markers"]:
            passage = citation_texts.get(marker)
            judged.append(passage is not None and supports(unit["text"], passage))
    if not judged:
        return None
    return sum(judged) / len(judged)


def is_factual(unit: Unit) -> bool:
    """Table body rows with any content word, or sentences with at least 3 content words."""
    needed = 1 if unit["table_row"] else 3
    return len(content_words(unit["text"])) >= needed


def citation_coverage(answer: str) -> float | None:
    """Share of factual units carrying at least one marker; None when there is none."""
    factual = [unit for unit in answer_units(answer) if is_factual(unit)]
    if not factual:
        return None
    return sum(bool(unit["markers"]) for unit in factual) / len(factual)


# --------------------------------------------------------------------------- refusal, routing, latency


def refusal_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, float | None]:
    """Precision, recall and F1 of declining, from (should_refuse, refused) pairs.

    precision is None when nothing was refused, recall None when nothing should
    have been refused; f1 is None when either is None and 0.0 when both are 0.
    """
    tp = fp = fn = 0
    for expected, refused in pairs:
        tp += expected and refused
        fp += refused and not expected
        fn += expected and not refused
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def route_accuracy(pairs: Iterable[tuple[str | None, str | None]]) -> float | None:
    """Share of (expected, actual) routes that are equal, over pairs with an expected route."""
    judged = [expected == actual for expected, actual in pairs if expected is not None]
    return sum(judged) / len(judged) if judged else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100) with linear interpolation between ranks; None for no values."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {p}")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --------------------------------------------------------------------------- aggregation


class EvalResult(TypedDict, total=False):
    """One scored item as produced by the eval runner (input of :func:`aggregate`).

    id, tags, answerable: copied from the gold item. refused: the assistant declined.
    expected_route / route: gold route and the route taken ("rag", "lookup", "both" or None).
    rank: needle_rank of the retrieved/cited sources (None = not found; omit the key when
    retrieval was not evaluated). ndcg_at_5: optional. fact_recall, exact: answer scores.
    citation_precision, citation_coverage: None when undefined. latency_ms: wall time.
    """

    id: str
    tags: list[str]
    answerable: bool
    refused: bool
    expected_route: str | None
    route: str | None
    rank: int | None
    ndcg_at_5: float | None
    fact_recall: float | None
    exact: bool | None
    citation_precision: float | None
    citation_coverage: float | None
    latency_ms: float | None


def _mean(values: Iterable[float | bool | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def summarize(results: Sequence[Mapping[str, Any]]) -> dict[str, float | int | None]:
    """Means of every metric over ``results``; a metric is None when no result defines it.

    Retrieval and answer metrics use answerable items only; refusal scores use all.
    """
    answerable = [r for r in results if r.get("answerable", True)]
    ranked = [r for r in answerable if "rank" in r]
    refusal = refusal_scores((not r.get("answerable", True), bool(r.get("refused"))) for r in results)
    latencies = [float(r["latency_ms"]) for r in results if r.get("latency_ms") is not None]
    return {
        "n": len(results),
        "n_answerable": len(answerable),
        "hit_at_1": _mean(hit_at(r["rank"], 1) for r in ranked),
        "hit_at_3": _mean(hit_at(r["rank"], 3) for r in ranked),
        "hit_at_5": _mean(hit_at(r["rank"], 5) for r in ranked),
        "mrr": _mean(reciprocal_rank(r["rank"]) for r in ranked),
        "ndcg_at_5": _mean(r.get("ndcg_at_5") for r in answerable),
        "fact_recall": _mean(r.get("fact_recall") for r in answerable),
        "exact": _mean(r.get("exact") for r in answerable),
        "citation_precision": _mean(r.get("citation_precision") for r in answerable),
        "citation_coverage": _mean(r.get("citation_coverage") for r in answerable),
        "refusal_precision": refusal["precision"],
        "refusal_recall": refusal["recall"],
        "refusal_f1": refusal["f1"],
        "route_accuracy": route_accuracy((r.get("expected_route"), r.get("route")) for r in results),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "latency_mean_ms": _mean(latencies),
    }


def _default_tags(result: Mapping[str, Any]) -> Iterable[str]:
    return result.get("tags") or ()


def aggregate(
    results: Sequence[Mapping[str, Any]],
    tags_of: Callable[[Mapping[str, Any]], Iterable[str]] | None = None,
) -> dict[str, Any]:
    """Overall and per-tag summaries: ``{"overall": summary, "by_tag": {tag: summary}}``.

    ``results`` are :class:`EvalResult` dicts; ``tags_of`` picks the tags of a
    result (default: its "tags" key). Tags are sorted; see :func:`summarize`.
    """
    pick = tags_of or _default_tags
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for result in results:
        for tag in dict.fromkeys(pick(result)):
            groups.setdefault(tag, []).append(result)
    return {
        "overall": summarize(results),
        "by_tag": {tag: summarize(groups[tag]) for tag in sorted(groups)},
    }


# The quality metrics of a summary, in the order reports and comparisons show them.
QUALITY_KEYS = (
    "hit_at_1",
    "hit_at_3",
    "hit_at_5",
    "mrr",
    "ndcg_at_5",
    "fact_recall",
    "exact",
    "citation_precision",
    "citation_coverage",
    "refusal_precision",
    "refusal_recall",
    "refusal_f1",
    "route_accuracy",
)
