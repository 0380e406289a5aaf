"""Abbreviations the material spells out, learnt from its text once per corpus generation.

"samverkansformen SSPF (skola, socialtjänst, polis och fritid)", "Effektiv samordning för trygghet
(EST)", "programmet LST, ledarskapsträning för tonårsföräldrar": the chunk that spells an
abbreviation out answers "Vad står SSPF för?", "vad e EST för nåt?" or "What does SSPF stand
for?", though the abbreviation is used more often, and more densely, elsewhere. That chunk is put
first among the passages of a question that asks what a spelled-out abbreviation is (`spelling_out`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from assistant.language.kinds import question_kinds
from assistant.language.text import words
from assistant.types import Chunk

ACRONYM = r"[A-ZÅÄÖ](?:[a-zåäö]?[A-ZÅÄÖ]){1,5}"  # "SSPF", "EST", "MFoF"
_SPELLED_AFTER_RE = re.compile(rf"\b({ACRONYM})\s*\(([^()]{{4,120}})\)")  # "SSPF (skola, socialtjänst …)"
_SPELLED_BEFORE_RE = re.compile(rf"([^()]{{4,120}}?)\s*\(({ACRONYM})\)")  # "Effektiv samordning … (EST)"
_SPELLED_APART_RE = re.compile(rf"\b({ACRONYM}),\s+([^,.;:()]{{4,80}})")  # "LST, ledarskapsträning för …"
_TOKEN_RE = re.compile(r"\w+")
MAX_WORDS = 10  # words of an expansion before its abbreviation
MIN_LOWER = 4  # letters of an abbreviation typed in lower case ("sspf"; "est" is a word)


def spelled_out(chunks: Iterable[Chunk]) -> dict[str, list[Chunk]]:
    """Each abbreviation the text spells out → the chunks that do so, the first of each document
    (in the order of `chunks`)."""
    out: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        for acronym in _spelled_in(chunk.text):
            found = out.setdefault(acronym, [])
            if all(c.doc_id != chunk.doc_id for c in found):
                found.append(chunk)
    return out


def _spelled_in(text: str) -> set[str]:
    spelled = [*_SPELLED_AFTER_RE.findall(text), *_SPELLED_APART_RE.findall(text)]
    found = {a for a, expansion in spelled if _initials_match(a, words(expansion))}
    for before, acronym in _SPELLED_BEFORE_RE.findall(text):
        if _initials_match(acronym, _tail(acronym, words(before)[-MAX_WORDS:])):
            found.add(acronym)
    return {a.upper() for a in found}


def _tail(acronym: str, tokens: Sequence[str]) -> list[str]:
    """The last words before "(EST)", from the first of them that begins with the abbreviation's first letter."""
    first = acronym[0].lower()
    starts = [i for i, token in enumerate(tokens) if token[:1].lower() == first]
    return list(tokens[starts[0] :]) if starts else []


def _initials_match(acronym: str, tokens: Sequence[str]) -> bool:
    """Whether the words spell the abbreviation's capitals in order: the first word begins with the
    first; each next one begins the next word, or else is inside the word it is in, as the part of a
    compound, or else begins a later word, past "och", "för" ("skola, socialtjänst, polis och
    fritid": SSPF; "digitalt fältarbete": DFA)."""
    letters = [c.lower() for c in acronym if c.isupper()]
    tokens = [t.lower() for t in tokens if t[:1].isalpha()]
    if not tokens or not letters or tokens[0][0] != letters[0]:
        return False
    word, at = 0, 1  # the word the last letter was found in, and where in it
    for letter in letters[1:]:
        later = next((i for i in range(word + 1, len(tokens)) if tokens[i][0] == letter), None)
        if later == word + 1 or (later is not None and letter not in tokens[word][at:]):
            word, at = later, 1
        elif (inside := tokens[word].find(letter, at)) >= 0:
            at = inside + 1
        else:
            return False
    return True


def spelling_out(query: str, known: Mapping[str, list[Chunk]]) -> list[Chunk]:
    """The chunks that spell out an abbreviation the question asks about ("Vad står SSPF för?"),
    [] when it asks no definition or names no abbreviation the material spells out."""
    if not known or "definition" not in question_kinds(query):
        return []
    tokens = _TOKEN_RE.findall(query)
    asked = [t.upper() for t in tokens if t.upper() in known and (not t.islower() or len(t) >= MIN_LOWER)]
    return next((known[a] for a in asked), [])
