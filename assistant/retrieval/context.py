"""Context around a passage: its text joined with its same-section neighbours in the active corpus."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.index.lexical import LexicalIndex
from assistant.language.text import split_sentences
from assistant.types import Chunk, Passage, format_page_marks, page_at, parse_page_marks


def merge_texts(texts: Sequence[str]) -> str:
    """Join neighbouring chunk texts, dropping the sentences a chunk repeats from its predecessor."""
    return "\n".join(piece for piece in _pieces(texts) if piece)


def _pieces(texts: Sequence[str]) -> list[str]:
    """Each text less the sentences it repeats from the one before ("" when nothing is left)."""
    pieces: list[str] = []
    for text in texts:
        kept = [p for p in pieces if p]
        pieces.append(_drop_overlap(kept[-1], text) if kept else text)
    return pieces


def _drop_overlap(previous: str, text: str) -> str:
    tail = split_sentences(previous.splitlines()[-1]) if previous.strip() else []
    first, _, rest = text.partition("\n")
    head = split_sentences(first)
    while head and head[0] in tail:
        head.pop(0)
    return "\n".join(part for part in (" ".join(head), rest) if part)


def with_context(
    index: LexicalIndex | None,
    active: frozenset[str],
    passages: Sequence[Passage],
    window: int,
    skip: frozenset[str] = frozenset(),
) -> list[Passage]:
    """Passages with `context`: their text joined with up to `window` same-section neighbours each side
    (only neighbours of the passage's own, active, document version are joined)."""
    if index is None or window < 1:
        return list(passages)
    out = []
    for p in passages:
        context, marks = _context(index, active, p.chunk, window, skip)
        out.append(p.model_copy(update={"context": context, "context_page_marks": marks}))
    return out


def _context(
    index: LexicalIndex, active: frozenset[str], chunk: Chunk, window: int, skip: frozenset[str]
) -> tuple[str, str]:
    before = _walk(index, active, chunk, -1, window, skip)
    after = _walk(index, active, chunk, 1, window, skip)
    chunks = [*reversed(before), chunk, *after]
    text = merge_texts([c.text for c in chunks])
    return text, _context_marks(chunks)


def _context_marks(chunks: Sequence[Chunk]) -> str:
    """Page marks of the merged context: each chunk's marks, moved to where its text lies in it."""
    marks: list[tuple[int, int]] = []
    pos = 0
    for chunk, piece in zip(chunks, _pieces([c.text for c in chunks]), strict=True):
        if not piece:
            continue
        skip = len(chunk.text) - len(piece) if chunk.text.endswith(piece) else 0
        first = page_at(chunk.page_marks, skip, chunk.page_start)
        if first is not None:
            marks.append((pos, first))
        marks.extend((pos + off - skip, page) for off, page in parse_page_marks(chunk.page_marks) if off > skip)
        pos += len(piece) + 1
    return format_page_marks(marks)


def neighbours(
    index: LexicalIndex, active: frozenset[str], chunk: Chunk, window: int, skip: frozenset[str] = frozenset()
) -> list[Chunk]:
    """The chunks a passage's context joins to it: up to `window` same-section neighbours each side."""
    return [*_walk(index, active, chunk, -1, window, skip), *_walk(index, active, chunk, 1, window, skip)]


def _walk(
    index: LexicalIndex, active: frozenset[str], chunk: Chunk, step: int, window: int, skip: frozenset[str]
) -> list[Chunk]:
    found: list[Chunk] = []
    current = chunk
    for _ in range(window):
        nxt = index.neighbour(current, step)
        same_version = nxt is not None and nxt.doc_hash == chunk.doc_hash and nxt.doc_hash in active
        if not same_version or nxt.section != chunk.section or nxt.id in skip:
            break
        found.append(nxt)
        current = nxt
    return found
