"""A document named by its title in a question is not searched for as a passage's words."""

from __future__ import annotations

import pytest

from assistant.retrieval.titles import without_title

ONLY_TITLE = "Vad är brottsförebyggande arbete i kollektivtrafiken?"
TITLES = [
    "Trygga resor – metodguide för brottsförebyggande arbete i kollektivtrafiken",
    "Slutrapportering av uppdraget att utveckla stödet till kommuner med utsatta områden",
]


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("Vem har skrivit metodguiden om brottsförebyggande arbete i kollektivtrafiken?", "vem har skrivit"),
        # a few title words are the question's topic, not a name for the document
        ("Vilka kommuner med utsatta områden deltog?", "Vilka kommuner med utsatta områden deltog?"),
        # nothing but the title: the question keeps its words
        (ONLY_TITLE, ONLY_TITLE),
    ],
)
def test_a_run_of_title_words_is_left_out_of_the_lexical_query(question: str, searched: str) -> None:
    assert without_title(question, TITLES) == searched
