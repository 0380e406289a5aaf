"""What a reader sees, in the real browser over the real app (issue 14): a new answer starts in
view, the sources of one section are one row, a marker [n] opens its passage, the records table
has no curation notes, gradio's own labels are Swedish whatever the browser's language, the font
has every weight with å/ä/ö, notices carry no thumbs and an empty question leaves no bubble."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.ui_browser import ask

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.ui.conftest import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

RECORDS_QUESTION = "Hur många aktiviteter genomförde Trollhättan inom fokusområde 5?"
CURATION_NOTES = ("Kommentar", "brödtext", "förd till fokusområde", "Finns inte i bilaga 2")
ENGLISH_LABELS = {"Like", "Dislike", "Clear", "Copy", "Submit", "Retry", "Undo", "Loading", "Error"}


def _top_offset(page: Page) -> float:
    """How far below the top of the chat's visible area the latest question starts (px)."""
    return page.evaluate(
        """() => {
          const q = [...document.querySelectorAll('#ms-chat .user-row')].pop();
          const panel = document.querySelector('#ms-chat .panel-wrap') || document.querySelector('#ms-chat');
          return q.getBoundingClientRect().top - panel.getBoundingClientRect().top;
        }"""
    )


def test_a_new_answer_starts_in_view_with_its_sources_in_one_row(live_server: LiveServer, page: Page) -> None:
    ask(page, "Vad är Crime proofing?")
    answer = ask(page, RECORDS_QUESTION)
    assert 0 <= _top_offset(page) < 40  # the question and the start of its answer, not the end of the sources
    assert answer.locator(".ms-text").first.is_visible()
    text = answer.inner_text()
    assert "Materialet nämner 6 aktiviteter för Trollhättan inom fokusområde 5" in text
    rows = answer.locator("details.ms-source")
    assert rows.count() == 1  # six record rows of one section and page: one source row
    assert (
        "[1–6] Bilaga 2 › Trollhättan › Situationellt och platsbaserat brottsförebyggande arbete, s. 37 — 6 rader"
        in (rows.first.locator("summary").inner_text())
    )
    assert answer.locator(".ms-src-item").count() == 6  # each cited row can still be read
    live_server.shot(page, "issue14-01-answer-start-and-one-source-row")


def test_a_marker_opens_the_cited_passage(live_server: LiveServer, page: Page) -> None:
    answer = ask(page, RECORDS_QUESTION)
    group = answer.locator("details.ms-source").first
    assert group.get_attribute("open") is None
    marker = answer.locator("table a.ms-ref", has_text="[3]")
    assert marker.get_attribute("href") == "#" and marker.get_attribute("title") == "Visa källa 3"
    marker.click()
    page.wait_for_function("el => el.open", arg=group.element_handle())
    passage = answer.locator(".ms-src-item.ms-n-3")
    assert passage.is_visible() and "Tryggare skola" in passage.inner_text()
    assert "Sida: 37" in passage.inner_text()
    live_server.shot(page, "issue14-02-marker-opens-passage")


def test_the_records_table_shows_focus_area_names_and_no_curation_notes(live_server: LiveServer, page: Page) -> None:
    answer = ask(page, "Vilka aktiviteter genomförde Trollhättan inom välfärdsbrott?")
    headers = answer.locator("table.ms-table th").all_inner_texts()
    assert "Kommentar" not in headers and "Fokusområde" in headers
    text = answer.inner_text()
    assert not [note for note in CURATION_NOTES if note in text]
    column = headers.index("Fokusområde")
    cells = answer.locator(f"table.ms-table tbody tr td:nth-child({column + 1})").all_inner_texts()
    assert cells and set(cells) == {"4 – Välfärdsbrottslighet"}


