"""The hand-written word data of the language stage (`data/words.yaml`), read once and validated.

Swedish and English grammar and question words only — function words, words that shape a question,
pronouns that point back, auxiliary verbs, the asker's pronouns, number and time words, negations,
words of plans and of the past, words that say how often, verb particles, abbreviations. A missing,
empty, duplicated or unknown list, or an entry that is not one lower-case token, is a ConfigError
naming it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from assistant.errors import ConfigError

WORDS_FILE = Path(__file__).parent / "data" / "words.yaml"


class Words(BaseModel):
    """The schema of `data/words.yaml`: each field a whitespace-separated list of words."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stopwords: frozenset[str]
    question_filler: frozenset[str]
    strong_anaphora: frozenset[str]
    weak_anaphora: frozenset[str]
    auxiliaries: frozenset[str]
    asker: frozenset[str]
    advice: frozenset[str]
    generic_counts: frozenset[str]
    number_words: frozenset[str]
    time_words: frozenset[str]
    negations: frozenset[str]
    plan_words: frozenset[str]
    past_verbs: frozenset[str]
    frequency_markers: frozenset[str]
    period_words: frozenset[str]
    frequency_adverbs: frozenset[str]
    verb_particles: frozenset[str]
    abbreviations: frozenset[str]
    speech_verbs: frozenset[str]
    kind_nouns: frozenset[str]
    counts: frozenset[str]
    ordinals: frozenset[str]
    self_names: frozenset[str]
    question_words: frozenset[str]
    part_nouns: frozenset[str]
    place_adverbs: frozenset[str]
    adverb_endings: frozenset[str]

    @field_validator("*", mode="before")
    @classmethod
    def _words(cls, value: object) -> frozenset[str]:
        listed = value.split() if isinstance(value, str) else value
        if not isinstance(listed, list) or not listed:
            raise ValueError("ska vara en icke-tom lista med ord")
        bad = [w for w in listed if not isinstance(w, str) or w != w.lower() or not w.strip() or " " in w]
        if bad:
            raise ValueError(f"ord som inte är ett gement ord: {', '.join(map(str, bad[:5]))}")
        dupes = sorted({w for w in listed if listed.count(w) > 1})
        if dupes:
            raise ValueError(f"dubbletter: {', '.join(dupes[:5])}")
        return frozenset(listed)


Schema = TypeVar("Schema", bound=BaseModel)


def read_data_file(path: Path, schema: type[Schema], what: str) -> Schema:
    """A YAML data file validated by `schema`; a ConfigError naming the file and the bad lists."""
    try:
        return schema.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{what} {path} går inte att läsa: {exc}") from exc
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) or "(filen)" for e in exc.errors())
        raise ConfigError(f"{what} {path} är felaktig ({fields}): {exc.errors()[0]['msg']}") from exc


@lru_cache(maxsize=2)
def load_words(path: Path = WORDS_FILE) -> Words:
    return read_data_file(path, Words, "Ordfilen")
