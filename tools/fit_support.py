"""Fit the support model (`assistant/answering/data/support_model.json`) on labelled questions.

    python tools/fit_support.py evals/datasets/gold.yaml ../shared/dev-material/questions.yaml@DIR ... \
        [--data-dir DIR] [--write]

A dataset given as PATH@DIR is answered from the index in DIR (a guide's questions need the guide
ingested beside the corpus); the others from `--data-dir` (or METODSTOD_DATA_DIR).

Every dataset is answered through `metodstod ask --jsonl` with the support check switched off
(`METODSTOD_REFUSAL__THRESHOLD=0`), so that every question's evidence comes back as `signal:`
flags; the label is the item's `answerable`. A logistic regression (standardised features,
L2 penalty, classes weighted equally) is fitted; its error is measured by leaving each dataset
out in turn and by 5-fold cross-validation, and the threshold is chosen on the out-of-fold
probabilities. `--write` stores the model with the figures and the data it was fitted on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from assistant.answering.evidence import FEATURES, VETOES  # noqa: E402
from assistant.answering.support import MODEL_FILE  # noqa: E402

PENALTY = 1.0  # L2 on the standardised weights
# Evidence can only speak one way: more similarity or coverage never lowers support, more terms the
# material never uses never raise it. A feature whose fitted weight has the wrong sign is left out.
SIGNS = {"dense": 1, "sentence": 1, "sentence_top3": 1, "coverage": 1, "unknown": -1}
MAX_THRESHOLD = 0.8
MAX_REFUSED = 0.02  # share of answerable questions the threshold may refuse (out of fold)


def collect(dataset: Path, env: dict[str, str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    items = yaml.safe_load(dataset.read_text(encoding="utf-8"))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for item in items:
            history = [h["content"] if isinstance(h, dict) else h for h in item.get("history") or []]
            history = [
                h
                for h, raw in zip(history, item.get("history") or [], strict=True)
                if not isinstance(raw, dict) or raw.get("role") == "user"
            ]
            f.write(json.dumps({"id": item["id"], "question": item["question"], "history": history}) + "\n")
    run = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--jsonl", f.name],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
    )
    answers = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    rows, labels, ids = [], [], []
    for item, answer in zip(items, answers, strict=True):
        signals = {
            flag.split("=")[0].removeprefix("signal:"): flag.split("=", 1)[1]
            for flag in answer.get("flags", [])
            if flag.startswith("signal:")
        }
        if not all(name in signals for name in FEATURES):
            continue  # answered from the records only: the support check never ran
        if any(float(signals.get(name, 0)) for name in VETOES):
            continue  # vetoed whatever the model says: not what the model decides
        rows.append([float(signals[name]) for name in FEATURES])
        labels.append(1.0 if item.get("answerable", True) else 0.0)
        ids.append(item["id"])
    return np.asarray(rows), np.asarray(labels), ids


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Logistic regression with the sign constraints of `SIGNS`: features whose weight comes out
    with the wrong sign are dropped (weight 0) and the rest refitted, until none is left wrong."""
    keep = np.ones(x.shape[1], dtype=bool)
    while True:
        mean, scale, w, b = _fit(x[:, keep], y)
        full = np.zeros(x.shape[1])
        full[keep] = w
        wrong = [i for i, name in enumerate(FEATURES) if keep[i] and SIGNS.get(name, 0) * full[i] < 0]
        if not wrong:
            m, s = np.zeros(x.shape[1]), np.ones(x.shape[1])
            m[keep], s[keep] = mean, scale
            return m, s, full, b
        keep[wrong] = False


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    weights = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1))
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(500):  # Newton's method on the weighted, penalised log-loss
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g_w = z.T @ (weights * (p - y)) + PENALTY * w / len(y)
        g_b = float(np.sum(weights * (p - y)))
        s = weights * p * (1 - p)
        h = np.zeros((len(w) + 1, len(w) + 1))
        h[:-1, :-1] = z.T @ (z * s[:, None]) + PENALTY * np.eye(len(w)) / len(y)
        h[:-1, -1] = h[-1, :-1] = z.T @ s
        h[-1, -1] = s.sum()
        step = np.linalg.solve(h + 1e-9 * np.eye(len(w) + 1), np.append(g_w, g_b))
        w, b = w - step[:-1], b - step[-1]
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, w, b


def predict(model: tuple, x: np.ndarray) -> np.ndarray:
    mean, scale, w, b = model
    return 1 / (1 + np.exp(-(((x - mean) / scale) @ w + b)))


