"""Entity matching that forgives the spelling of real questions.

``Vocabulary.find`` matches exact aliases (with inflections). ``EntityFinder`` adds two
forgiving passes for words the first pass left unmatched:

* written without å/ä/ö ("otillaten paverkan", "goteborg"): the vocabulary is folded to
  ASCII and matched against the folded question; only aliases of 5+ letters, so that
  common words ("bra") are not taken for names ("Brå");
* misspelled names ("Trolhättan", "Sigtnua"): one-word aliases of municipalities, areas
  and methods of 6+ letters are compared with ``difflib`` (ratio >= 0.85). A word that is a name
  or word in its own right (``EntityFinder.real``: a Swedish municipality, a word the documents
  use) is not a misspelling: "Lidköpings rotationsmodell" in a guide about Lidköping is not Linköping.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from functools import cached_property

from assistant.records.cues import fold
from assistant.records.vocabulary import EntityKind, EntityMatch, Vocabulary

_MIN_ASCII_ALIAS = 5
_MIN_FUZZY_WORD = 6
_FUZZY_CUTOFF = 0.85
_FUZZY_KINDS: tuple[EntityKind, ...] = ("kommun", "omrade", "metod")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class EntityFinder:
    def __init__(
        self,
        vocabulary: Vocabulary,
        municipalities: Iterable[str] = (),
        mentioned: Callable[[str], bool] | None = None,
    ) -> None:
        """`municipalities`: every Swedish municipality; `mentioned(word)`: whether the documents use it."""
        self.vocabulary = vocabulary
        self._municipalities = {fold(m) for m in municipalities}
        self._mentioned = mentioned or (lambda _word: False)

    def real(self, word: str) -> bool:
        """Whether `word` is a name or word in its own right (a Swedish municipality, also in the
        genitive, or a word the documents use), not a misspelling of a record entity."""
        key = fold(word)
        genitive = key[:-1] if key.endswith("s") else key
        return key in self._municipalities or genitive in self._municipalities or self._mentioned(word)

    @cached_property
    def _ascii(self) -> Vocabulary | None:
        """The vocabulary with every alias folded to ASCII (None if folding makes aliases clash)."""
        v = self.vocabulary

        def folded(aliases: list[str]) -> list[str]:
            return [fold(a) for a in aliases if len(fold(a)) >= _MIN_ASCII_ALIAS]

        data = {
            "kommuner": {k: folded([k, *a]) for k, a in v.kommuner.items()},
            "omraden": {k: {"kommun": e.kommun, "aliases": folded([k, *e.aliases])} for k, e in v.omraden.items()},
            "fokusomraden": {k: {"namn": e.namn, "aliases": folded(e.aliases)} for k, e in v.fokusomraden.items()},
            "metoder": {k: folded([k, *a]) for k, a in v.metoder.items()},
            "partner": {k: folded([k, *a]) for k, a in v.partner.items()},
            "format": {k: folded([k, *a]) for k, a in v.format.items()},
        }
        try:
            return Vocabulary.model_validate(data)
        except ValueError:
            return None

    @cached_property
    def _fuzzy_table(self) -> dict[str, tuple[EntityKind, str, str]]:
        table: dict[str, tuple[EntityKind, str, str]] = {}
        entries = self.vocabulary.entries()
        for kind in _FUZZY_KINDS:
            for canonical, aliases in entries[kind].items():
                for alias in aliases:
                    key = fold(alias)
                    if " " not in alias and len(key) >= _MIN_FUZZY_WORD:
                        table.setdefault(key, (kind, canonical, alias))
        return table

    def find(self, text: str) -> list[EntityMatch]:
        """Entities in ``text``: exact matches first, then ASCII-folded, then close spellings."""
        found = list(self.vocabulary.find(text))
        if self._ascii is not None:
            for m in self._ascii.find(fold(text)):
                if not _overlaps(m, found):
                    found.append(m)
        found.extend(self._fuzzy(text, found))
        return sorted(found, key=lambda m: (m.start, m.kind))

    def _fuzzy(self, text: str, taken: list[EntityMatch]) -> list[EntityMatch]:
        out: list[EntityMatch] = []
        keys = list(self._fuzzy_table)
        for word in _WORD.finditer(text):
            key = fold(word.group(0))
            if len(key) < _MIN_FUZZY_WORD or any(word.start() < m.end and m.start < word.end() for m in taken):
                continue
            close = difflib.get_close_matches(key, keys, n=1, cutoff=_FUZZY_CUTOFF)
            if close and not self.real(word.group(0)):
                kind, canonical, alias = self._fuzzy_table[close[0]]
                out.append(EntityMatch(kind, canonical, alias, word.start(), word.end()))
        return out


def _overlaps(match: EntityMatch, others: list[EntityMatch]) -> bool:
    return any(match.start < o.end and o.start < match.end for o in others)
