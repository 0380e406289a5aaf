"""Loaders: turn a file into a `LoadedDocument` of structured blocks with pages.

Supported: PDF (pypdf, page by page), Markdown (headings, lists, tables and
`<!-- page: N -->` markers), plain text (form feeds as page breaks). Records files
(CSV) are handled by `ingest.records`. Anything else is an `UnsupportedFileError`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant.errors import IngestError, UnsupportedFileError
from assistant.language.text import FOOTNOTE_MARKS

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]

DOCUMENT_SUFFIXES = {".pdf": "pdf", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}
RECORDS_SUFFIXES = {".csv"}

_PAGE_MARKER = re.compile(r"^<!--\s*page:\s*(\d+)\s*-->$")
_QUOTE_MARK = re.compile(r"^(?:>\s?)+")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
# Markdown footnotes: a reference "…text[^3]" and its definition line "[^3]: Skolverket (2023)." read as the
# superscript marks a PDF has ("…text³", "³ Skolverket (2023)."), which quoting handles (`language.sentences`).
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:\s*(.*)$")
_FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
_SUPERSCRIPT = str.maketrans("1234567890", FOOTNOTE_MARKS)
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*)$")  # a task list's box ("- [ ] …") is no text
# A thematic break ("---", "* * *", "___") separates; it is no text, and as text it made a chunk of its own.
_THEMATIC_BREAK = re.compile(r"^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_PAGE_NUMBER = re.compile(r"^(?:(?:sida|page|s\.)\s*)?\d{1,3}(?:\s*(?:/|av|of)\s*\d{1,3})?$", re.IGNORECASE)
_HYPHENATED = re.compile(r"[a-zåäöéü]{2}-$")  # "brotts-" / "förebyggande"
_SENTENCE_END = (".", ":", "!", "?")
# A line ending in one of these is a wrapped line of prose, not a heading.
_TRAILING_WORDS = frozenset(
    {"och", "att", "av", "för", "i", "med", "om", "på", "som", "till", "en", "ett", "den", "det", "de"}
    | {"eller", "samt", "från", "vid", "är", "har"}
)
_KEEPS_HYPHEN = re.compile(r"^(?:och|eller|samt|som|till)\b")  # "brotts- och straffrätt"


@dataclass
class Block:
    kind: BlockKind
    text: str
    section: str = ""
    page: int | None = None
    level: int = 0
    group: int = 0  # blocks of one list or table share a group number
    last_page: int | None = None  # set when the block runs over a page break
    page_breaks: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, page) of each new page


@dataclass
class LoadedDocument:
    path: Path
    title: str
    blocks: list[Block]
    raw_hash: str
    pages: int | None = None
    meta: dict[str, object] = field(default_factory=dict)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_text_file(path: Path, data: bytes) -> str:
    if not data.strip():
        raise IngestError(path, "tom fil: inget att läsa in")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            path,
            f"inte UTF-8-text (ogiltig byte 0x{data[exc.start]:02x} vid position {exc.start}); spara den som UTF-8",
        ) from exc


class _SectionTracker:
    """Keeps the heading path (level 2 and below; level 1 is the document title)."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []
        self.title: str | None = None

    def heading(self, level: int, text: str) -> None:
        if level == 1 and self.title is None:
            self.title = text
            return
        self.stack = [(lvl, t) for lvl, t in self.stack if lvl < level]
        self.stack.append((level, text))

    @property
    def path(self) -> str:
        return " > ".join(t for _, t in self.stack)


