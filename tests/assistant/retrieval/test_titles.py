"""A document named by its title in a question is not searched for as a passage's words; one named by
what it calls itself comes first."""

from __future__ import annotations

import pytest

from assistant.retrieval.titles import named_documents, with_named_first, without_title
from tests.assistant.rag_fixtures import make_chunk, passage

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


NAMED_BY = {"vägledningen": frozenset({"guide"}), "rapporten": frozenset({"pm"})}


def test_a_document_is_named_by_what_it_calls_itself() -> None:
    assert named_documents("Vilka former av påverkan delar Vägledningen in i?", NAMED_BY) == {"guide"}
    assert named_documents("Vad säger rapporten och vägledningen?", NAMED_BY) == {"guide", "pm"}
    assert named_documents("Vilka former av påverkan finns?", NAMED_BY) == frozenset()


def test_the_named_documents_passages_count_more() -> None:
    pm, guide = (
        passage(make_chunk("pm", 0, "A", "x"), score=0.040),
        passage(make_chunk("guide", 0, "B", "y"), score=0.038),
    )
    assert [p.chunk.doc_id for p in with_named_first([pm, guide], frozenset({"guide"}), 0.9)] == ["guide", "pm"]
    assert [p.chunk.doc_id for p in with_named_first([pm, guide], frozenset({"guide"}), 1.0)] == ["pm", "guide"]
    assert with_named_first([pm, guide], frozenset(), 0.9) == [pm, guide]
