"""A marker for a generated sentence that came without one, when one passage clearly supports it.

Small local models sometimes forget the [n] after a sentence. While the answer streams,
`add_missing_markers` watches sentence ends; a finished sentence without a marker gets
" [n]" appended (after its full stop, where `assistant.answering.citations` reads a marker as
belonging to the sentence before) when at least `MIN_SUPPORT` of its content stems occur
in passage n. Otherwise it is left alone and `check_markers` flags it "uncited". Text is
passed on as it arrives; only the whitespace after a full stop is held back until the
next character shows whether the model put a marker there itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from assistant.answering.citations import MARKER_RE
from assistant.language.terms import text_stems
from assistant.types import Passage

MIN_SUPPORT = 0.6  # share of a sentence's content stems that one passage must contain
MIN_STEMS = 3  # shorter sentences ("Ja.", a lead-in) are not claims that need a marker
_ENDS = ".!?"
_CLOSERS = ")”\"'"


def supporting_passage(sentence: str, passages: Sequence[Passage]) -> int | None:
    """The number (1-based) of the passage that best supports `sentence`, if one does clearly."""
    claim = text_stems(MARKER_RE.sub("", sentence))
    if len(claim) < MIN_STEMS:
        return None
    best, best_share = None, 0.0
    for n, passage in enumerate(passages, start=1):
        present = text_stems(passage.context or passage.chunk.text)
        share = len(claim & present) / len(claim)
        if share > best_share:
            best, best_share = n, share
    return best if best_share >= MIN_SUPPORT else None


class _Repair:
    def __init__(self, passages: Sequence[Passage]) -> None:
        self.passages = passages
        self.sentence = ""  # the current sentence so far (already passed on)
        self.held = ""  # whitespace after a sentence end, not yet passed on
        self.ended = False  # the current sentence ended; waiting for what comes next
        self.marker = False  # inside a "[n]" that follows the sentence end

    def feed(self, text: str) -> str:
        return "".join(self._char(ch) for ch in text)

    def _char(self, ch: str) -> str:
        if self.marker:
            self.sentence += ch
            self.marker, self.ended = ch != "]", ch == "]"
            return ch
        if not self.ended:
            self.sentence += ch
            self.ended = ch in _ENDS
            return ch
        if ch.isspace():
            self.held += ch
            return ""
        if ch == "[" or ch.islower() or ch.isdigit() or ch in _ENDS or ch in _CLOSERS:
            # a marker after the stop, or the same sentence: "t.ex. att", "2.5", "...", a closing quote
            out, self.held = self.held + ch, ""
            self.sentence += out
            self.marker, self.ended = ch == "[", ch in _ENDS or ch in _CLOSERS
            return out
        return self.finish() + self._start(ch)

    def _start(self, ch: str) -> str:
        out, self.held, self.sentence = self.held + ch, "", ch
        return out

    def finish(self) -> str:
        """The marker for the sentence that just ended, if it lacks one and a passage supports it."""
        sentence, self.ended = self.sentence, False
        if not sentence.strip() or MARKER_RE.search(sentence):
            return ""
        n = supporting_passage(sentence, self.passages)
        return f" [{n}]" if n is not None else ""

    def close(self) -> str:
        return self.finish() + self.held


def add_missing_markers(pieces: Iterable[str], passages: Sequence[Passage]) -> Iterator[str]:
    """The streamed pieces with a supported marker added to every finished sentence that lacks one."""
    repair = _Repair(passages)
    for piece in pieces:
        out = repair.feed(piece)
        if out:
            yield out
    tail = repair.close()
    if tail.strip():
        yield tail
