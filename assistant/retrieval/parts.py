"""A question that names a part of a document by its number or letter ("Sammanfatta kapitel 6",
"Vad står i avsnitt D.2?", "bilaga 2") asks about the section whose heading carries that label
("6. Lärdomar", "D.2 Vem gör vad inför frigivningen?", "Bilaga 2 Sammanfattning …").

The words of such a question ("kapitel", "6", the document's name for itself) are in every part of
the document or in none, so neither search finds the part: its first chunk is put first among the
passages (`with_parts_first`), and a part with sub-sections is answered with its outline
(`labelled_outline`). The labels are read from the ingested documents' own headings once
per corpus generation; what a part is called ("kapitel", "chapter", ...) is in `data/words.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.language.words import load_words
from assistant.retrieval.fusion import with_chunks_first
from assistant.types import SECTION_SEP, Chunk, Passage


@dataclass(frozen=True)
class Part:
    """A labelled section: its document, its path ("6. Lärdomar") and its first chunk."""

    doc_id: str
    path: str
    first: Chunk


# "6", "2.3", "D", "D.2": a number of one or two digits a part, or a capital letter (as typed)
_LABEL = r"(\d{1,2}(?:\.\d{1,2})*|[A-ZÅÄÖ](?:\.\d{1,2})*)"


@lru_cache(maxsize=1)
def _nouns() -> tuple[str, ...]:
    """The part nouns, longest first (`data/words.yaml`)."""
    return tuple(sorted(load_words().part_nouns, key=len, reverse=True))


@lru_cache(maxsize=1)
def _part_re() -> re.Pattern[str]:
    return re.compile(rf"\b(?i:(?:{'|'.join(_nouns())})\w*)\s+{_LABEL}(?!\w|\.\d)")


def part_labels(query: str) -> list[str]:
    """The labels of the document parts `query` names, with the part's name first as a heading
    may carry it ("bilaga 2": "bilag 2", then "2"): "Sammanfatta kapitel 6" → ["kapit 6", "6"]."""
    out: list[str] = []
    for found in _part_re().finditer(query):
        noun = _noun(found.group(0))
        out += [f"{noun} {found.group(1)}", found.group(1)]
    return out


def _noun(text: str) -> str:
    """The part noun `text` opens with ("Bilaga 2 …": "bilag")."""
    lowered = text.lower()
    return next((n for n in _nouns() if lowered.startswith(n)), "")


def labelled_sections(chunks: Iterable[Chunk]) -> dict[str, list[Part]]:
    """Each label a section heading opens with ("6. Lärdomar": "6"; "Bilaga 2 …": "bilag 2") → the
    sections it labels, in document order (one per document and section)."""
    first: dict[tuple[str, str], Chunk] = {}
    for chunk in sorted(chunks, key=lambda c: (c.doc_id, c.position)):
        parts = chunk.section.split(SECTION_SEP)
        for depth in range(1, len(parts) + 1):
            first.setdefault((chunk.doc_id, SECTION_SEP.join(parts[:depth])), chunk)
    out: dict[str, list[Part]] = {}
    for (doc_id, path), chunk in first.items():
        heading = path.rpartition(SECTION_SEP)[2].strip()
        label = heading_label(heading)
        if label:  # "Bilaga 2 …" is "bilag 2", "6. Lärdomar" is "6"
            out.setdefault(f"{_noun(heading)} {label}".strip(), []).append(Part(doc_id, path, chunk))
    return out


# "6. Lärdomar", "6 Lärdomar", "D.2 Vem …", "A. Utgångspunkter", "Bilaga 2 …"; not "A och O", "I Göteborg"
_HEADING_LABEL_RE = re.compile(
    rf"^(?:(?i:{'|'.join(load_words().part_nouns)})\w*\s+)?"
    r"(\d{1,2}(?:\.\d{1,2})*\.?(?=\s)|[A-ZÅÄÖ](?:\.\d{1,2})+\.?(?=\s)|[A-ZÅÄÖ][.:)](?=\s))\s*\S"
)


def heading_label(heading: str) -> str:
    """The number or letter a heading opens with ("6. Lärdomar": "6", "D.2 Vem gör …": "D.2",
    "Bilaga 2 Sammanfattning": "2"); "" for a heading without one ("Förord", "A och O")."""
    found = _HEADING_LABEL_RE.match(heading.strip())
    return found.group(1).rstrip(".:)") if found else ""


def named_parts(labels: Sequence[str], sections: Mapping[str, list[Part]]) -> list[Part]:
    """The sections the first of `labels` that any heading carries names ([] when none does)."""
    return next((sections[label] for label in labels if label in sections), [])


def with_parts_first(fused: Sequence[Passage], parts: Sequence[Part]) -> list[Passage]:
    """`fused` with the first chunk of each section the question's first label names in front, in
    every document that has one (those of a document the question names come first later,
    `titles.with_named_first`)."""
    return with_chunks_first(fused, [part.first for part in parts])


def labelled_outline(
    parts: Sequence[Part], tree: Mapping[tuple[str, str], list[Chunk]], top: Sequence[Passage]
) -> list[Chunk]:
    """The first chunks of the sub-sections of the named part that ranks best among `top` (or the
    first named part with sub-sections); [] when the named parts have none ("avsnitt 6.1")."""
    rank = {p.chunk.id: i for i, p in enumerate(top)}
    for part in sorted(parts, key=lambda part: rank.get(part.first.id, len(rank))):
        if len(children := tree.get((part.doc_id, part.path), [])) >= 2:
            return children
    return []
