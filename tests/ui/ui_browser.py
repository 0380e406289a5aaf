"""Playwright helpers for the browser tests (sync API)."""

from __future__ import annotations

from typing import Any

LIKE = 'button[aria-label="Gilla"], button[aria-label="Like"]'  # gradio localises the thumbs (sv / en)
FINAL_ANSWER_JS = """n => {
  const rows = document.querySelectorAll('#ms-chat .bot-row');
  if (rows.length <= n) return false;
  const last = rows[rows.length - 1];
  const done = last.querySelector('.ms-answer') || last.querySelector('.ms-notice');
  return !last.querySelector('.ms-streaming') && !!done;
}"""

WATCH_JS = """() => {
  window.__states = [];
  const seen = new Set();
  const note = () => {
    const rows = document.querySelectorAll('#ms-chat .bot-row');
    if (!rows.length) return;
    const text = rows[rows.length - 1].innerText;
    if (!seen.has(text)) { seen.add(text); window.__states.push(text); }
  };
  new MutationObserver(note).observe(document.querySelector('#ms-chat'),
    {subtree: true, childList: true, characterData: true});
}"""


def bot_count(page: Any) -> int:
    return page.locator("#ms-chat .bot-row").count()


def ask(page: Any, question: str, timeout_ms: int = 60_000) -> Any:
    """Type a question, press Enter, wait for the final (non-streaming) answer; return its row."""
    before = bot_count(page)
    box = page.locator("#ms-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(FINAL_ANSWER_JS, arg=before, timeout=timeout_ms)
    return page.locator("#ms-chat .bot-row").last


def choose(page: Any, elem_id: str, option: str) -> None:
    """Pick an option of a gr.Dropdown by its label."""
    page.click(f"#{elem_id} input")
    page.locator(f'#{elem_id} li[role="option"][aria-label="{option}"]').click()


def not_pwned(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined", "injected script ran"
