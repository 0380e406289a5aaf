"""`metodstod ask` through the real CLI (a subprocess, hashed fake embedder): JSON in and out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DOC = """# Riktlinjer för trygghet

## Skolan

Skolan arbetar med trygghet och studiero i klassrummen varje dag. Rektorn följer upp arbetet varje månad.
"""

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("ask")
    (root / "docs").mkdir()
    (root / "docs" / "riktlinjer.md").write_text(DOC, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("METODSTOD_")}
    env |= {"METODSTOD_DATA_DIR": str(root / "data"), "METODSTOD_CONFIG": str(root / "none.toml")}
    env |= {"METODSTOD_EMBEDDER": "fake", "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    done = _run(env, "ingest", "--quiet", str(root / "docs"))
    assert done.returncode == 0, done.stderr
    return env


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env, capture_output=True, text=True, timeout=300, cwd=REPO, input=stdin,
    )  # fmt: skip


def test_an_empty_question_with_json_prints_one_object_with_an_error(env: dict[str, str]) -> None:
    done = _run(env, "ask", "--json", "")
    assert done.returncode == 2
    out = json.loads(done.stdout)
    assert out == {"question": "", "error": "Skriv en fråga först, till exempel ”Vad är Crime proofing?”."}
    assert "Traceback" not in done.stderr


def test_history_as_messages_in_jsonl_and_as_json_options(env: dict[str, str], tmp_path: Path) -> None:
    lines = [
        {"id": "a", "question": "Vem följer upp arbetet?", "history": ["Hur arbetar skolan med trygghet?"]},
        {
            "id": "b",
            "question": "Hur ofta?",
            "history": [
                {"role": "user", "content": "Vem följer upp arbetet?"},
                {"role": "assistant", "content": "Rektorn följer upp arbetet varje månad. [1]"},
            ],
        },
    ]
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    done = _run(env, "ask", "--jsonl", str(questions))
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["id"] for a in answers] == ["a", "b"] and all("answer" in a for a in answers)
    one = _run(env, "ask", "--json", "Hur ofta?", "--history", '{"role": "assistant", "content": "Rektorn."}')
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["question"] == "Hur ofta?"


def test_a_bad_message_names_the_line_and_the_entry(env: dict[str, str], tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "Hur ofta?", "history": [{"role": "bot", "content": "x"}]}))
    done = _run(env, "ask", "--jsonl", str(questions))
    assert done.returncode == 1
    assert "q.jsonl:1: historik, post 1: ”role” ska vara ”user” eller ”assistant”" in done.stderr
    assert done.stderr.startswith("Fel: ") and "Traceback" not in done.stderr
