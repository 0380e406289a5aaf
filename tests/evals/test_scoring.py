"""Scoring one answer: the page a gold item expects on the citation of its needle's sentence."""

from __future__ import annotations

from assistant.types import Answer, Citation
from evals.dataset import EvalItem
from evals.scoring import score_answer

NEEDLE = "Mamma United stöttar mammor i området med målet att ge kunskap"


def _answer(page: int) -> Answer:
    text = "Mamma United stöttar mammor i området med målet att ge kunskap och verktyg."
    cited = Citation(n=1, doc_id="pm", title="PM", section="S", page=page, text=f"Före. {text}")
    return Answer(question="Vad är Mamma United?", text=f"{text} [1]", citations=[cited], sources=[cited])


def _item(page: int | None) -> EvalItem:
    return EvalItem(id="p", question="Vad är Mamma United?", facts=[["Mamma United"]], needle=[NEEDLE], page=page)


def test_the_needle_s_citation_must_carry_the_expected_page() -> None:
    right = score_answer(_item(16), _answer(16))
    assert right["page_ok"] is True and right["failures"] == []
    wrong = score_answer(_item(16), _answer(15))
    assert wrong["page_ok"] is False and wrong["failures"] == ["wrong page"]
    assert score_answer(_item(None), _answer(15))["page_ok"] is None  # no page to check
