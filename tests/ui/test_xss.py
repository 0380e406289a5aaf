"""Script in a question or in a document must be shown as text and never run (real browser)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.ui.ui_browser import ask, not_pwned

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.ui.conftest import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'


def test_question_with_html_is_shown_literally(live_server: LiveServer, page: Page) -> None:
    question = f"Vad är Crime proofing? {SCRIPT} {IMG}"
    ask(page, question)
    page.wait_for_timeout(500)  # give an onerror handler the chance to fire
    not_pwned(page)
    user = page.locator("#ms-chat .user-row").last
    assert SCRIPT in user.inner_text() and IMG in user.inner_text()
    assert page.locator("#ms-chat img[src='x']").count() == 0
    assert page.locator("#ms-chat script").count() == 0
    live_server.shot(page, "xss-01-question")


def test_document_with_html_is_shown_literally(live_server: LiveServer, page: Page) -> None:
    answer = ask(page, "Hur ofta ska pelargoner vattnas?")
    source = answer.locator("details.ms-source", has_text="pelargon").first
    source.locator("summary").click()
    page.wait_for_function("el => el.open", arg=source.element_handle())
    page.wait_for_timeout(500)
    not_pwned(page)
    shown = source.inner_text()
    assert "Skötselråd" in shown
    assert '<img src=x onerror="window.__pwned=' in shown  # title and passage text, verbatim
    assert "<b>men inte</b>" in shown or "<script>window.__pwned=" in shown
    assert source.locator("img, script, b:not(.ms-meta b)").count() == 0
    source.scroll_into_view_if_needed()
    live_server.shot(page, "xss-02-document")

    page.get_by_role("tab", name="Källor").click()
    page.wait_for_function("() => document.querySelector('#ms-docs').innerText.includes('pelargoner')")
    assert '<img src=x onerror="window.__pwned=3">' in page.locator("#ms-docs").inner_text()
    not_pwned(page)
    live_server.shot(page, "xss-03-kallor")
