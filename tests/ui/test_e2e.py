"""End to end: the real `metodstod serve` over a real index, driven in headless Chromium.

Ask a question from the PM, see the streamed answer with citations, open a citation,
filter the activities by municipality, rate the answer and find the rating in SQLite.
Screenshots of each step go to the test's tmp folder and to screenshots/ (git-ignored).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.ui.ui_browser import FINAL_ANSWER_JS, LIKE, WATCH_JS, ask, choose, not_pwned

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.ui.conftest import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

QUESTION = "Vad är Crime proofing?"


def test_chat_citation_activities_feedback(live_server: LiveServer, page: Page) -> None:
    shot = live_server.shot
    assert page.locator("#ms-chat button.example").count() == 4  # example questions on an empty chat
    shot(page, "e2e-01-start")

    page.evaluate(WATCH_JS)
    started = time.monotonic()
    answer = ask(page, QUESTION)
    seconds = time.monotonic() - started
    states = page.evaluate("window.__states")
    assert len(states) >= 2, f"the answer did not stream in (states seen: {states})"
    text = answer.inner_text()
    assert "Crime proofing" in text or "Crimeproofing" in text
    assert "Källor" in text and "[1]" in text
    sources = answer.locator("details.ms-source")
    assert sources.count() >= 1
    shot(page, "e2e-02-answer")
    print(f"first answer in {seconds:.1f}s, {len(states)} streamed states")

    first = sources.first
    assert first.get_attribute("open") is None
    first.locator("summary").click()
    page.wait_for_function("el => el.open", arg=first.element_handle())
    passage = first.inner_text()
    assert "Dokument:" in passage and "Slutrapportering av uppdraget" in passage
    assert "Avsnitt:" in passage and "Sida:" in passage
    assert first.locator("blockquote.ms-passage").is_visible()
    assert first.locator("mark.ms-hl").count() >= 1  # the cited sentences are highlighted
    first.scroll_into_view_if_needed()
    shot(page, "e2e-03-citation")

    answer.locator(LIKE).click()
    page.wait_for_function("() => document.querySelector('#ms-feedback-note').innerText.includes('Tack')")
    page.fill("#ms-comment textarea", "Tydligt svar <b>med</b> källa")
    page.click("#ms-send-comment")
    page.wait_for_function("() => !document.querySelector('#ms-comment textarea').value")
    rows = _feedback_rows(live_server.data_dir)
    assert len(rows) == 1
    question, answer_text, citations, route, settings, rating, comment = rows[0]
    assert question == QUESTION and rating == "up" and comment == "Tydligt svar <b>med</b> källa"
    assert answer_text and route in ("rag", "lookup", "both")
    assert json.loads(citations)[0]["title"].startswith("Slutrapportering")
    assert json.loads(settings)["embedder"]
    shot(page, "e2e-04-feedback")
    not_pwned(page)

    page.get_by_role("tab", name="Aktiviteter").click()
    count = page.locator("#ms-activity-count .ms-count")
    count.wait_for()
    total = _number(count.inner_text())
    assert total > 0
    choose(page, "ms-f-kommun", "Sigtuna")
    page.wait_for_function(
        "n => { const el = document.querySelector('#ms-activity-count .ms-count'); "
        "return el && parseInt(el.innerText) !== n; }",
        arg=total,
    )
    filtered = _number(count.inner_text())
    assert 0 < filtered < total
    cells = page.locator('#ms-activity-table [role="gridcell"][data-col="0"]')  # gradio's virtualised rows
    cells.first.wait_for()
    kommuner = {c.strip() for c in cells.all_inner_texts() if c.strip()}
    assert kommuner == {"Sigtuna"}, kommuner
    shot(page, "e2e-05-aktiviteter-sigtuna")
    with page.expect_download() as info:
        page.click("#ms-activity-csv")
    download = info.value
    assert download.suggested_filename == "aktiviteter-sigtuna.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.DictReader(handle, delimiter=";"))  # Excel-friendly: semicolons, BOM
    assert len(exported) == filtered and {r["Kommun"] for r in exported} == {"Sigtuna"}

    page.get_by_role("tab", name="Källor").click()
    page.wait_for_function("() => document.querySelector('#ms-docs').innerText.includes('slutrapport-suo-2024')")
    shot(page, "e2e-06-kallor")


def test_new_conversation_and_follow_up(live_server: LiveServer, page: Page) -> None:
    ask(page, QUESTION)
    follow = ask(page, "Vilka kommuner testade den?")
    assert "Källor" in follow.inner_text() or "Svaret kunde inte beläggas" in follow.inner_text()
    assert page.locator("#ms-chat .bot-row").count() == 2
    shot_path = live_server.shot(page, "e2e-07-follow-up")
    assert shot_path.exists()
    page.click("#ms-new")
    page.wait_for_function("() => document.querySelectorAll('#ms-chat .bot-row').length === 0")
    examples = page.locator("#ms-chat button.example")
    assert examples.count() == 4
    examples.nth(1).click()  # "Vilka kommuner deltog i projektet?"
    page.wait_for_function(FINAL_ANSWER_JS, arg=0)
    assert "Vilka kommuner deltog i projektet?" in page.locator("#ms-chat .user-row").first.inner_text()
    assert page.locator("#ms-chat .bot-row").count() == 1


def _number(text: str) -> int:
    return int(text.split()[0])


def _feedback_rows(data_dir: Path) -> list[tuple]:
    with sqlite3.connect(data_dir / "metodstod.db") as conn:
        return conn.execute(
            "SELECT question, answer, citations, route, settings, rating, comment FROM feedback ORDER BY id"
        ).fetchall()