def parse_markdown(text: str) -> tuple[str | None, list[Block], int | None]:
    """Blocks of a Markdown text; returns (title from the first `#`, blocks, last page)."""
    tracker = _SectionTracker()
    blocks: list[Block] = []
    page: int | None = None
    group = 0
    paragraph: list[str] = []
    prev_kind: str | None = None

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph), tracker.path, page))
            paragraph = []

    for raw in text.splitlines():
        line = _QUOTE_MARK.sub("", raw.strip())  # a block quote ("> ”Första veckan …”") reads as its text
        if not line:
            flush()
            continue
        if marker := _PAGE_MARKER.match(line):
            flush()
            page = int(marker.group(1))
            continue
        if line.startswith("<!--"):
            continue
        if _THEMATIC_BREAK.match(line):
            flush()
            prev_kind = None
            continue
        if note := _FOOTNOTE_DEFINITION.match(line):  # its own paragraph, after its mark
            flush()
            paragraph.append(f"{_superscript(note.group(1))} {_strip_emphasis(note.group(2))}".strip())
            flush()
            prev_kind = "paragraph"
            continue
        line = _FOOTNOTE_REFERENCE.sub(lambda m: _superscript(m.group(1)), line)
        if raw[:1].isspace() and prev_kind == "list_item" and not paragraph:
            blocks[-1].text = f"{blocks[-1].text} {_strip_emphasis(line)}"
            continue
        if heading := _HEADING.match(line):
            flush()
            tracker.heading(len(heading.group(1)), _strip_emphasis(heading.group(2)))
            if len(heading.group(1)) > 1:
                blocks.append(Block("heading", tracker.stack[-1][1], tracker.path, page, len(heading.group(1))))
            prev_kind = "heading"
            continue
        kind = "table_row" if line.startswith("|") else "list_item" if _LIST_ITEM.match(line) else None
        if kind:
            flush()
            if kind == "table_row" and _TABLE_SEPARATOR.match(line):
                continue
            if prev_kind != kind:
                group += 1
            content = _table_text(line) if kind == "table_row" else _LIST_ITEM.match(line).group(1)
            blocks.append(Block(kind, _strip_emphasis(content), tracker.path, page, group=group))
            prev_kind = kind
            continue
        paragraph.append(_strip_emphasis(line))
        prev_kind = "paragraph"
    flush()
    return tracker.title, blocks, page


def _superscript(label: str) -> str:
    """A footnote's label as superscript digits ("3" -> "³"); a label that is no number is left out."""
    return label.translate(_SUPERSCRIPT) if label.isdigit() else ""


def _table_text(line: str) -> str:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return " | ".join(c for c in cells if c)


def _strip_emphasis(text: str) -> str:
    return re.sub(r"(\*\*|__|\*)(\S(?:.*?\S)?)\1", r"\2", text)


def load_markdown(path: Path, data: bytes) -> LoadedDocument:
    title, blocks, last_page = parse_markdown(read_text_file(path, data))
    _require_text(path, blocks)
    return LoadedDocument(path, title or path.stem, blocks, file_hash(data), pages=last_page)


def load_text(path: Path, data: bytes) -> LoadedDocument:
    """Plain text: paragraphs split on blank lines, pages on form feeds."""
    text = read_text_file(path, data)
    blocks: list[Block] = []
    pages = text.split("\f")
    for number, page_text in enumerate(pages, start=1):
        for para in re.split(r"\n\s*\n", page_text):
            para = " ".join(para.split())
            if para:
                blocks.append(Block("paragraph", para, "", number if len(pages) > 1 else None))
    _require_text(path, blocks)
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
    title = first_line if len(first_line) <= 120 else path.stem
    return LoadedDocument(path, title, blocks, file_hash(data), pages=len(pages) if len(pages) > 1 else None)


def load_pdf(path: Path, data: bytes) -> LoadedDocument:
    """PDF page by page; short title-like lines become headings of the current section."""
    if not data.strip():
        raise IngestError(path, "tom fil: inget att läsa in")
    try:
        with _quiet_pypdf():
            texts, meta_title = _read_pdf(path, data)
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many exception types on damaged files
        raise IngestError(path, f"skadad eller avklippt PDF ({exc.__class__.__name__}: {_one_line(exc)})") from exc
    blocks = _pdf_blocks(texts)
    if not any(b.kind != "heading" and b.text.strip() for b in blocks):
        raise IngestError(path, "PDF-filen har ingen text att läsa ut (inskannade bilder?); kör OCR först")
    return LoadedDocument(path, meta_title.strip() or path.stem, blocks, file_hash(data), pages=len(texts))


