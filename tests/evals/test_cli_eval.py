"""`metodstod eval` through the real CLI: bad input gives one clean line and a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD_ITEM = '- id: a1\n  question: "Vad är Crime proofing?"\n  facts: [["analysmodell"]]\n'


def _cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "eval", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.yaml", None, "datamängdsfilen finns inte"),
        ("broken.yaml", "- id: a1\n  question: [unclosed\n", "ogiltig YAML på rad"),
        (
            "noquestion.yaml",
            "- id: a1\n  facts: [[x]]\n",
            "fråga 'a1' (index 0, rad 1): question: obligatoriskt",
        ),
        ("decline.yaml", '- id: d1\n  question: "Q?"\n  answerable: false\n  facts: [[x]]\n', "kan inte ha fakta"),
        ("notes.txt", "hello", "datamängdsformatet '.txt' stöds inte"),
    ],
)
def test_bad_dataset_is_a_clean_error(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name if content is None else _write(tmp_path / name, content)
    done = _cli("run", "--dataset", str(path), cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.startswith("Fel: ") and message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "runs").exists()


def test_unknown_generator_is_a_clean_error(tmp_path: Path) -> None:
    dataset = _write(tmp_path / "gold.yaml", GOOD_ITEM)
    done = _cli("run", "--dataset", str(dataset), "--generator", "gpt-9", cwd=tmp_path)
    assert done.returncode == 1
    assert "generator" in done.stderr and "gpt-9" in done.stderr and "Traceback" not in done.stderr


def test_unknown_fail_under_metric_fails_before_running(tmp_path: Path) -> None:
    dataset = _write(tmp_path / "gold.yaml", GOOD_ITEM)
    done = _cli("run", "--dataset", str(dataset), "--fail-under", "accuracy=0.5", cwd=tmp_path)
    assert done.returncode == 1
    assert "okänt mått 'accuracy'" in done.stderr and "hit@5" in done.stderr
    assert not (tmp_path / "runs").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _cli("run", cwd=tmp_path).returncode == 2  # --dataset is required
    assert _cli("run", "--dataset", "x.yaml", "--limit", "0", cwd=tmp_path).returncode == 2


def test_report_of_a_folder_that_is_no_run(tmp_path: Path) -> None:
    done = _cli("report", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 1 and "ingen körningsmapp från en utvärdering" in done.stderr


# --------------------------------------------------------------------------- a real run on a tiny corpus

PAGES = {
    1: ("Tryggare Skola", "Tryggare Skola infördes i Sigtuna och Trollhättan under hösten 2023."),
    2: ("Crime proofing", "Föreningsbidrag granskades med Crime proofing i Göteborg för att hindra fusk."),
    3: ("Belysning", "Belysningen i gångtunnlarna byttes ut i Linköping efter trygghetsvandringar."),
}
FILLER = "Arbetet beskrevs i rapporten och följdes upp av projektledningen under året. "
TINY_GOLD = """
- id: k1
  question: "Var infördes Tryggare Skola?"
  facts: [["Sigtuna"]]
  needle: "Tryggare Skola infördes i Sigtuna"
  route: rag
  tags: [skola]
- id: k2
  question: "Vad granskades med Crime proofing?"
  facts: [["zzz-never-in-any-answer"]]
  needle: "Föreningsbidrag granskades"
  tags: [fokus4]
- id: d1
  question: "Vem vann Melodifestivalen 1974?"
  answerable: false
  tags: [decline]
"""


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "documents").mkdir(parents=True)
    pages = [
        f"<!-- page: {n} -->\n\n## {title}\n\n{FILLER * 3}{key}\n\n{FILLER * 3}\n" for n, (title, key) in PAGES.items()
    ]
    _write(root / "documents" / "rapport.md", "# Liten rapport\n\n" + "\n".join(pages))
    _write(root / "manifest.yaml", "documents:\n  - id: rapport\n    file: documents/rapport.md\n    type: pm\n")
    return root


@pytest.mark.integration
def test_eval_run_with_baselines_on_a_tiny_corpus(tmp_path: Path, tiny_corpus: Path) -> None:
    env = {"METODSTOD_EMBEDDER": "fake", "METODSTOD_CORPUS_DIR": str(tiny_corpus)}
    ingest = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", "-q", str(tiny_corpus / "documents")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
        env={**os.environ, **env},
    )
    assert ingest.returncode == 0, ingest.stderr
    dataset = _write(tmp_path / "gold.yaml", TINY_GOLD)
    out = tmp_path / "run"
    done = _cli(
        "run",
        "--dataset",
        str(dataset),
        "--baselines",
        "--out",
        str(out),
        "-q",
        "--fail-under",
        "exact=1.0",
        cwd=tmp_path,
        env=env,
    )
    # k2's fact can never be found, so exact < 1.0 and the gate fails after the run is written
    assert done.returncode == 1 and "below --fail-under: exact" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    for name in ("results.jsonl", "metrics.json", "report.md", "report.html", "chart-baselines.png"):
        assert (out / name).is_file(), name
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["k1", "k2", "d1"]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["overall"]["n"] == 3 and metrics["config"]["embedder"] == "fake"
    for baseline in ("langchain-dense", "bm25"):
        base_rows = [
            json.loads(line)
            for line in (out / "baselines" / baseline / "results.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        assert [len(row["citations"]) for row in base_rows] == [4, 4, 4]  # title page + 3 pages = 4 splits
        assert base_rows[0]["rank"] == 1 and base_rows[2]["refused"] is False
    assert "| metric | product | langchain-dense | bm25 |" in (out / "report.md").read_text(encoding="utf-8")
