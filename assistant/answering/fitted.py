"""Logistic models fitted on labelled questions and stored as JSON beside the code.

Two decisions of the answering path are such models: whether the material supports an answer
(`support`, fitted by `tools/fit_support.py`) and which sentences of the retrieved passages answer
the question (`sentence_features`, fitted by `tools/fit_sentences.py`). A model file holds the
feature names, the standardisation, the weights, the bias, the threshold where one applies, the
data it was fitted on and its held-out error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ConfigError


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression over standardised features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5

    def logit(self, values: Mapping[str, float]) -> float:
        return self.bias + sum(self.contributions(values).values())

    def probability(self, values: Mapping[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, self.logit(values)))))

    def contributions(self, values: Mapping[str, float]) -> dict[str, float]:
        return {
            f: w * (values[f] - m) / s
            for f, m, s, w in zip(self.features, self.mean, self.scale, self.weights, strict=True)
        }


def read_model(path: Path, known: Iterable[str], what: str) -> LinearModel:
    """The model stored at `path`; a ConfigError naming the file when it is unreadable or uses a
    feature the code does not compute."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        model = LinearModel(
            tuple(data["features"]),
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
            tuple(float(v) for v in data["weights"]),
            float(data["bias"]),
            float(data.get("threshold", 0.5)),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{what} {path} går inte att läsa: {exc}") from exc
    lengths = {len(model.features), len(model.mean), len(model.scale), len(model.weights)}
    if len(lengths) != 1:
        raise ConfigError(f"{what} {path}: features, mean, scale och weights har olika längd")
    unknown = set(model.features) - set(known)
    if unknown:
        raise ConfigError(f"{what} {path} använder okända särdrag: {', '.join(sorted(unknown))}")
    return model
