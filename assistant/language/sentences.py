"""The sentences of a passage as the assistant quotes them: prose sentences, list/table lines, footnotes.

The one splitter used at ingest (the sentence index) and when answering (quotes, citations).
"""

from __future__ import annotations

import re

from assistant.language.text import FOOTNOTE_MARKS, split_sentences

LIST_LINE_RE = re.compile(r"^\s*(?:[-*•]|\(?\d+[.)])\s+")
TABLE_ROW_SEP = " | "
_FOOTNOTE_START_RE = re.compile(rf"(?<=[.!?])\s+(?=[{FOOTNOTE_MARKS}]+\s)")
_URL_END_RE = re.compile(r">\s+(?=[A-ZÅÄÖ])")


def is_list_line(line: str) -> bool:
    return bool(LIST_LINE_RE.match(line)) or TABLE_ROW_SEP in line


def passage_sentences(text: str) -> list[str]:
    """Sentences and list/table lines of a passage text, in order; a footnote is its own line."""
    return [sentence for _, sentence in numbered_sentences(text)]


def numbered_sentences(text: str) -> list[tuple[int, str]]:
    """`passage_sentences` with the number of the line (the paragraph) each sentence stands in."""
    text = _FOOTNOTE_START_RE.sub("\n", text)
    text = _URL_END_RE.sub(">\n", text)
    out: list[tuple[int, str]] = []
    for n, line in enumerate(raw.strip() for raw in text.splitlines()):
        if line:
            out.extend((n, s) for s in ([line] if is_list_line(line) else split_sentences(line)))
    return out


_ITEM_SPLIT_RE = re.compile(r"\s+[-–•]\s+|\n\s*[-*•]?\s*|^\s*[-*•]\s+")
NAVIGATION_MIN_ITEMS = 4  # a table of contents lists at least this many headings
NAVIGATION_SHARE = 0.6  # ... and most of its items are the document's own headings


def heading_key(text: str) -> str:
    return " ".join(text.split()).casefold().strip(" .:")


def is_navigation(text: str, headings: frozenset[str]) -> bool:
    """Whether `text` is a table of contents: a run of items most of which are the document's own
    section headings ("- Inledning - 1.1 Varför guiden behövs - 1.2 …"). Such text names where
    things are, it says nothing about them, so it is never an answer."""
    items = [heading_key(item) for item in _ITEM_SPLIT_RE.split(text) if item.strip()]
    if len(items) < NAVIGATION_MIN_ITEMS:
        return False
    return sum(item in headings for item in items) / len(items) >= NAVIGATION_SHARE
