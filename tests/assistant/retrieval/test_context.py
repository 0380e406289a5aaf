"""Context of a passage: neighbouring chunks merged, their page marks moved along."""

from __future__ import annotations

from assistant.retrieval.context import _context_marks, merge_texts
from assistant.types import Chunk, page_at


def _chunk(position: int, text: str, page: int, marks: str = "") -> Chunk:
    return Chunk(
        id=f"d:{position}", doc_id="d", title="T", doc_type="pm", section="S", page_start=page, page_end=page,
        position=position, text=text, content_hash=str(position), page_marks=marks,
    )  # fmt: skip


def test_context_page_marks_follow_each_chunk_after_the_repeated_sentence_is_dropped() -> None:
    first = _chunk(0, "Ett på sidan fem. Två på sidan fem.", 5)
    second = _chunk(1, "Två på sidan fem. Tre på sidan sex.", 5, "0:5,18:6")  # repeats its predecessor's last
    text = merge_texts([first.text, second.text])
    assert text == "Ett på sidan fem. Två på sidan fem.\nTre på sidan sex."
    marks = _context_marks([first, second])
    assert page_at(marks, text.index("Två"), None) == 5
    assert page_at(marks, text.index("Tre"), None) == 6