def _read_pdf(path: Path, data: bytes) -> tuple[list[str], str]:
    """Text of every page and the metadata title; opens PDFs that need no password."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except DependencyError as exc:
            raise IngestError(
                path, f"krypterad PDF som behöver ett extra paket för att öppnas: {_one_line(exc)}"
            ) from exc
        if not opened:
            raise IngestError(path, "krypterad (lösenordsskyddad) PDF; spara en oskyddad kopia och läs in den")
    texts = [page.extract_text() or "" for page in reader.pages]
    title = str(reader.metadata.title or "") if reader.metadata else ""
    return texts, title


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs warnings about damaged files; the error we raise says it in one line."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or "no details"


def _pdf_blocks(page_texts: list[str]) -> list[Block]:
    """Blocks of extracted page texts. A paragraph ends at a blank line, or at a sentence end
    at the end of a line when the next line does not go on in lower case; so a sentence
    running over a line or a page break stays whole (and keeps the page it starts on)."""
    tracker = _SectionTracker()
    blocks: list[Block] = []
    lines = [(number, line) for number, text in enumerate(page_texts, start=1) for line in _page_lines(text)]
    paragraph: list[str] = []
    breaks: list[tuple[int, int]] = []  # where in the paragraph's text a new page begins
    start = 1

    def close(page: int) -> None:
        if paragraph:
            last = page if page != start else None
            blocks.append(Block("paragraph", " ".join(paragraph), tracker.path, start, last_page=last))
            blocks[-1].page_breaks = list(breaks)
            paragraph.clear()
            breaks.clear()

    for i, (page, line) in enumerate(lines):
        next_page, following = lines[i + 1] if i + 1 < len(lines) else (page + 1, "")
        goes_on = following[:1].islower()
        if not line:
            close(page)
        elif not paragraph and not goes_on and _looks_like_heading(line):
            tracker.heading(2, line)
            blocks.append(Block("heading", line, tracker.path, page, 2))
        else:
            if not paragraph:
                start = page
            elif page != (breaks[-1][1] if breaks else start):
                breaks.append((len(" ".join(paragraph)) + 1, page))
            _append_line(paragraph, line)
            if not goes_on and (line.endswith(_SENTENCE_END) or next_page != page):
                close(page)
    return blocks


def _page_lines(text: str) -> list[str]:
    """Whitespace-folded lines of one page without page numbers and edge blank lines."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if not _PAGE_NUMBER.match(line)]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _append_line(paragraph: list[str], line: str) -> None:
    """Add a line to a paragraph, joining a word hyphenated over the line break."""
    if paragraph and _HYPHENATED.search(paragraph[-1]) and line[:1].islower() and not _KEEPS_HYPHEN.match(line):
        paragraph[-1] = paragraph[-1][:-1] + line
    else:
        paragraph.append(line)


def _looks_like_heading(line: str) -> bool:
    """A short line that starts in upper case and does not end like prose does."""
    words = line.split()
    return (
        0 < len(words) <= 8
        and line[:1].isupper()
        and not line.endswith((".", ",", ";", ":"))
        and words[-1].lower() not in _TRAILING_WORDS
    )


def _require_text(path: Path, blocks: list[Block]) -> None:
    if not any(b.kind != "heading" and b.text.strip() for b in blocks):
        raise IngestError(path, "ingen text hittades i filen")


LOADERS = {"pdf": load_pdf, "markdown": load_markdown, "text": load_text}


def load_document(path: Path) -> LoadedDocument:
    """Load one document file, raising an `IngestError` naming the file on any problem."""
    kind = DOCUMENT_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        allowed = ", ".join(sorted({*DOCUMENT_SUFFIXES, *RECORDS_SUFFIXES}))
        raise UnsupportedFileError(
            path, f"filtypen '{path.suffix or '(ingen)'}' stöds inte; filtyper som stöds: {allowed}"
        )
    if not path.exists():
        raise IngestError(path, "filen finns inte")
    return LOADERS[kind](path, path.read_bytes())
