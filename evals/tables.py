"""Report building blocks rendered both as Markdown and as (escaped) HTML."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.gates import WHOLE_NUMBERS


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Entry:
    """One item told in full: a title, labelled lines, and a text quoted as it was (an answer)."""

    title: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    quote: str = ""


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


def fmt(value: Any, key: str = "") -> str:
    """A metric value for a table: 3 decimals, whole milliseconds for latency, – when undefined."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.0f}" if key in WHOLE_NUMBERS else f"{value:.3f}"
    return str(value)


def fmt_delta(delta: float | None, key: str = "") -> str:
    if delta is None:
        return "–"
    return f"{delta:+.0f}" if key in WHOLE_NUMBERS else f"{delta:+.3f}"


def excerpt(text: str, limit: int = 300) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --------------------------------------------------------------------------- Markdown


def md_cell(text: str) -> str:
    """A table cell: one line, pipes escaped, angle brackets as entities (no raw HTML gets through)."""
    flat = " ".join(str(text).split())
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def md_text(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_table(table: Table) -> str:
    lines = ["| " + " | ".join(md_cell(h) for h in table.headers) + " |"]
    lines.append("|" + "|".join("---" for _ in table.headers) + "|")
    lines.extend("| " + " | ".join(md_cell(c) for c in row) + " |" for row in table.rows)
    return "\n".join(lines)


def md_entry(entry: Entry) -> str:
    """A heading, one line per field, and the quote as a block quote (line breaks kept)."""
    lines = [f"### {md_text(entry.title)}", ""]
    lines += [f"- **{md_text(name)}:** {md_cell(value)}" for name, value in entry.fields]
    if entry.quote:
        lines.append("")
        lines += [f"> {md_text(line)}" if line.strip() else ">" for line in entry.quote.splitlines()]
    return "\n".join(lines)


def to_markdown(title: str, sections: list[Section]) -> str:
    parts = [f"# {md_text(title)}"]
    for section in sections:
        parts.append(f"## {md_text(section.title)}")
        parts.extend(md_text(p) for p in section.paragraphs)
        parts.extend(md_table(t) for t in section.tables)
        parts.extend(f"![{md_text(image.stem)}]({image.name})" for image in section.images)
        parts.extend(md_entry(entry) for entry in section.entries)
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;
padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;height:auto;display:block;margin:1rem 0}
blockquote{white-space:pre-wrap;border-left:3px solid #ccc;margin:.5rem 0 1.5rem;padding:.3rem .8rem;background:#fafafa}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem .8rem;margin:.3rem 0}dt{font-weight:600}dd{margin:0}
"""


def is_number(text: str) -> bool:
    return text.replace(".", "", 1).replace("+", "", 1).replace("-", "", 1).isdigit()


def html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = []
    for row in table.rows:
        cells = "".join(
            f'<td class="num">{html.escape(c)}</td>' if is_number(c) else f"<td>{html.escape(c)}</td>" for c in row
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def html_image(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def html_entry(entry: Entry) -> str:
    fields = "".join(f"<dt>{html.escape(name)}</dt><dd>{html.escape(value)}</dd>" for name, value in entry.fields)
    quote = f"<blockquote>{html.escape(entry.quote)}</blockquote>" if entry.quote else ""
    return f"<h3>{html.escape(entry.title)}</h3><dl>{fields}</dl>{quote}"


def to_html(title: str, sections: list[Section]) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for section in sections:
        parts.append(f"<section><h2>{html.escape(section.title)}</h2>")
        parts.extend(f"<p>{html.escape(p)}</p>" for p in section.paragraphs)
        parts.extend(html_table(t) for t in section.tables)
        parts.extend(html_image(image) for image in section.images if image.is_file())
        parts.extend(html_entry(entry) for entry in section.entries)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
