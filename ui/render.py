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
_LIST_ITEM = re.compile(r"^\s*- ")


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


_NUMBERED_PART = re.compile(r"^((?:Bilaga|Kapitel|Appendix|Bilagor)\s+\d+)\b")


def short_section(section: str) -> str:
    """ "Bilaga 2 › Sigtuna › Välfärdsbrott" for a long heading path: an appendix or chapter by its
    number, else the last two headings."""
    parts = [p.strip() for p in section.split(" > ") if p.strip()]
    if not parts:
        return "(början)"
    numbered = _NUMBERED_PART.match(parts[0])
    if numbered:
        return " › ".join([numbered.group(1), *parts[1:]])
    return " › ".join(parts[-2:])


def short_location(c: Citation, with_title: bool = True) -> str:
    """'Bilaga 2 › Sigtuna · s. 12 · Short title…' for a source's one-line summary."""
    heading = short_section(c.section)
    title = c.title if len(c.title) <= TITLE_CHARS else c.title[: TITLE_CHARS - 1].rstrip() + "…"
    parts = [heading, f"s. {c.page}" if c.page else "", title if with_title else ""]
    return " · ".join(p for p in parts if p)


def _item(c: Citation, n: int) -> str:
    """One cited passage: where it is, and its text with the cited sentences highlighted."""
    meta = (
        f'<div class="ms-meta"><span><b>Dokument:</b> {esc(c.title)}</span>'
        f"<span><b>Avsnitt:</b> {esc(c.section or '(början)')}</span>"
        f"<span><b>Sida:</b> {esc(c.page) if c.page else '–'}</span></div>"
    )
    body = f'<blockquote class="ms-passage">{highlight(c.text, c.highlights)}</blockquote>'
    return f'<div class="ms-src-item ms-n-{n}">{meta}{body}</div>'  # classes: the chat's sanitizer drops data-*


def render_passage(c: Citation, number: int | None = None, open_: bool = False, with_title: bool = True) -> str:
    """One source as a <details>: the summary names it, a click opens the passage."""
    n = c.n if number is None else number
    attrs = ' open=""' if open_ else ""
    return (
        f'<details class="ms-source" data-n="{n}"{attrs}>'
        f'<summary><span class="ms-n">[{n}]</span> {esc(short_location(c, with_title))}</summary>'
        f"{_item(c, n)}</details>"
    )


def _numbers(ns: Sequence[int]) -> str:
    """ "[14–19]" for a run of numbers, else "[3, 5, 9]"."""
    if len(ns) > 1 and list(ns) == list(range(ns[0], ns[-1] + 1)):
        return f"[{ns[0]}–{ns[-1]}]"
    return "[" + ", ".join(map(str, ns)) + "]"


def render_group(citations: Sequence[Citation], numbers: Sequence[int]) -> str:
    """Sources from one section and page as one row: "[14–19] Bilaga 2 › Trollhättan, s. 37 — 6 rader"."""
    first = citations[0]
    page = f", s. {first.page}" if first.page else ""
    kind = "rader" if all(c.score is None for c in citations) else "stycken"
    summary = f"{short_section(first.section)}{page} — {len(citations)} {kind}"
    items = "".join(_item(c, n) for c, n in zip(citations, numbers, strict=True))
    data = " ".join(map(str, numbers))
    return (
        f'<details class="ms-source ms-group" data-ns="{data}">'
        f'<summary><span class="ms-n">{_numbers(numbers)}</span> {esc(summary)}</summary>{items}</details>'
    )


def render_sources(citations: Sequence[Citation], heading: str, renumber: bool = False) -> str:
    """The sources under an answer; those of one section and page collapse into one row. With one
    document only, its title is said once in the heading instead of on every row."""
    if not citations:
        return ""
    numbered = [(c, i if renumber else c.n) for i, c in enumerate(citations, start=1)]
    titles = {c.title for c in citations}
    one_doc = len(titles) == 1 and len(citations) > 1
    groups: dict[tuple[str, str, int | None], list[tuple[Citation, int]]] = {}
    for c, n in numbered:
        groups.setdefault((c.doc_id, c.section, c.page), []).append((c, n))
    rows = []
    for members in groups.values():
        if len(members) == 1:
            c, n = members[0]
            rows.append(render_passage(c, n, with_title=not one_doc))
        else:
            rows.append(render_group([c for c, _ in members], [n for _, n in members]))
    title = f'<span class="ms-sources-doc"> — {esc(next(iter(titles)))}</span>' if one_doc else ""
    return f'<div class="ms-sources"><div class="ms-sources-h">{esc(heading)}{title}</div>{"".join(rows)}</div>'


def refs(escaped: str) -> str:
    """Citation markers in already escaped text as links that open the cited passage (ui.styles.HEAD)."""
    return _MARKER.sub(r'<a class="ms-ref ms-ref-\1" href="#" title="Visa källa \1">[\1]</a>', escaped)


def _cells(line: str) -> list[str]:
    """Cells of a Markdown table row; `\\|` is a literal pipe."""
    inner = line.strip()[1:-1]
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def _table_html(lines: list[str]) -> str:
    head, body = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    rows = [dict(zip(head, cells, strict=False)) for cells in body]
    return render_table(rows, head)


def answer_text(text: str) -> str:
    """Escaped answer text; Markdown tables (lookup answers) become HTML tables, "- " lines a list;
    markers are links."""
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
        j = i
        while j < len(lines) and _LIST_ITEM.match(lines[j]):
            j += 1
        if j > i:
            items = "".join(f"<li>{refs(esc(_LIST_ITEM.sub('', line)))}</li>" for line in lines[i:j])
            out.append(f'<ul class="ms-list">{items}</ul>')
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


def render_folded_table(rows: Sequence[dict[str, str]]) -> str:
    summary = f"Visa alla {len(rows)} rader som tabell"
    return f'<details class="ms-table-box"><summary>{esc(summary)}</summary>{render_table(rows)}</details>'


def render_answer(answer: Answer) -> str:
    """The whole assistant message: text, table, refusal note, numbered sources."""
    parts = [f'<div class="ms-text">{answer_text(answer.text)}</div>']
    if answer.table and not _has_table(answer.text):  # an overview's rows: offered folded
        parts.append(render_folded_table(answer.table))
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