def errors(p: np.ndarray, y: np.ndarray, threshold: float) -> dict[str, float]:
    answered = p >= threshold
    return {
        "answerable_refused": int(np.sum((y == 1) & ~answered)),
        "answerable": int(np.sum(y == 1)),
        "out_of_scope_answered": int(np.sum((y == 0) & answered)),
        "out_of_scope": int(np.sum(y == 0)),
    }


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """Of the thresholds that refuse at most `MAX_REFUSED` of the answerable questions (a wrongly
    refused practical question costs the user more than a loosely related answer), the one with the
    fewest errors, answerable refused plus out-of-scope answered; of equals the highest. The six
    evidence features hardly separate a near miss from a paraphrase (the vetoes decline most near
    misses), so a higher threshold refuses answerable questions for few near misses declined."""
    candidates = [round(float(t), 2) for t in np.arange(0.0, MAX_THRESHOLD + 1e-9, 0.01)]
    allowed = [t for t in candidates if np.mean(p[y == 1] < t) <= MAX_REFUSED] or [0.0]
    return min(reversed(allowed), key=lambda t: int(np.sum((y == 1) & (p < t)) + np.sum((y == 0) & (p >= t))))


def rethreshold(parts: list, x: np.ndarray, y: np.ndarray, write: bool) -> int:
    """The shipped model with its threshold chosen anew by `best_threshold` on more labelled questions
    than it was fitted on (questions in users' own words, new guides): the weights stay as fitted."""
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    model = (*tuple(np.asarray(shipped[k], dtype=float) for k in ("mean", "scale", "weights")), shipped["bias"])
    p = predict(model, x)
    threshold = best_threshold(p, y)
    report, start = {}, 0
    for dataset, _rows, labels, _ids in parts:
        report[_label(dataset)] = errors(p[start : start + len(labels)], labels, threshold)
        start += len(labels)
    print(json.dumps({"threshold": threshold, "was": shipped["threshold"], "all": errors(p, y, threshold)}, indent=1))
    print(json.dumps(report, indent=1))
    if write:
        shipped["threshold"] = threshold
        shipped["threshold_chosen_on"] = {
            _label(d): {"items": len(labels), "sha256": _digest(d), **report[_label(d)]} for d, _r, labels, _i in parts
        }
        MODEL_FILE.write_text(json.dumps(shipped, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {MODEL_FILE}")
    return 0


def _split(args: argparse.Namespace) -> list[tuple[Path, str]]:
    """The datasets with the data dir each is answered from ("" for the default)."""
    out = []
    for spec in args.datasets:
        path, _, where = spec.partition("@")
        out.append((Path(path), where))
    return out


def _digest(dataset: Path) -> str:
    return hashlib.sha256(dataset.read_bytes()).hexdigest()[:16]


def _label(dataset: Path) -> str:
    """A dataset's name in the model file: its folder too when it is a guide's questions.yaml."""
    return f"{dataset.parent.name}/{dataset.name}" if dataset.name == "questions.yaml" else dataset.name


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("datasets", nargs="+", help="PATH or PATH@DATA_DIR")
    parser.add_argument("--data-dir", default=os.environ.get("METODSTOD_DATA_DIR"))
    parser.add_argument("--write", action="store_true")
    parser.add_argument(
        "--threshold-only",
        action="store_true",
        help="keep the shipped model's weights; choose only its threshold on these datasets",
    )
    args = parser.parse_args()
    env = {**os.environ, "METODSTOD_REFUSAL__THRESHOLD": "0", "PYTHONPATH": str(REPO)}
    if args.data_dir:
        env["METODSTOD_DATA_DIR"] = args.data_dir
    parts = [(d, *collect(d, {**env, **({"METODSTOD_DATA_DIR": where} if where else {})})) for d, where in _split(args)]
    x = np.vstack([p[1] for p in parts])
    y = np.concatenate([p[2] for p in parts])
    group = np.concatenate([np.full(len(p[2]), i) for i, p in enumerate(parts)])
    if args.threshold_only:
        return rethreshold(parts, x, y, args.write)
    oof = np.zeros(len(y))  # out-of-fold probabilities, 5 folds
    folds = np.arange(len(y)) % 5
    for k in range(5):
        oof[folds == k] = predict(fit(x[folds != k], y[folds != k]), x[folds == k])
    threshold = best_threshold(oof, y)
    report = {"cross_validated_5_fold": errors(oof, y, threshold), "leave_one_dataset_out": {}}
    for i, (dataset, *_rest) in enumerate(parts):
        if len(parts) > 1:
            held = predict(fit(x[group != i], y[group != i]), x[group == i])
            report["leave_one_dataset_out"][_label(dataset)] = errors(held, y[group == i], threshold)
    model = fit(x, y)
    report["training"] = errors(predict(model, x), y, threshold)
    mean, scale, w, b = model
    out = {
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "weights": [round(float(v), 6) for v in w],
        "bias": round(float(b), 6),
        "threshold": threshold,
        "fitted_on": {_label(d): {"items": len(p[1]), "sha256": _digest(d)} for d, *p in parts},
        "errors": report,
    }
    print(json.dumps({k: out[k] for k in ("weights", "bias", "threshold", "errors")}, indent=1))
    print(dict(zip(FEATURES, out["weights"], strict=True)))
    if args.write:
        MODEL_FILE.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written: {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
