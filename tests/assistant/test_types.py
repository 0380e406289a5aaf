"""Typed data: page marks of chunks that cross a page break, and the page a citation carries."""

from __future__ import annotations

from assistant.types import Chunk, Citation, Passage, format_page_marks, page_at, parse_page_marks


def _chunk(text: str, marks: str = "", page: int | None = 15) -> Chunk:
    return Chunk(
        id="d:1", doc_id="d", title="T", doc_type="pm", section="S", page_start=page, page_end=16, position=0,
        text=text, content_hash="h", page_marks=marks,
    )  # fmt: skip


def test_page_marks_round_trip_and_keep_only_changes() -> None:
    marks = format_page_marks([(0, 15), (10, 15), (20, 16)])
    assert marks == "0:15,20:16" and parse_page_marks(marks) == [(0, 15), (20, 16)]
    assert format_page_marks([(0, 15), (9, 15)]) == ""  # one page: no marks
    assert [page_at(marks, offset, None) for offset in (0, 19, 20, 99)] == [15, 15, 16, 16]


def test_a_citation_carries_the_page_of_its_first_highlighted_sentence() -> None:
    text = "Före brytningen. Efter brytningen på sidan sexton."
    chunk = _chunk(text, format_page_marks([(0, 15), (text.index("Efter"), 16)]))
    passage = Passage(chunk=chunk, score=0.5)
    assert Citation.from_passage(1, passage, ["Efter brytningen på sidan sexton."]).page == 16
    assert Citation.from_passage(1, passage, ["Före brytningen."]).page == 15
    assert Citation.from_passage(1, passage).page == 15  # no highlight: the chunk's first page


def test_a_sentence_from_the_context_takes_the_context_s_page() -> None:
    chunk = _chunk("Mitt i stycket.")
    context = "Mitt i stycket.\nNästa del står på nästa sida."
    passage = Passage(chunk=chunk, score=0.5, context=context, context_page_marks="0:15,16:16")
    assert passage.page_of("Nästa del står på nästa sida.") == 16


def test_page_marks_survive_the_vector_store_metadata() -> None:
    chunk = _chunk("A. B.", "0:15,3:16")
    assert Chunk.from_store(chunk.id, chunk.text, chunk.metadata()).page_marks == "0:15,3:16"
