"""The threshold rule of tools/fit_support.py: within the refusal cap, the fewest errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

_SPEC = importlib.util.spec_from_file_location("fit_support", Path(__file__).parent.parent / "tools" / "fit_support.py")
fit_support = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fit_support)


def test_the_threshold_has_the_fewest_errors_among_those_refusing_at_most_the_cap() -> None:
    answerable = np.linspace(0.2, 0.95, 100)  # the lowest two of 100 may be refused (2 %)
    near_misses = np.array([0.1, 0.2, 0.21, 0.5])
    p = np.concatenate([answerable, near_misses])
    y = np.concatenate([np.ones(100), np.zeros(4)])
    t = fit_support.best_threshold(p, y)
    assert np.sum(answerable < t) <= 2  # the cap holds
    assert t == 0.2  # 0.21, the highest within the cap, refuses two answerable to decline one more: 4 errors, not 3
    assert fit_support.best_threshold(np.array([0.1, 0.9, 0.05]), np.array([1.0, 1.0, 0.0])) == 0.1  # none refused
