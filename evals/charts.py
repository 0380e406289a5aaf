"""Matplotlib charts of a run (PNG files). matplotlib is imported only when a chart is drawn."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.gates import label
from evals.metrics import QUALITY_KEYS

OVERVIEW_KEYS = tuple(k for k in QUALITY_KEYS if k != "refusal_f1")
COMPARISON_KEYS = ("hit_at_5", "mrr", "exact", "citation_precision", "refusal_recall", "refusal_precision")
TAG_KEYS = ("hit_at_5", "exact", "refusal_recall")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)
    return path


def _value(summary: Mapping[str, Any], key: str) -> float:
    value = summary.get(key)
    return 0.0 if value is None else float(value)


def grouped_bars(path: Path, systems: Mapping[str, Mapping[str, Any]], keys: Sequence[str], title: str) -> Path:
    """Bars per metric, one colour per system; undefined values are drawn as 0 and marked n/a."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(keys) * max(1, len(systems)) / 1.5), 4.2))
    width = 0.8 / max(1, len(systems))
    for index, (name, summary) in enumerate(systems.items()):
        xs = [i + (index - (len(systems) - 1) / 2) * width for i in range(len(keys))]
        bars = ax.bar(xs, [_value(summary, k) for k in keys], width, label=name)
        for bar, key in zip(bars, keys, strict=True):
            value = summary.get(key)
            text = "n/a" if value is None else f"{value:.2f}"
            ax.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
                xytext=(0, 2),
                textcoords="offset points",
            )
    ax.set_xticks(range(len(keys)), [label(k) for k in keys], rotation=30, ha="right")
    ax.set_ylim(0, 1.25 if len(systems) > 1 else 1.12)
    ax.set_title(title)
    if len(systems) > 1:
        ax.legend(fontsize=8, loc="upper center", ncol=len(systems), frameon=False)
    return _save(fig, path)


def tag_bars(path: Path, by_tag: Mapping[str, Mapping[str, Any]]) -> Path:
    """hit@5, exact and refusal recall per tag as horizontal bars (undefined values show empty)."""
    plt = _pyplot()
    tags = list(by_tag)
    fig, ax = plt.subplots(figsize=(7.5, max(2.5, 0.32 * len(tags) + 1)))
    height = 0.8 / len(TAG_KEYS)
    for index, key in enumerate(TAG_KEYS):
        ys = [i + (index - (len(TAG_KEYS) - 1) / 2) * height for i in range(len(tags))]
        ax.barh(ys, [_value(by_tag[t], key) for t in tags], height, label=label(key))
    ax.set_yticks(range(len(tags)), [f"{t} (n={by_tag[t].get('n', 0)})" for t in tags], fontsize=7)
    ax.set_ylim(len(tags) - 0.5, -0.5)  # first tag on top, no empty margins
    ax.set_xlim(0, 1)
    ax.set_title("Per tag")
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, path)


def latency_histogram(path: Path, latencies_ms: Sequence[float], p50: float | None, p95: float | None) -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.hist(list(latencies_ms), bins=min(40, max(5, len(latencies_ms) // 4)), color="#4c72b0")
    marks = ((p50, "p50", "#c44e52", "--"), (p95, "p95", "#8172b2", ":"))
    for value, name, color, style in marks:
        if value is not None:  # named in the legend: two close lines never put their labels on each other
            ax.axvline(value, color=color, linestyle=style, linewidth=1.2, label=f"{name} {value:.0f} ms")
    if p50 is not None or p95 is not None:
        ax.legend(fontsize=8, loc="upper right", frameon=False)
    ax.set_xlabel("total tid per fråga (ms)")
    ax.set_ylabel("frågor")
    ax.set_title("Svarstid")
    return _save(fig, path)


def draw_charts(
    folder: Path, overall: Mapping[str, Mapping[str, Any]], by_tag: Mapping[str, Any], latencies: Sequence[float]
) -> dict[str, Path]:
    """All charts of a report; ``overall`` maps system name -> summary, the product first."""
    product = next(iter(overall.values()))
    charts = {
        "overview": grouped_bars(
            folder / "chart-overview.png", dict([next(iter(overall.items()))]), OVERVIEW_KEYS, "Overall"
        )
    }
    if len(overall) > 1:
        charts["baselines"] = grouped_bars(
            folder / "chart-baselines.png", overall, COMPARISON_KEYS, "Product and baselines"
        )
    if by_tag:
        charts["by_tag"] = tag_bars(folder / "chart-by-tag.png", by_tag)
    if latencies:
        charts["latency"] = latency_histogram(
            folder / "chart-latency.png", latencies, product.get("latency_p50_ms"), product.get("latency_p95_ms")
        )
    return charts
