"""What the material's words are: document frequencies of stems, term weights, and the material's own
spelling of a word typed without å/ä/ö or one letter off (`TermStats`, built once per corpus generation)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from functools import cached_property

from assistant.language.text import fold_letters

TYPO_MIN_LETTERS = 5  # a shorter word the material does not have is not read as a typo of one it has


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class TermStats:
    """Document frequencies of stems over a set of texts; weights are BM25-style IDF."""

    def __init__(self, docs: Iterable[Iterable[str]], self_names: frozenset[str] = frozenset()) -> None:
        self.df: Counter[str] = Counter()
        self.n, self.self_names = 0, self_names  # what the documents call themselves (`language.self_names`)
        self._folded: dict[str, tuple[str, ...]] | None = None
        self._deletions: dict[str, tuple[str, ...]] | None = None
        for doc in docs:
            self.n += 1
            self.df.update(set(doc))

    def weight(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every stem the material uses (built once per statistics)."""
        return frozenset(self.df)

    @cached_property
    def folded_vocabulary(self) -> frozenset[str]:
        """Every stem the material uses, written without å/ä/ö (built once per statistics)."""
        return frozenset(fold_letters(s) for s in self.df)

    def __contains__(self, term: object) -> bool:
        return self.df.get(term, 0) > 0  # type: ignore[arg-type]

    def spelled_out(self, term: str) -> tuple[str, ...]:
        """The material's stems that `term` is, typed without Swedish letters ("problemtrad" ->
        "problemträd") or else with one letter wrong, missing, extra or swapped ("proffing" ->
        "proofing", "sigtna" -> "sigtuna"); () when the material has `term` itself or no such stem."""
        if term in self:
            return ()
        return self.accented(term) or self._misspelled(term)

    def accented(self, term: str) -> tuple[str, ...]:
        """The material's stems written with å/ä/ö that `term` is typed without ("bra" -> "brå"),
        even where `term` is a word of the material too."""
        if term != fold_letters(term):
            return ()
        if self._folded is None:
            folded: dict[str, list[str]] = {}
            for known in self.df:
                if fold_letters(known) != known:
                    folded.setdefault(fold_letters(known), []).append(known)
            self._folded = {k: tuple(v) for k, v in folded.items()}
        return self._folded.get(term, ())

    def _misspelled(self, term: str) -> tuple[str, ...]:
        """Stems of the material one edit from `term` (a deletion index: two words one edit apart
        share a deletion), for words of at least `TYPO_MIN_LETTERS` letters."""
        if len(term) < TYPO_MIN_LETTERS or not term.isalpha():
            return ()
        if self._deletions is None:
            index: dict[str, set[str]] = {}
            for known in self.df:
                if len(known) >= TYPO_MIN_LETTERS and known.isalpha():
                    for key in (known, *_deletions(known)):
                        index.setdefault(key, set()).add(known)
            self._deletions = {k: tuple(sorted(v)) for k, v in index.items()}
        found = {k for key in (term, *_deletions(term)) for k in self._deletions.get(key, ())}
        return tuple(sorted(k for k in found if abs(len(k) - len(term)) <= 1))
