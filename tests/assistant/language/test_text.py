"""Sentence splitting: a sentence ends at a period, not at an abbreviation."""

from __future__ import annotations

import pytest

from assistant.language.text import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "De flesta rån sker fredagar mellan kl. 16 och 23. Lägg passen då.",
            ["De flesta rån sker fredagar mellan kl. 16 och 23.", "Lägg passen då."],
        ),
        ("Vi har bl. a. gjort X. Och t.ex. Y finns.", ["Vi har bl. a. gjort X.", "Och t.ex. Y finns."]),
        ("Se brottsbalken 12 kap. 1 § om det. Nästa.", ["Se brottsbalken 12 kap. 1 § om det.", "Nästa."]),
        ("Det gäller ett hus. 2023 var bättre.", ["Det gäller ett hus.", "2023 var bättre."]),  # "s." ends no word
        # a footnote's mark after the full stop ends the sentence with it; one inside a number ends nothing
        ("Trygga.³ Fler. Sen 76 procent.¹² Slut.", ["Trygga.³", "Fler.", "Sen 76 procent.¹²", "Slut."]),
        ("Totalt 76² Personer svarade.", ["Totalt 76² Personer svarade."]),
    ],
)
def test_sentences_end_at_periods_not_at_abbreviations(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected
