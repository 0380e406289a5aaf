"""Markers for generated sentences the model left unmarked (assistant.answering.attribution)."""

from __future__ import annotations

import pytest

from assistant.answering.attribution import add_missing_markers, supporting_passage
from assistant.types import Chunk, Passage

END = "Projektet startade i augusti år 2022 och avslutades i maj år 2024."


def passage(text: str, n: int = 0) -> Passage:
    chunk = Chunk(
        id=f"c{n}", doc_id="d", title="t", doc_type="pm", section="s", position=n, text=text, content_hash="h"
    )
    return Passage(chunk=chunk, score=1.0)


CRIME = "Flera kommuner identifierade risker för felaktiga utbetalningar inom föreningsbidrag och personlig assistans."


def repaired(text: str, passages: list[Passage], step: int = 3) -> list[str]:
    return list(add_missing_markers([text[i : i + step] for i in range(0, len(text), step)], passages))


@pytest.mark.parametrize("step", [1, 3, 50])
def test_unmarked_sentence_gets_the_marker_of_its_supporting_passage(step: int) -> None:
    text = "Risker fanns inom föreningsbidrag och personlig assistans. Projektet avslutades i maj 2024."
    out = "".join(repaired(text, [passage(END, 0), passage(CRIME, 1)], step))
    assert out == "Risker fanns inom föreningsbidrag och personlig assistans. [2] Projektet avslutades i maj 2024. [1]"


def test_markers_the_model_wrote_are_kept_and_not_doubled() -> None:
    text = "Projektet avslutades i maj 2024 [1]. Risker fanns inom föreningsbidrag och personlig assistans. [2] Klart."
    assert "".join(repaired(text, [passage(END, 0), passage(CRIME, 1)])) == text


def test_unsupported_sentences_abbreviations_and_numbers_are_left_alone() -> None:
    text = "Vädret var t.ex. fint i juli. Det kostade 2.5 miljoner kronor enligt någon annan."
    assert "".join(repaired(text, [passage(END, 0)])) == text


def test_repair_passes_text_on_as_it_arrives() -> None:
    pieces = repaired("Projektet avslutades i maj 2024 och sedan hände mer saker i kommunerna", [passage(END)], 5)
    assert len(pieces) > 5


def test_supporting_passage_needs_most_of_the_sentence() -> None:
    passages = [passage(END, 0), passage(CRIME, 1)]
    assert supporting_passage("Projektet avslutades i maj 2024.", passages) == 1
    assert supporting_passage("Kommunen byggde en ny simhall med bastu.", passages) is None
    assert supporting_passage("Ja.", passages) is None


def test_text_after_the_last_sentence_end_is_kept() -> None:
    text = "Projektet avslutades i maj 2024.  "
    assert "".join(repaired(text, [passage(END)])) == "Projektet avslutades i maj 2024. [1]  "
