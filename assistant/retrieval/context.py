"""Context around a passage: its text joined with its same-section neighbours in the active corpus."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.index.lexical import LexicalIndex
from assistant.language.text import split_sentences
from assistant.types import Chunk, Passage


def merge_texts(texts: Sequence[str]) -> str:
    """Join neighbouring chunk texts, dropping the sentences a chunk repeats from its predecessor."""
    merged: list[str] = []
    for text in texts:
        if merged:
            text = _drop_overlap(merged[-1], text)
        if text:
            merged.append(text)
    return "\n".join(merged)


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
    return [p.model_copy(update={"context": _context(index, active, p.chunk, window, skip)}) for p in passages]


def _context(index: LexicalIndex, active: frozenset[str], chunk: Chunk, window: int, skip: frozenset[str]) -> str:
    before = _walk(index, active, chunk, -1, window, skip)
    after = _walk(index, active, chunk, 1, window, skip)
    return merge_texts([c.text for c in [*reversed(before), chunk, *after]])


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
