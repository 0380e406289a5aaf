"""The entity vocabulary (``corpus/records/vocabulary.yaml``) and a matcher over it.

The vocabulary is data: canonical names with their aliases, per kind of entity
(municipality, area, focus area, method, partner, format). ``Vocabulary.find`` finds
the entities a question mentions: matching is lower-case and word-boundary aware, the
longest alias wins ("göteborg sydväst" over "göteborg"), and Swedish genitive and
common inflection endings are accepted ("Sigtunas", "SSPF:s", "workshopen",
"välfärdsbrottsligheten"). Canonical names are identical to those in the record CSVs;
for focus areas the canonical value is the number as a string ("4"). A focus area is
also named by its number after the word for it ("fokusområde 5", "fokusområdena 2 och 3",
"focus area 4"); a bare number never is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.errors import ConfigError

EntityKind = Literal["kommun", "omrade", "fokusomrade", "metod", "partner", "format"]

# Endings accepted after an alias. Short aliases (mostly abbreviations such as "EST",
# "SSPF", "Brå") only take the genitive; longer ones also take definite/plural forms.
_GENITIVE = ("s", ":s", "’s", "'s")
_INFLECTIONS = ("en", "et", "n", "t", "ar", "er", "or", "na", "arna", "erna", "orna")
_SHORT_ALIAS = 4


def _fold(text: str) -> str:
    """Lower-case ``text`` keeping its length, so spans map back to the original."""
    return "".join((ch.lower() or ch)[0] for ch in text)


def _suffixes(alias: str) -> tuple[str, ...]:
    if len(alias) < _SHORT_ALIAS or not alias[-1].isalpha():
        return _GENITIVE
    inflected = tuple(s + g for s in _INFLECTIONS for g in ("", "s"))
    return _GENITIVE + inflected


def _alias_pattern(alias: str) -> re.Pattern[str]:
    body = r"[\s\u00a0]+".join(re.escape(part) for part in alias.split())
    endings = "|".join(re.escape(s) for s in sorted(_suffixes(alias), key=len, reverse=True))
    return re.compile(rf"(?<!\w)({body})(?:{endings})?(?!\w)")


# "fokusområde 5", "fokusområdet 4", "fokusområdena 2, 3 och 5", "focus areas 1 and 6" (folded or not)
_FOCUS_NUMBERS = re.compile(
    r"(?<!\w)(?:fokusomr[aå]de(?:t|n|na)?|focus\s+areas?)[\s\u00a0]+(?:nr\.?\s*|nummer\s+|number\s+)?"
    r"(\d+)((?:\s*(?:,|och|and|&|eller|or|samt)\s*\d+)*)(?!\w)"
)
_LISTED_NUMBER = re.compile(r"\d+")

_KIND_NOUNS: dict[EntityKind, str] = {"kommun": "kommun", "omrade": "område"}  # the kinds with a list of names


class EntityMatch(NamedTuple):
    kind: EntityKind
    canonical: str
    alias: str
    start: int
    end: int


class AreaEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kommun: str
    aliases: list[str] = Field(default_factory=list)


class FocusEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    namn: str
    kortnamn: str | None = None  # for tables and chart legends ("Barn och unga")
    aliases: list[str] = Field(default_factory=list)

    @property
    def short(self) -> str:
        return self.kortnamn or self.namn


class Vocabulary(BaseModel):
    """Canonical names and aliases per entity kind, as stored in vocabulary.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    kommuner: dict[str, list[str]]
    omraden: dict[str, AreaEntry] = Field(default_factory=dict)
    fokusomraden: dict[int, FocusEntry] = Field(default_factory=dict)
    metoder: dict[str, list[str]] = Field(default_factory=dict)
    partner: dict[str, list[str]] = Field(default_factory=dict)
    format: dict[str, list[str]] = Field(default_factory=dict)
    # Municipality names that are also ordinary words ("Vara", "Mark"): only counted as
    # a municipality when written with a capital letter.
    tvetydiga_kommunnamn: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Vocabulary:
        for area, entry in self.omraden.items():
            if entry.kommun not in self.kommuner:
                raise ValueError(f"området {area!r} hör till en okänd kommun {entry.kommun!r}")
        for key in self.fokusomraden:
            if not 1 <= key <= 6:
                raise ValueError(f"fokusomrade {key} är inte 1–6")
        for kind, table in self.entries().items():
            seen: dict[str, str] = {}
            for canonical, aliases in table.items():
                for alias in aliases:
                    other = seen.setdefault(alias, canonical)
                    if other != canonical:
                        raise ValueError(f"{kind}-aliaset {alias!r} namnger både {other!r} och {canonical!r}")
        return self

    # -- tables -----------------------------------------------------------------------------
    def entries(self) -> dict[EntityKind, dict[str, list[str]]]:
        """Per kind: canonical -> folded aliases, the canonical name itself included."""

        def table(items: Iterable[tuple[str, list[str]]]) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for canonical, aliases in items:
                folded = [_fold(a).strip() for a in [canonical, *aliases]]
                out[canonical] = list(dict.fromkeys(a for a in folded if a))
            return out

        return {
            "kommun": table(self.kommuner.items()),
            "omrade": table((k, v.aliases) for k, v in self.omraden.items()),
            "fokusomrade": table((str(k), [v.namn, *v.aliases]) for k, v in self.fokusomraden.items()),
            "metod": table(self.metoder.items()),
            "partner": table(self.partner.items()),
            "format": table(self.format.items()),
        }

    @cached_property
    def _patterns(self) -> list[tuple[EntityKind, str, str, re.Pattern[str]]]:
        out = []
        for kind, table in self.entries().items():
            for canonical, aliases in table.items():
                if kind == "fokusomrade":
                    aliases = aliases[1:]  # the bare number "4" is not a mention
                out.extend((kind, canonical, alias, _alias_pattern(alias)) for alias in aliases)
        return out

    # -- matching ---------------------------------------------------------------------------
    def find(self, text: str) -> list[EntityMatch]:
        """Entities mentioned in ``text``, in text order; longest alias wins on overlap."""
        folded = _fold(text)
        candidates = [
            EntityMatch(kind, canonical, alias, m.start(), m.end())
            for kind, canonical, alias, pattern in self._patterns
            for m in pattern.finditer(folded)
        ]
        return _select_longest(candidates + self._focus_numbers(folded))

    def _focus_numbers(self, folded: str) -> list[EntityMatch]:
        """Focus areas named by number: the first spans "fokusområde 5", each listed one its digits."""
        out: list[EntityMatch] = []
        for m in _FOCUS_NUMBERS.finditer(folded):
            if int(m.group(1)) in self.fokusomraden:
                out.append(EntityMatch("fokusomrade", m.group(1), folded[m.start() : m.end(1)], m.start(), m.end(1)))
            for n in _LISTED_NUMBER.finditer(m.group(2)):
                start = m.start(2) + n.start()
                if int(n.group(0)) in self.fokusomraden:
                    out.append(EntityMatch("fokusomrade", n.group(0), n.group(0), start, start + len(n.group(0))))
        return out

    def resolve(self, kind: EntityKind, value: str) -> str | None:
        """The canonical name when the whole of ``value`` is a name or alias of ``kind``."""
        value = value.strip()
        matches = [m for m in self.find(value) if m.kind == kind]
        if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(value):
            return matches[0].canonical
        return None

    def instances(self) -> dict[str, list[str]]:
        """The named places per kind, keyed by the Swedish word for the kind: {"kommun": [...],
        "område": [...]}, every alias included (see `assistant.answering.demands.vague_answer`)."""
        tables = self.entries()
        return {noun: [a for aliases in tables[kind].values() for a in aliases] for kind, noun in _KIND_NOUNS.items()}

    def focus_label(self, number: int | None, short: bool = True) -> str:
        """ "4 – Välfärdsbrottslighet": how users see a focus area (the bare number when unknown)."""
        if number is None:
            return ""
        entry = self.fokusomraden.get(int(number))
        if entry is None:
            return str(number)
        return f"{number} – {entry.short if short else entry.namn}"

    def area_kommun(self, area: str) -> str | None:
        entry = self.omraden.get(area)
        return entry.kommun if entry else None

    def unknown_municipalities(self, text: str, all_municipalities: Iterable[str]) -> list[str]:
        """Swedish municipalities named in ``text`` that are not participants of the material.

        Names covered by a participant's alias ("Göteborg") and mentions inside a
        participant match ("Göteborgs Stad") are left out. Names that are also ordinary
        words ("Vara", "Mark") count only when capitalised mid-sentence or followed by
        "kommun". "Stockholm" is returned even though the material
        mentions it as a conference location: the caller decides what that means.
        """
        participant = {a for aliases in self.entries()["kommun"].values() for a in aliases}
        taken = [(m.start, m.end) for m in self.find(text) if m.kind == "kommun"]
        ambiguous = {_fold(n) for n in self.tvetydiga_kommunnamn}
        folded = _fold(text)
        hits: list[tuple[int, int, str]] = []
        for name in dict.fromkeys(n.strip() for n in all_municipalities if n.strip()):
            key = _fold(name)
            if key in participant:
                continue
            for m in _name_pattern(key).finditer(folded):
                if key in ambiguous and not _names_place(text, m.start(), m.end()):
                    continue
                hits.append((m.start(), m.end(), name))
        found: list[tuple[int, str]] = []
        for start, end, name in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
            if not _overlaps(start, end, taken):
                taken.append((start, end))
                found.append((start, name))
        return list(dict.fromkeys(name for _, name in sorted(found)))


