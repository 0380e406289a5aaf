"""The form cues of sentences the extractive generator scores and links by."""

from __future__ import annotations

import pytest

from assistant.sentence_cues import ENUMERATION_RE, specificity


@pytest.mark.parametrize(
    ("sentence", "enumerates"),
    [
        ("I Göteborg analyserades föreningsbidrag, hemvårdsbidrag och personlig assistans.", True),
        ("Fyra kommuner deltog i arbetet: Sigtuna, Göteborg, Linköping och Trollhättan.", True),
        ("Det gällde otillåten påverkan, vilka har varit nya arbetssätt för Brå och som har fallit väl ut.", False),
    ],
)
def test_what_counts_as_an_enumeration(sentence: str, enumerates: bool) -> None:
    assert bool(ENUMERATION_RE.search(sentence)) is enumerates


@pytest.mark.parametrize(
    ("summary", "body"),
    [
        ("Brå fick i mars 2022 uppdraget.", "Brå fick den 17 mars 2022 uppdraget."),
        ("Några kommuner.", "Fem kommuner, 3 områden."),
    ],
)
def test_specificity_prefers_the_more_precise(summary: str, body: str) -> None:
    assert specificity(body) > specificity(summary)
