"""Citation markers in answer text: checking, renumbering and turning them into `Citation`s.

Used by every generator's output (re-exported from `assistant.answering.extractive`). An answer is a
sequence of units — prose sentences, or a list block (an intro line ending in ":" plus its
"- " items) — and every factual unit must carry at least one marker like "[2]".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from assistant.language.sentences import FOOTNOTE_MARKS, TABLE_ROW_SEP, is_list_line, passage_sentences
from assistant.language.terms import text_stems
from assistant.language.text import content_words, split_sentences
from assistant.types import Citation, Passage

__all__ = ["FOOTNOTE_MARKS", "TABLE_ROW_SEP", "is_list_line", "passage_sentences"]  # re-exported

MARKER_RE = re.compile(r"(\s*)\[(\d+(?:\s*,\s*\d+)*)\]")
FACTUAL_MIN_WORDS = 2  # a unit with fewer content words ("Ja.") is not a claim that needs a source
_LEADING_MARKERS_RE = re.compile(r"^((?:\[\d+(?:\s*,\s*\d+)*\]\s*)+)")


def marker_numbers(text: str) -> list[int]:
    """Every number referenced by a marker, in order (repeats kept)."""
    return [int(n) for m in MARKER_RE.finditer(text) for n in re.findall(r"\d+", m.group(2))]


def strip_markers(text: str) -> str:
    return MARKER_RE.sub("", text).strip()


def _sentences(line: str) -> list[str]:
    """Sentences of one line with each marker kept on the sentence it follows."""
    out: list[str] = []
    for part in split_sentences(line):
        lead = _LEADING_MARKERS_RE.match(part)
        if lead and out:
            out[-1] = f"{out[-1]} {lead.group(1).strip()}"
            part = part[lead.end() :].strip()
        if part:
            out.append(part)
    return out


def answer_units(text: str) -> list[str]:
    """Split answer text into claim units; a list block (the line before it + its items) is one unit."""
    units: list[str] = []
    joined = False  # the previous line belongs to the last unit (no blank line in between)
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            joined = False
        elif is_list_line(line) and joined:
            units[-1] = f"{units[-1]}\n{line}"
        else:
            units.extend([line] if is_list_line(line) or _lead_in(line) else _sentences(line))
            joined = True
    return units


def _lead_in(line: str) -> bool:
    """A line that introduces what follows and cites nothing ("Ur avsnittet ”6. Kommunexempel:
    Motala”:"): one unit, even where a heading it names holds a full stop."""
    return line.endswith(":") and not marker_numbers(line)


def _is_factual(unit: str) -> bool:
    body = strip_markers(unit)
    if body.endswith(":") and "\n" not in body:
        return False  # a lead-in such as "According to the material:"
    return len(content_words(body)) >= FACTUAL_MIN_WORDS


def check_markers(text: str, n_sources: int) -> tuple[str, list[str]]:
    """Drop markers that point at no source; flag "invalid_marker" and "uncited" claims."""
    flags: list[str] = []

    def fix(match: re.Match[str]) -> str:
        nums = list(dict.fromkeys(int(n) for n in re.findall(r"\d+", match.group(2))))
        valid = [n for n in nums if 1 <= n <= n_sources]
        if len(valid) < len(nums) and "invalid_marker" not in flags:
            flags.append("invalid_marker")
        return f"{match.group(1)}[{', '.join(map(str, valid))}]" if valid else ""

    cleaned = MARKER_RE.sub(fix, text).strip()
    if any(_is_factual(u) and not marker_numbers(u) for u in answer_units(cleaned)):
        flags.append("uncited")
    return cleaned, flags


def renumber(text: str, n_sources: int) -> tuple[str, list[int]]:
    """Renumber markers 1..n in order of first use; returns the text and the old numbers in new order."""
    order: list[int] = []
    for n in marker_numbers(text):
        if 1 <= n <= n_sources and n not in order:
            order.append(n)
    mapping = {old: new for new, old in enumerate(order, start=1)}

    def sub(match: re.Match[str]) -> str:
        nums = [mapping[int(n)] for n in re.findall(r"\d+", match.group(2)) if int(n) in mapping]
        return f"{match.group(1)}[{', '.join(map(str, dict.fromkeys(nums)))}]" if nums else ""

    return MARKER_RE.sub(sub, text), order


class StreamRenumberer:
    """Renumbers markers while text streams, exactly as `check_markers` + `renumber` do on the whole.

    Markers are numbered 1..n in order of first use and markers to no source are dropped, so
    the streamed pieces already read like the final answer. Trailing whitespace and a
    possibly unfinished marker ("… [1", "… [") are held back until the next piece.
    """

    _TAIL_RE = re.compile(r"\s*(?:\[[\d,\s]*)?$")

    def __init__(self, n_sources: int) -> None:
        self.n_sources = n_sources
        self.order: list[int] = []
        self._pending = ""

    def feed(self, piece: str) -> str:
        text = self._pending + piece
        cut = self._TAIL_RE.search(text).start()  # type: ignore[union-attr] - the pattern always matches
        self._pending = text[cut:]
        return self._rewrite(text[:cut])

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return self._rewrite(text).rstrip()

    def _rewrite(self, text: str) -> str:
        def sub(match: re.Match[str]) -> str:
            nums = [int(n) for n in re.findall(r"\d+", match.group(2))]
            valid = [n for n in dict.fromkeys(nums) if 1 <= n <= self.n_sources]
            for n in valid:
                if n not in self.order:
                    self.order.append(n)
            new = [self.order.index(n) + 1 for n in valid]
            return f"{match.group(1)}[{', '.join(map(str, new))}]" if new else ""

        return MARKER_RE.sub(sub, text)


def renumber_stream(pieces: Iterable[str], n_sources: int) -> Iterator[str]:
    """The pieces with their markers renumbered (see `StreamRenumberer`); joined, they equal the
    text that `check_markers` and `build_citations` make of the whole."""
    renumberer = StreamRenumberer(n_sources)
    started = False
    for piece in [*pieces, None]:
        out = renumberer.flush() if piece is None else renumberer.feed(piece)
        if not started:
            out = out.lstrip()
        if out:
            started = True
            yield out


def _best_match(claim: str, candidates: Sequence[str]) -> str | None:
    claim_stems = text_stems(claim)
    if not claim_stems:
        return None
    best, best_score = None, 0.0
    for cand in candidates:
        cand_stems = text_stems(cand)
        score = len(claim_stems & cand_stems) / len(claim_stems | cand_stems) if cand_stems else 0.0
        if score > best_score:
            best, best_score = cand, score
    return best


def highlights_for(passage: Passage, claims: Sequence[str]) -> list[str]:
    """The passage sentences the claims came from (verbatim when quoted, else most similar)."""
    source = passage.context or passage.chunk.text
    candidates = passage_sentences(source)
    found: list[str] = []
    for claim in claims:
        for line in strip_markers(claim).splitlines():
            body = re.sub(r"^\s*[-*•]\s+", "", line).strip()
            exact = next((c for c in candidates if body and body in c), None)
            match = exact or _best_match(body, candidates)
            if match and match not in found:
                found.append(match)
    return found


def build_citations(text: str, passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
    """Renumber the markers of ``text`` and build one `Citation` per cited passage, in first-use order.

    Each citation's `highlights` are the passage sentences the answer took from it; when one
    lies in a neighbouring chunk (the passage context), the citation text is that context.
    """
    units = answer_units(text)
    renumbered, order = renumber(text, len(passages))
    citations: list[Citation] = []
    for new, old in enumerate(order, start=1):
        passage = passages[old - 1]
        claims = [u for u in units if old in marker_numbers(u)]
        highlights = highlights_for(passage, claims)
        citation = Citation.from_passage(new, passage, highlights)
        if passage.context and any(h not in passage.chunk.text for h in highlights):
            citation.text = passage.context
        citations.append(citation)
    return renumbered, citations


def build_sources(passages: Sequence[Passage]) -> list[Citation]:
    """Every retrieved passage as a numbered source, in rank order."""
    return [Citation.from_passage(i, p) for i, p in enumerate(passages, start=1)]