def test_an_overview_is_lines_per_focus_area_with_the_table_folded(live_server: LiveServer, page: Page) -> None:
    answer = ask(page, "Vilka aktiviteter genomförde Sigtuna?")
    items = answer.locator("ul.ms-list li")
    assert items.count() == 5 and items.first.inner_text().startswith("Fokusområde 1 – ")
    folded = answer.locator("details.ms-table-box")
    assert folded.get_attribute("open") is None and not folded.locator("table").is_visible()
    folded.locator("summary").click()
    assert folded.locator("table tbody tr").count() == 15
    live_server.shot(page, "issue14-03-overview")


def test_gradio_labels_are_swedish_in_an_english_browser(live_server: LiveServer, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        page = context.new_page()
        page.goto(live_server.url)
        page.wait_for_selector("#ms-question textarea")
        ask(page, "Vad är Crime proofing?")
        labels = {
            (b.get_attribute("aria-label") or b.inner_text()).strip()
            for b in page.locator("button").all()
            if b.is_visible()
        }
        assert {"Gilla", "Ogilla"} <= labels
        assert not labels & ENGLISH_LABELS, labels & ENGLISH_LABELS
        live_server.shot(page, "issue14-04-english-browser-swedish-labels")
    finally:
        context.close()


def test_every_weight_of_the_font_has_swedish_letters(page: Page) -> None:
    loaded = page.evaluate(
        """async () => {
          await document.fonts.load('600 16px "Metodstod Sans"', 'ÅÄÖåäö');
          await document.fonts.load('700 16px "Metodstod Sans"', 'ÅÄÖåäö');
          await document.fonts.ready;
          return [...document.fonts].filter(f => f.family.includes('Metodstod') && f.status === 'loaded')
            .map(f => f.weight);
        }"""
    )
    assert {"400", "600", "700"} <= set(loaded)
    assert page.evaluate("document.fonts.check('600 16px \"Metodstod Sans\"', 'ÅÄÖ')")
    assert "Metodstod Sans" in page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")


def test_no_empty_bubble_and_no_thumbs_under_a_notice(live_server: LiveServer, page: Page) -> None:
    page.locator("#ms-question textarea").fill("   ")
    page.click("#ms-ask")
    page.wait_for_function("() => document.querySelector('#ms-input-note').innerText.includes('Skriv en fråga')")
    assert page.locator("#ms-chat .user-row").count() == 0 and page.locator("#ms-chat .bot-row").count() == 0
    notice = ask(page, "x" * 3000)  # too long: a notice, not an answer
    assert notice.locator(".ms-notice").is_visible()
    assert not [
        b for b in notice.locator("button[aria-label='Gilla'], button[aria-label='Ogilla']").all() if b.is_visible()
    ]
    answer = ask(page, "Vad är Crime proofing?")
    assert answer.locator("button[aria-label='Gilla']").is_visible()  # a real answer can be rated
    assert page.locator("#ms-input-note").inner_text().strip() == ""


def test_activity_table_words_are_whole_and_the_chart_legend_is_not_cut(live_server: LiveServer, page: Page) -> None:
    page.get_by_role("tab", name="Aktiviteter").click()
    page.locator('#ms-activity-table [role="gridcell"]').first.wait_for()
    cut = page.evaluate(
        """() => [...document.querySelectorAll('#ms-activity-table th, #ms-activity-table [role="gridcell"]')]
             .filter(el => el.offsetParent !== null)
             .flatMap(el => [...el.querySelectorAll('span, div')].concat([el]))
             .filter(el => el.scrollWidth > el.clientWidth + 1 && el.innerText.trim())
             .map(el => el.innerText.trim()).slice(0, 5)"""
    )
    assert cut == []  # no word wider than its column (so none is broken or clipped)
    legend = page.locator("#ms-activity-chart svg text").all_text_contents()
    labels = [t for t in legend if t[:1].isdigit() and " – " in t]
    assert len(labels) == 6 and not [t for t in labels if t.endswith("…")], labels
    live_server.shot(page, "issue14-05-aktiviteter")
