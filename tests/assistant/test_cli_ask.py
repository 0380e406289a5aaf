"""`metodstod ask` when things go wrong: unreadable input, the search service (Chroma) unreachable."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from assistant.cli import app, load_front_ends
from assistant.cli.common import run_cli
from assistant.index.documents import DocumentInfo, DocumentRegistry
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"  # nothing listens once the socket is closed


@pytest.fixture
def no_search(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    """A data dir with the records ingested (embedded store), then asked through a Chroma server that is down."""
    monkeypatch.setenv("METODSTOD_EMBEDDER", "fake")
    load_front_ends()
    assert run_cli(app, ["ingest", "-q", str(REPO / "corpus" / "records")]) == 0
    settings = Settings(data_dir=tmp_path / "data", embedder="fake")
    DocumentRegistry(settings.records_url).put(
        DocumentInfo(doc_id="pm", title="PM", doc_type="pm", source_path="/pm.md", doc_hash="h" * 32, chunk_count=3)
    )
    monkeypatch.setenv("METODSTOD_CHROMA_SERVER", closed_port())
    return settings


def test_json_prints_one_object_with_the_swedish_error(no_search: Settings, capsys: pytest.CaptureFixture) -> None:
    capsys.readouterr()
    assert run_cli(app, ["ask", "--json", "Vad är Crime proofing?"]) == 1
    out, err = capsys.readouterr()
    answer = json.loads(out)
    assert answer["question"] == "Vad är Crime proofing?"
    assert answer["error"].startswith("Söktjänsten (Chroma) går inte att nå just nu")
    assert err.startswith("Fel: Söktjänsten") and "Internt fel" not in err and "Could not connect" not in err


def test_records_questions_still_work_and_say_the_search_is_down(
    no_search: Settings, capsys: pytest.CaptureFixture
) -> None:
    capsys.readouterr()
    assert run_cli(app, ["ask", "Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?"]) == 0
    out = capsys.readouterr().out
    assert "Sigtuna" in out and "Källor:" in out
    assert "Söktjänsten gick inte att nå" in out
    assert run_cli(app, ["ask", "--json", "Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["route"] == "lookup" and "search_unavailable" in answer["flags"] and answer["citations"]
    english = "Which activities did Sigtuna carry out against welfare crime?"  # no nearest document to read
    assert run_cli(app, ["ask", "--json", english]) == 0
    assert json.loads(capsys.readouterr().out)["route"] == "lookup"


def test_jsonl_lines_fail_one_by_one_when_the_search_is_down(
    no_search: Settings, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    lines = [{"id": "a", "question": "Vad är SSPF?"}, {"id": "b", "question": "Vilka aktiviteter hade Sigtuna?"}]
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in lines), encoding="utf-8")
    capsys.readouterr()
    assert run_cli(app, ["ask", "--jsonl", str(questions)]) == 1
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["id"] == "a" and first["error"].startswith("Söktjänsten")
    assert second["id"] == "b" and "error" not in second and second["route"] == "lookup"


def test_a_jsonl_file_that_is_not_utf8_is_named_in_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    questions = tmp_path / "frågor.jsonl"
    questions.write_bytes('{"question": "Vad är SSPF för något i Malmö?"}\n'.encode("latin-1"))
    assert run_cli(app, ["ask", "--jsonl", str(questions)]) == 1
    err = capsys.readouterr().err
    assert f"Fel: {questions}: filen är inte UTF-8-kodad" in err and "UnicodeDecodeError" not in err
