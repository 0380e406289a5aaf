"""HTML for the web app, built from typed answers. Every piece of user or document text
goes through `esc`; the only markup is our own. No gradio import here (unit-testable).

The chat shows each message as one single-line HTML block: a Markdown renderer passes such
a block through untouched, so Markdown, LaTeX or HTML inside a question or a document
is never interpreted — it is shown as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from assistant.service import SEARCH_UNAVAILABLE, SEARCH_UNAVAILABLE_NOTE
from assistant.types import Answer, Citation

REFUSED_NOTE = "Svaret kunde inte beläggas i underlaget."
CLOSEST_SOURCES = "Närmaste källor"
SOURCES = "Källor"
MAX_CLOSEST = 5
TITLE_CHARS = 60
_MARKER = re.compile(r"\[(\d+)\]")
_SPACE = r"[\s\u00a0]+"
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|[\s:|-]+\|\s*$")


def _has_table(text: str) -> bool:
    lines = text.splitlines()
    return any(_TABLE_ROW.match(a) and _TABLE_RULE.match(b) for a, b in pairwise(lines))


def esc(text: object) -> str:
    """Escape text for HTML content and attribute values; None becomes ''."""
    return "" if text is None else html.escape(str(text), quote=True)


def esc_lines(text: str) -> str:
    """Escaped text with line breaks as <br> (so the result is one line of HTML)."""
    return "<br>".join(esc(line) for line in text.strip().splitlines())


def _spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where `phrase` occurs in `text`, tolerant of differing whitespace."""
    words = phrase.split()
    if not words:
        return []
    pattern = re.compile(_SPACE.join(re.escape(w) for w in words))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, phrases: Sequence[str]) -> str:
    """Escaped `text` with every occurrence of each phrase wrapped in <mark>."""
    spans = _merge(s for p in phrases for s in _spans(text, p))
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(esc(text[pos:start]))
        out.append(f'<mark class="ms-hl">{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def location(c: Citation) -> str:
    """'Title — Section, s. 12' as plain text."""
    page = f", s. {c.page}" if c.page else ""
    return f"{c.title} — {c.section or '(början)'}{page}"


def short_location(c: Citation) -> str:
    """'Last heading · s. 12 · Short title…' for a source's one-line summary."""
    heading = c.section.split(" > ")[-1].strip() if c.section else "(början)"
    title = c.title if len(c.title) <= TITLE_CHARS else c.title[: TITLE_CHARS - 1].rstrip() + "…"
    parts = [heading, f"s. {c.page}" if c.page else "", title]
    return " · ".join(p for p in parts if p)


def render_passage(c: Citation, number: int | None = None, open_: bool = False) -> str:
    """One source as a <details>: the summary names it, a click opens the passage."""
    n = c.n if number is None else number
    meta = (
        f'<div class="ms-meta"><span><b>Dokument:</b> {esc(c.title)}</span>'
        f"<span><b>Avsnitt:</b> {esc(c.section or '(början)')}</span>"
        f"<span><b>Sida:</b> {esc(c.page) if c.page else '–'}</span></div>"
    )
    body = f'<blockquote class="ms-passage">{highlight(c.text, c.highlights)}</blockquote>'
    attrs = ' open=""' if open_ else ""
    return (
        f'<details class="ms-source" data-n="{n}"{attrs}>'
        f'<summary><span class="ms-n">[{n}]</span> {esc(short_location(c))}</summary>{meta}{body}</details>'
    )


def render_sources(citations: Sequence[Citation], heading: str, renumber: bool = False) -> str:
    if not citations:
        return ""
    items = "".join(render_passage(c, i if renumber else None) for i, c in enumerate(citations, start=1))
    return f'<div class="ms-sources"><div class="ms-sources-h">{esc(heading)}</div>{items}</div>'


def refs(escaped: str) -> str:
    """Citation markers in already escaped text styled as references."""
    return _MARKER.sub(r'<sup class="ms-ref">[\1]</sup>', escaped)


def _cells(line: str) -> list[str]:
    """Cells of a Markdown table row; `\\|` is a literal pipe."""
    inner = line.strip()[1:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def _table_html(lines: list[str]) -> str:
    head, body = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    rows = [dict(zip(head, cells, strict=False)) for cells in body]
    return render_table(rows, head)


def answer_text(text: str) -> str:
    """Escaped answer text; Markdown tables (lookup answers) become HTML tables; markers styled."""
    lines = text.strip().splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _TABLE_ROW.match(lines[j]):
            j += 1
        if j - i >= 2 and _TABLE_RULE.match(lines[i + 1]):
            out.append(_table_html(lines[i:j]))
            i = j
            continue
        out.append(refs(esc(lines[i])) + "<br>")
        i += 1
    return "".join(out).removesuffix("<br>")


def render_table(rows: Sequence[dict[str, str]], columns: Sequence[str] | None = None) -> str:
    if not rows:
        return ""
    columns = list(columns or rows[0])
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{refs(esc(r.get(c, '')))}</td>" for c in columns) + "</tr>" for r in rows)
    return f'<table class="ms-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_answer(answer: Answer) -> str:
    """The whole assistant message: text, table, refusal note, numbered sources."""
    parts = [f'<div class="ms-text">{answer_text(answer.text)}</div>']
    if answer.table and not _has_table(answer.text):
        parts.append(render_table(answer.table))
    if answer.refused:
        parts.append(f'<div class="ms-refused" role="note">{esc(REFUSED_NOTE)}</div>')
        parts.append(render_sources(answer.sources[:MAX_CLOSEST], CLOSEST_SOURCES, renumber=True))
    else:
        parts.append(render_sources(answer.citations, SOURCES))
    if SEARCH_UNAVAILABLE in answer.flags:
        parts.append(f'<div class="ms-refused" role="note">{esc(SEARCH_UNAVAILABLE_NOTE)}</div>')
    parts.append(render_diagnostics(answer))
    return f'<div class="ms-answer">{"".join(parts)}</div>'


def render_diagnostics(answer: Answer) -> str:
    """Route, time and calibration flags, folded away (useful when reporting a bad answer)."""
    total = answer.timings.get("total")
    items = [f"Väg: {answer.route}"] + ([f"Tid: {total / 1000:.1f} s"] if total is not None else [])
    items += list(answer.flags)
    body = " · ".join(esc(i) for i in items)
    return f'<details class="ms-diag"><summary>Teknisk information</summary><div>{body}</div></details>'


def render_partial(text: str) -> str:
    """An answer while it streams in."""
    body = answer_text(text) if text.strip() else "Söker i underlaget …"
    return f'<div class="ms-answer ms-streaming"><div class="ms-text">{body}</div></div>'


def render_question(question: str) -> str:
    return f'<div class="ms-question">{esc_lines(question)}</div>'


def render_notice(message: str, kind: str = "error") -> str:
    """A friendly message (error, input problem, missing index) in place of an answer."""
    return f'<div class="ms-notice ms-{esc(kind)}" role="alert">{esc_lines(message)}</div>'
