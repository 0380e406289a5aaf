"""A small English -> Swedish glossary of the domain's vocabulary, and everyday Swedish words
mapped to the words the material uses (`data/glossary.yaml`, validated by `Glossary`).

No translation model exists offline, so English questions over the Swedish material are
bridged with this word list: the lexical retriever, the extractive answerer and the
refusal check see the Swedish words an English question most likely means. The dense
retriever needs none of this (multilingual-e5 is cross-lingual). Keys are lower-case
English words or short phrases; values are Swedish words as they occur in the material.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from assistant.language.text import stem
from assistant.language.words import read_data_file

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary.yaml"


class Glossary(BaseModel):
    """The schema of `data/glossary.yaml`: lower-case words or phrases to non-empty word lists."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en_sv: dict[str, tuple[str, ...]]
    sv_synonyms: dict[str, tuple[str, ...]]

    @field_validator("en_sv", "sv_synonyms")
    @classmethod
    def _entries(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        bad = [k for k, v in value.items() if k != k.lower() or not k.strip() or not v or not all(w.strip() for w in v)]
        if bad:
            raise ValueError(f"poster som inte är gemena ord med en icke-tom lista: {', '.join(bad[:5])}")
        return value


@lru_cache(maxsize=2)
def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    return read_data_file(path, Glossary, "Ordlistan")


EN_SV: dict[str, tuple[str, ...]] = load_glossary().en_sv
SV_SYNONYMS: dict[str, tuple[str, ...]] = load_glossary().sv_synonyms

_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("ing", ""),
    ("ing", "e"),
)
_MAX_PHRASE = max(len(k.split()) for k in EN_SV)


def _lookup(phrase: str) -> tuple[str, ...]:
    if phrase in EN_SV:
        return EN_SV[phrase]
    head, _, last = phrase.rpartition(" ")
    for suffix, repl in _SUFFIXES:
        if last.endswith(suffix) and len(last) > len(suffix) + 2:
            base = f"{head} {last[: -len(suffix)] + repl}".strip()
            if base in EN_SV:
                return EN_SV[base]
    return ()


def translations(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(English word or phrase, Swedish alternatives) for the glossary entries in ``text``, longest first."""
    tokens = [w for w in re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()) if w]
    out: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(tokens):
        for size in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i : i + size])
            found = _lookup(phrase)
            if found:
                out.append((phrase, found))
                i += size
                break
        else:
            i += 1
    return out


def translate(text: str) -> list[str]:
    """Swedish glossary words for the English words and phrases of ``text``."""
    return list(dict.fromkeys(word for _, found in translations(text) for word in found))


def synonyms(word: str) -> tuple[str, ...]:
    """Words the material uses for a Swedish question word (empty when none are listed): the
    word itself is looked up, then its stem ("pengarna" finds "pengar", "jobbade" "jobba")."""
    word = word.lower()
    return SV_SYNONYMS.get(word) or _by_stem().get(stem(word), ())


@lru_cache(maxsize=1)
def _by_stem() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for word, found in SV_SYNONYMS.items():
        out[stem(word)] = tuple(dict.fromkeys([*out.get(stem(word), ()), *found]))
    return out


def expand_swedish(text: str) -> list[str]:
    """Listed synonyms of the Swedish words of ``text`` (for the lexical query)."""
    return list(dict.fromkeys(s for w in re.findall(r"[^\W\d_]+", text.lower()) for s in synonyms(w)))
