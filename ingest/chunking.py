"""Structure-aware chunking: headings first, then sentence boundaries, lists kept whole.

A chunk never starts or ends mid-sentence, never crosses a section, targets
`chunk_target_words`, stays under `chunk_max_words` (unless one sentence is longer) and
repeats the last `chunk_overlap_sentences` prose sentences of its predecessor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby, takewhile

from assistant.language.text import split_sentences
from assistant.types import Chunk, format_page_marks
from ingest.loaders import Block, LoadedDocument

Tagger = Callable[[str], tuple[list[str], list[str]]]


@dataclass(frozen=True)
class ChunkParams:
    target_words: int
    max_words: int
    overlap_sentences: int


@dataclass
class _Unit:
    text: str
    page: int | None
    group: int  # 0 for prose sentences; list/table group otherwise
    kind: str
    last_page: int | None = None  # the page a unit running over a page break ends on
    block: int = 0  # index of the source block: sentences of one paragraph share it

    @property
    def words(self) -> int:
        return len(self.text.split())

    def rendered(self) -> str:
        return f"- {self.text}" if self.kind == "list_item" else self.text


def _units(blocks: Iterable[Block]) -> list[_Unit]:
    units: list[_Unit] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            continue
        if block.kind == "paragraph":
            units.extend(_sentence_units(block, index))
        else:
            units.append(_Unit(block.text, block.page, block.group, block.kind, block.last_page, index))
    return units


def _sentence_units(block: Block, index: int) -> list[_Unit]:
    """The sentences of a paragraph, each on the page it starts on (a paragraph may cross pages)."""
    units: list[_Unit] = []
    pos = 0
    for sentence in split_sentences(block.text):
        found = block.text.find(sentence, pos)
        start = found if found >= 0 else pos
        end = start + len(sentence)
        pos = end
        first, last = _page_at(block, start), _page_at(block, max(start, end - 1))
        units.append(_Unit(sentence, first, 0, "sentence", last if last != first else None, index))
    if units and block.last_page is not None and not block.page_breaks:
        units[-1].last_page = block.last_page  # no offsets known: the paragraph's last sentence ends there
    return units


def _page_at(block: Block, offset: int) -> int | None:
    page = block.page
    for start, number in block.page_breaks:
        if start <= offset:
            page = number
    return page


def _render(units: list[_Unit]) -> tuple[str, str]:
    """Sentences of one paragraph on one line; each paragraph, list item and table row on its own.
    Returns the text and its page marks (where in the text each page begins)."""
    lines: list[str] = []
    marks: list[tuple[int, int]] = []
    length = -1  # characters of "\n".join(lines), less the one separator before the first line
    for prev, unit in zip([None, *units[:-1]], units, strict=True):
        same_paragraph = prev is not None and prev.kind == unit.kind == "sentence" and prev.block == unit.block
        piece = unit.text if same_paragraph and lines else unit.rendered()
        offset = length + 1  # after a space (same paragraph) or a line break
        if same_paragraph and lines:
            lines[-1] = f"{lines[-1]} {piece}"
        else:
            lines.append(piece)
        length = offset + len(piece)
        if unit.page is not None:
            marks.append((max(offset, 0), unit.page))
    return "\n".join(lines), format_page_marks(marks)


def _split_section(units: list[_Unit], params: ChunkParams) -> list[list[_Unit]]:
    """Pieces of one section: cut at the target size between units, never inside a list
    that fits in `max_words`, and never above `max_words` unless one unit is longer."""
    pieces: list[list[_Unit]] = []
    current: list[_Unit] = []
    fresh = 0  # units of `current` not carried over from the previous piece

    def cut() -> None:
        nonlocal current, fresh
        if fresh:
            pieces.append(current)
            current = _overlap(current, params)
        fresh = 0

    for i, unit in enumerate(units):
        group = _group_words(units, i)
        # A list or table that fits in one piece is placed as a whole.
        need = group if 0 < group <= params.max_words else unit.words
        if _words(current) + need > params.max_words:
            cut()
            if _words(current) + need > params.max_words:
                current = []  # the overlap does not fit beside what comes next
        current.append(unit)
        fresh += 1
        nxt = units[i + 1] if i + 1 < len(units) else None
        in_group = nxt is not None and unit.group != 0 and nxt.group == unit.group
        if _words(current) >= params.target_words and nxt is not None and not in_group:
            cut()
    if fresh:
        pieces.append(current)
    return pieces


def _words(units: list[_Unit]) -> int:
    return sum(u.words for u in units)


def _group_words(units: list[_Unit], i: int) -> int:
    """Words of the list or table that starts at `units[i]` (0 if none starts there)."""
    group = units[i].group
    if group == 0 or (i > 0 and units[i - 1].group == group):
        return 0
    return sum(u.words for u in takewhile(lambda u: u.group == group, units[i:]))


def _overlap(units: list[_Unit], params: ChunkParams) -> list[_Unit]:
    if params.overlap_sentences == 0 or not units or units[-1].kind != "sentence":
        return []
    tail = units[-params.overlap_sentences :]
    return [u for u in tail if u.kind == "sentence"]


def chunk_document(
    doc: LoadedDocument,
    doc_id: str,
    doc_type: str,
    doc_hash: str,
    params: ChunkParams,
    tagger: Tagger | None = None,
) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section, blocks in groupby(doc.blocks, key=lambda b: b.section):
        for piece in _split_section(_units(blocks), params):
            text, page_marks = _render(piece)
            pages = [p for u in piece for p in (u.page, u.last_page) if p is not None]
            kommuner, fokus = tagger(f"{section}\n{text}") if tagger else ([], [])
            position = len(chunks)
            chunks.append(
                Chunk(
                    id=f"{doc_id}:{doc_hash[:12]}:{position:05d}",
                    doc_id=doc_id,
                    title=doc.title,
                    doc_type=doc_type,
                    section=section,
                    page_start=min(pages) if pages else None,
                    page_end=max(pages) if pages else None,
                    position=position,
                    text=text,
                    content_hash=hashlib.sha256(f"{section}\n{text}".encode()).hexdigest()[:16],
                    doc_hash=doc_hash,
                    kommuner=";".join(kommuner),
                    fokusomraden=";".join(fokus),
                    page_marks=page_marks,
                )
            )
    return chunks
