"""Trace record quotes back to the source Markdown: where does a quote occur?

The Markdown carries ``<!-- page: N -->`` markers (text belongs to the last marker
before it) and headings; a section path is the heading texts from ``##`` downwards
joined with " > ". Matching is on whitespace- and emphasis-normalised text with
page markers, headings and other HTML comments left out, so a quote may run over a
line break or a page marker; the page of an occurrence is the one in force where
the quote starts.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

PAGE_MARKER_RE = re.compile(r"^\s*<!--\s*page:\s*(\d+)\s*-->\s*$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
SECTION_SEPARATOR = " > "


EMPHASIS_RE = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1")


def normalise(text: str) -> str:
    """NFC, soft hyphens and Markdown emphasis dropped, whitespace folded to one space."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    text = EMPHASIS_RE.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class QuoteLocation:
    page: int | None
    section: str
    offset: int


class MarkdownTrace:
    """Normalised body text of one Markdown document with page and section per offset."""

    def __init__(self, markdown: str) -> None:
        self.text, self._starts, self._where = _index(markdown)

    @classmethod
    def from_file(cls, path: Path) -> MarkdownTrace:
        return cls(Path(path).read_text(encoding="utf-8"))

    def where(self, offset: int) -> tuple[int | None, str]:
        """Page and section in force at ``offset`` of the normalised text."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._where[i] if i >= 0 else (None, "")

    def locate(self, quote: str) -> list[QuoteLocation]:
        """Every occurrence of ``quote`` (whitespace-normalised)."""
        needle = normalise(quote)
        if not needle:
            return []
        found: list[QuoteLocation] = []
        start = self.text.find(needle)
        while start != -1:
            page, section = self.where(start)
            found.append(QuoteLocation(page, section, start))
            start = self.text.find(needle, start + 1)
        return found

    def sections(self) -> list[str]:
        """Every section path that has body text, in document order."""
        return list(dict.fromkeys(section for _, section in self._where if section))


def _index(markdown: str) -> tuple[str, list[int], list[tuple[int | None, str]]]:
    pieces: list[str] = []
    starts: list[int] = []
    where: list[tuple[int | None, str]] = []
    page: int | None = None
    headings: list[tuple[int, str]] = []
    length = 0
    for line in markdown.splitlines():
        marker = PAGE_MARKER_RE.match(line)
        if marker:
            page = int(marker.group(1))
            continue
        if line.lstrip().startswith("<!--"):
            continue  # other HTML comments are not text
        heading = HEADING_RE.match(line)
        if heading:
            level = len(heading.group(1))
            headings = [h for h in headings if h[0] < level] + [(level, normalise(heading.group(2)))]
            continue
        text = normalise(line)
        if not text:
            continue
        section = SECTION_SEPARATOR.join(title for level, title in headings if level >= 2)
        starts.append(length)
        where.append((page, section))
        pieces.append(text)
        length += len(text) + 1
    return " ".join(pieces), starts, where
