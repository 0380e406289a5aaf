"""Structure-aware chunking: headings first, then sentence boundaries, lists kept whole.

A chunk never starts or ends mid-sentence, never crosses a section, targets
`chunk_target_words`, stays under `chunk_max_words` (unless one sentence is longer) and
repeats the last `chunk_overlap_sentences` prose sentences of its predecessor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby

from assistant.text import split_sentences
from assistant.types import Chunk
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

    @property
    def words(self) -> int:
        return len(self.text.split())

    def rendered(self) -> str:
        return f"- {self.text}" if self.kind == "list_item" else self.text


def _units(blocks: Iterable[Block]) -> list[_Unit]:
    units: list[_Unit] = []
    for block in blocks:
        if block.kind == "heading":
            continue
        if block.kind == "paragraph":
            units.extend(_Unit(s, block.page, 0, "sentence") for s in split_sentences(block.text))
        else:
            units.append(_Unit(block.text, block.page, block.group, block.kind))
    return units


def _render(units: list[_Unit]) -> str:
    lines: list[str] = []
    for prev, unit in zip([None, *units[:-1]], units, strict=True):
        joins_prose = prev is not None and prev.kind == "sentence" and unit.kind == "sentence"
        if joins_prose and lines:
            lines[-1] = f"{lines[-1]} {unit.text}"
        else:
            lines.append(unit.rendered())
    return "\n".join(lines)


def _split_section(units: list[_Unit], params: ChunkParams) -> list[list[_Unit]]:
    pieces: list[list[_Unit]] = []
    current: list[_Unit] = []
    words = 0
    for i, unit in enumerate(units):
        if current and words + unit.words > params.max_words:
            pieces.append(current)
            current, words = _overlap(current, params), 0
            words = sum(u.words for u in current)
        current.append(unit)
        words += unit.words
        nxt = units[i + 1] if i + 1 < len(units) else None
        in_list = nxt is not None and unit.group and nxt.group == unit.group
        if words >= params.target_words and nxt is not None and not in_list:
            pieces.append(current)
            current = _overlap(current, params)
            words = sum(u.words for u in current)
    if current and (not pieces or any(u not in pieces[-1] for u in current)):
        pieces.append(current)
    return pieces


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
            text = _render(piece)
            pages = [u.page for u in piece if u.page is not None]
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
                )
            )
    return chunks
