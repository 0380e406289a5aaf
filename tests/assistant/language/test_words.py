"""The word data file and its schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.language.words import WORDS_FILE, load_words


def test_the_shipped_word_file_is_valid_and_complete() -> None:
    words = load_words(WORDS_FILE)
    assert {"vad", "the"} <= words.stopwords and "hej" in words.question_filler
    assert "inte" in words.negations and "vi" in words.asker and "tre" in words.number_words
    assert "varannan" in words.frequency_markers and "månad" in words.period_words and "samman" in words.verb_particles
    assert {"kl.", "t.ex."} <= words.abbreviations


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("stopwords: [och]\n", "question_filler"),  # a list missing
        ("stopwords: []\n", "stopwords"),  # an empty list
        ("stopwords: och Och\n", "stopwords"),  # not lower case
        ("stopwords: och och\n", "stopwords"),  # a duplicate
        ("stopword: och\n", "stopword"),  # an unknown key
    ],
)
def test_a_broken_word_file_is_named_with_the_bad_list(tmp_path: Path, content: str, named: str) -> None:
    path = tmp_path / "words.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"words\.yaml.*{named}"):
        load_words(path)


def test_the_glossary_file_is_valid_and_a_broken_one_is_named(tmp_path: Path) -> None:
    from assistant.language.glossary import GLOSSARY_FILE, load_glossary

    glossary = load_glossary(GLOSSARY_FILE)
    assert "medel" in glossary.sv_synonyms["pengar"] and "brott" in glossary.en_sv["crime"]
    path = tmp_path / "glossary.yaml"
    path.write_text("en_sv:\n  Crime: [brott]\nsv_synonyms: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"glossary\.yaml.*en_sv"):
        load_glossary(path)