def _name_pattern(name: str) -> re.Pattern[str]:
    body = r"[\s\u00a0]+".join(re.escape(part) for part in name.split())
    return re.compile(rf"(?<!\w){body}(?::?s)?(?!\w)")


_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
_KOMMUN_WORD_RE = re.compile(r"\s+kommuns?\b", re.IGNORECASE)


def _names_place(text: str, start: int, end: int) -> bool:
    """An ambiguous name ("Vara") is a place when capitalised mid-sentence or followed by "kommun"."""
    if _KOMMUN_WORD_RE.match(text, end):
        return True
    return text[start].isupper() and not _SENTENCE_START_RE.search(text[:start])


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _select_longest(candidates: list[EntityMatch]) -> list[EntityMatch]:
    """Greedy longest-first selection; an identical span may carry several kinds."""
    chosen: list[EntityMatch] = []
    for cand in sorted(candidates, key=lambda c: (c.start - c.end, c.start, c.kind, c.canonical)):
        clash = False
        for kept in chosen:
            if not _overlaps(cand.start, cand.end, [(kept.start, kept.end)]):
                continue
            same_span = (kept.start, kept.end) == (cand.start, cand.end)
            if not same_span or kept.kind == cand.kind:
                clash = True
                break
        if not clash:
            chosen.append(cand)
    return sorted(chosen, key=lambda m: (m.start, m.kind))


def load_vocabulary(path: Path) -> Vocabulary:
    """Read and validate vocabulary.yaml."""
    path = Path(path)
    try:
        return parse_vocabulary(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise ConfigError(f"{path}: ogiltig vokabulär: {exc}") from exc


def parse_vocabulary(text: str, origin: str) -> Vocabulary:
    """Validate the text of a vocabulary.yaml (`origin` names it in the error)."""
    try:
        return Vocabulary.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{origin}: ogiltig vokabulär: {exc}") from exc


def load_municipality_list(path: Path) -> list[str]:
    """All Swedish municipalities from a YAML list (data, so ingest never takes it for a document)."""
    return parse_municipality_list(Path(path).read_text(encoding="utf-8"))


def parse_municipality_list(text: str) -> list[str]:
    data = yaml.safe_load(text) or []
    return [str(name).strip() for name in data if str(name).strip()]
