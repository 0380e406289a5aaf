"""A section's outline: the sub-sections of the section a summary question names.

"Vilka lärdomar tar Brå med sig …?", "Vilka är de fem stegen …?": the answer is the structure of
one section of a document ("Lärdomar inför fortsatt …" with "Förändringsarbete tar tid",
"Resurskrävande …", …), not the eight sentences that share most words with the question, which
come from one or two of its sub-sections. The structure is what the ingested documents' headings
say (read from the chunks' section paths once per corpus generation): nothing here knows a word of
any document.

A section is the one a summary or a list question (`asks_outline`) names when, among the sections
above the top passages:
- its own heading holds at least `min_share` of the question's term weight (the words that tell
  the kind, "sammanfatta", left out: `Question.topic`), and the question names at least
  `min_heading` of the heading's own weight (a long heading sharing two common words is not it);
- it has at least `min_children` sub-sections, and none of their headings names the question as
  well ("Hur formulerar vi problemet i problemträdet?" asks about "Problemträdet", not about
  "Orsaksanalys med problemträd"), unless the question names two of them by words the section's
  heading lacks ("Ge en överblick över stegen i arbetssättet, från signal till uppföljning": steps 1
  and 6; nineteen sets +2, nothing else changes);
- each name the question asks about is in its heading path or in half of its sub-sections
  ("Sammanfatta vad Sigtuna gjorde inom projektet" is not the outline of "Projektets genomförande").
The section with the largest share wins. Its outline is the first chunk of each sub-section, in
the document's order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.language.terms import Term, text_stems
from assistant.language.text import names_in
from assistant.types import SECTION_SEP, Chunk, Passage

OUTLINE_KINDS = frozenset({"overview", "list"})  # a summary or a list of things
NOT_OUTLINE_KINDS = frozenset({"quantity", "time"})  # a figure or a date is in one place
Weight = Callable[[str], float]


@dataclass(frozen=True)
class OutlineRule:
    min_share: float
    min_heading: float
    min_children: int


@dataclass(frozen=True)
class Outline:
    doc_id: str
    path: str  # the section's path ("Lärdomar inför fortsatt praktiktäna stöd")
    share: float  # the question's term weight found in the section's own heading
    children: tuple[Chunk, ...]  # the first chunk of each sub-section, in document order


def asks_outline(kinds: frozenset[str]) -> bool:
    """Whether a question of these kinds may be answered with a section's outline."""
    return bool(kinds & OUTLINE_KINDS) and not kinds & NOT_OUTLINE_KINDS


def section_tree(chunks: Sequence[Chunk]) -> dict[tuple[str, str], list[Chunk]]:
    """Each section with sub-sections (at any level, also one with no text of its own) → the first
    chunk of each of its direct sub-sections, in document order."""
    tree: dict[tuple[str, str], dict[str, Chunk]] = {}
    for chunk in sorted(chunks, key=lambda c: (c.doc_id, c.position)):
        parts = chunk.section.split(SECTION_SEP)
        for depth in range(1, len(parts)):
            parent = (chunk.doc_id, SECTION_SEP.join(parts[:depth]))
            tree.setdefault(parent, {}).setdefault(SECTION_SEP.join(parts[: depth + 1]), chunk)
    return {key: list(children.values()) for key, children in tree.items()}


def find_outline(
    tree: dict[tuple[str, str], list[Chunk]],
    top: Sequence[Passage],
    terms: Sequence[Term],
    names: Sequence[str],
    weight: Weight,
    rule: OutlineRule,
) -> Outline | None:
    """The section the question names, among those above the top passages (see the module docstring)."""
    total = sum(t.weight(weight) for t in terms)
    if not total:
        return None
    best: Outline | None = None
    for passage in top:
        parts = passage.chunk.section.split(SECTION_SEP)
        for depth in range(1, len(parts) + 1):
            key = (passage.chunk.doc_id, SECTION_SEP.join(parts[:depth]))
            children = tree.get(key, [])
            share = _share(parts[depth - 1], terms, weight) / total
            if len(children) < rule.min_children or share < rule.min_share or (best and share <= best.share):
                continue
            if _named(parts[depth - 1], terms, weight) < rule.min_heading:
                continue
            if _names_one_child(parts[depth - 1], children, depth, terms, weight, share, total):
                continue  # a sub-section's heading names the question as well: it asks about that one
            if all(_about(key[1], children, name) for name in names):
                best = Outline(key[0], key[1], share, tuple(children))
    return best


def _names_one_child(
    heading: str,
    children: Sequence[Chunk],
    depth: int,
    terms: Sequence[Term],
    weight: Weight,
    share: float,
    total: float,
) -> bool:
    """Whether a sub-section's heading names the question as well as the section's own ("Vilka råd
    ger metoden om problemträdet?": "Problemträdet"), unless the question names two sub-sections by
    words their section's heading lacks ("… stegen i arbetssättet, från signal till uppföljning":
    "Steg 1 – Signalen …" and "Steg 6 – Uppföljning …"): then it asks about the section they share."""
    if not any(_share(_heading(c, depth), terms, weight) / total >= share for c in children):
        return False
    own = text_stems(heading)
    beyond = [
        c for c in children if any(t.found_in(text_stems(_heading(c, depth))) and not t.found_in(own) for t in terms)
    ]
    return len(beyond) < 2


def _heading(chunk: Chunk, depth: int) -> str:
    """The heading of `chunk`'s section at `depth` (0: the top level)."""
    return chunk.section.split(SECTION_SEP)[depth]


def _share(heading: str, terms: Sequence[Term], weight: Weight) -> float:
    """The question's term weight found in a heading."""
    present = text_stems(heading)
    return sum(t.weight(weight) for t in terms if t.found_in(present))


def _named(heading: str, terms: Sequence[Term], weight: Weight) -> float:
    """The share of a heading's own weight that the question's terms name: a long heading
    ("Uppdrag om att utveckla stöd till kommuner med utsatta områden") that shares two common
    words with a question is not the one it asks about."""
    present = text_stems(heading)
    total = sum(weight(s) for s in present)
    found = sum(weight(s) for s in present if any(t.found_in(frozenset({s})) for t in terms))
    return found / total if total else 0.0


def _about(path: str, children: Sequence[Chunk], name: str) -> bool:
    """Whether a section is about a name: in its heading path, or in half of its sub-sections."""
    return names_in(path, name) or 2 * sum(names_in(c.text, name) for c in children) >= len(children)
