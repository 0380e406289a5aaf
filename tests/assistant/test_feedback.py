"""FeedbackStore over a temporary SQLite database, and `metodstod feedback export`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.feedback import FeedbackStore

CITATIONS = [{"n": 1, "doc_id": "pm", "title": "Slutrapport", "section": "Metoder", "page": 12, "text": "Åäö."}]


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(f"sqlite:///{tmp_path / 'fb.db'}")


def test_add_and_read_back(store: FeedbackStore) -> None:
    fid = store.add("Vad är Crime proofing?", "Ett svar [1].", CITATIONS, "rag", {"k": 6}, rating="up")
    row = store.get(fid)
    assert row is not None
    assert (row.question, row.answer, row.route, row.rating, row.comment) == (
        "Vad är Crime proofing?",
        "Ett svar [1].",
        "rag",
        "up",
        None,
    )
    assert row.citations == CITATIONS
    assert row.settings == {"k": 6}
    assert row.created_at is not None


def test_update_rating_and_comment(store: FeedbackStore) -> None:
    fid = store.add("q", "a", rating="up")
    store.update(fid, comment="  Bra, men kort.  ")
    store.update(fid, rating="down")
    row = store.get(fid)
    assert (row.rating, row.comment) == ("down", "Bra, men kort.")


def test_comment_without_rating_and_blank_comment(store: FeedbackStore) -> None:
    fid = store.add("q", "a", comment="   ")
    assert store.get(fid).comment is None
    assert store.get(fid).rating is None


@pytest.mark.parametrize("rating", ["like", "", "UP"])
def test_bad_rating_is_refused(store: FeedbackStore, rating: str) -> None:
    with pytest.raises(InputError):
        store.add("q", "a", rating=rating)


def test_update_unknown_id(store: FeedbackStore) -> None:
    with pytest.raises(InputError):
        store.update(999, rating="up")


def test_export_jsonl_and_csv(store: FeedbackStore, tmp_path: Path) -> None:
    store.add(
        "Fråga ett",
        'Svar, med "citat"\noch radbrytning',
        CITATIONS,
        "both",
        {"k": 3},
        rating="down",
        comment="<b>fel</b>",
    )
    store.add("Fråga två", "Svar", [], "lookup", {}, rating="up")
    assert store.export(tmp_path / "out.jsonl", "jsonl") == 2
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["question"] for x in lines] == ["Fråga ett", "Fråga två"]
    assert lines[0]["citations"][0]["text"] == "Åäö." and lines[0]["comment"] == "<b>fel</b>"
    assert store.export(tmp_path / "out.csv", "csv") == 2
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["answer"] == 'Svar, med "citat"\noch radbrytning'
    assert json.loads(rows[0]["citations"]) == CITATIONS
    assert json.loads(rows[0]["settings"]) == {"k": 3}
    assert rows[1]["comment"] == ""


def test_export_bad_format(store: FeedbackStore, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        store.export(tmp_path / "x.xml", "xml")


def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import app
    from assistant.cli.common import run_cli
    from assistant.settings import load_settings

    FeedbackStore(load_settings().records_url).add("Vad är Crime proofing?", "Svar", CITATIONS, "rag", rating="up")
    out = tmp_path / "fb.jsonl"
    assert run_cli(app, ["feedback", "export", "--format", "jsonl", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["rating"] == "up"
    assert run_cli(app, ["feedback", "export", "--format", "xml", "--out", str(out)]) == 1
    assert "formatet ska vara ett av" in capsys.readouterr().err


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(store: FeedbackStore, tmp_path: Path) -> None:
    """OWASP's CSV-injection rule: a cell starting with = + - @ tab or CR gets a leading apostrophe."""
    from assistant.feedback import safe_cell

    store.add('=HYPERLINK("http://x","klicka")', "+46 70 123", route="rag", comment="@SUM(A1:A9)")
    store.add("-1+1", "\tfrom a tab", comment="vanlig kommentar - med streck")
    out = tmp_path / "fb.csv"
    store.export(out, "csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["question"] == '\'=HYPERLINK("http://x","klicka")'
    assert (rows[0]["answer"], rows[0]["comment"]) == ("'+46 70 123", "'@SUM(A1:A9)")
    assert (rows[1]["question"], rows[1]["answer"]) == ("'-1+1", "'\tfrom a tab")
    assert rows[1]["comment"] == "vanlig kommentar - med streck"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert (safe_cell("-12.5"), safe_cell("3"), safe_cell("")) == ("-12.5", "3", "")  # numbers stay numbers


def test_comments_lose_control_characters(store: FeedbackStore) -> None:
    fid = store.add("q", "a", comment="bra\x00 svar\x1b[31m!")
    assert store.get(fid).comment == "bra svar!"
