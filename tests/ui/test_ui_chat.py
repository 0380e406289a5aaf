"""The chat tab's controller with a fake assistant: streaming, history, errors, feedback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assistant.errors import IndexMissingError
from assistant.feedback import FeedbackStore
from assistant.language.text import EMPTY_QUESTION
from tests.ui.ui_fakes import FakeAssistant
from ui import chat, render


@pytest.fixture
def fake() -> FakeAssistant:
    return FakeAssistant(max_chars=50)


@pytest.fixture
def feedback(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(f"sqlite:///{tmp_path / 'fb.db'}")


@pytest.fixture
def controller(fake: FakeAssistant, feedback: FeedbackStore) -> chat.ChatController:
    return chat.ChatController(chat.AssistantHolder(lambda: fake), feedback, 50, {"generator": "fake"})


def final(controller: chat.ChatController, question: str, turns: list | None = None, **kw: object) -> list:
    steps = list(controller.respond(question, turns or [], **kw))
    assert len(steps) >= (2 if question.strip() else 1)
    return steps[-1]


def test_streams_then_final_answer_with_sources(controller: chat.ChatController) -> None:
    steps = list(controller.respond("Vad är Crime proofing?", []))
    assert "Söker i underlaget" in steps[0][-1]["html"]
    assert any("ms-streaming" in s[-1]["html"] and "Crime" in s[-1]["html"] for s in steps[1:-1])
    last = steps[-1][-1]
    assert "<details" in last["html"] and last["answer"]["citations"][0]["n"] == 1
    messages = chat.to_messages(steps[-1])
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == render.render_question("Vad är Crime proofing?")


def test_follow_up_passes_the_whole_conversation(controller: chat.ChatController, fake: FakeAssistant) -> None:
    turns = final(controller, "Vad är Crime proofing?")
    turns = final(controller, "", turns)  # an input problem is not part of the history
    final(controller, "Vilka kommuner använde den?", turns, k=3, filters={"kommun": "Sigtuna"})
    answer = "Crime proofing innebär att man ser över regelverk så att de inte utnyttjas för brott [1]."
    assert fake.calls[-1] == {
        "question": "Vilka kommuner använde den?",
        "history": [{"role": "user", "content": "Vad är Crime proofing?"}, {"role": "assistant", "content": answer}],
        "k": 3,
        "filters": {"kommun": "Sigtuna"},
    }


def test_empty_and_too_long_questions_get_swedish_messages(controller: chat.ChatController) -> None:
    assert final(controller, "   ") == []  # an empty question adds no turn (no empty bubble) ...
    assert controller.check("   ") == EMPTY_QUESTION  # ... the app says why under the question box
    assert controller.check("Vad är SSPF?") is None
    html = final(controller, "x" * 60)[-1]["html"]
    assert "Frågan är för lång (60 tecken, högst 50 går)" in html


def test_refusal_is_visible_with_closest_sources(controller: chat.ChatController) -> None:
    html = final(controller, "Något okänt?")[-1]["html"]
    assert render.REFUSED_NOTE in html and render.CLOSEST_SOURCES in html and html.count('class="ms-source"') == 2


def test_unexpected_error_is_friendly_and_logged(
    controller: chat.ChatController, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="metodstod.ui"):
        turns = final(controller, "krascha nu")
    assert chat.UNEXPECTED in turns[-1]["html"] and turns[-1]["answer"] is None
    assert "boom" in caplog.text
    assert "Crime" in final(controller, "Vad är Crime proofing?", turns)[-1]["html"]  # still works


def test_missing_index_says_what_to_do(feedback: FeedbackStore) -> None:
    def no_index() -> FakeAssistant:
        raise IndexMissingError("no index")

    controller = chat.ChatController(chat.AssistantHolder(no_index), feedback, 50)
    html = final(controller, "Vad är Crime proofing?")[-1]["html"]
    assert "metodstod ingest corpus/" in html


def test_holder_retries_until_built() -> None:
    attempts: list[int] = []

    def factory() -> FakeAssistant:
        attempts.append(1)
        if len(attempts) == 1:
            raise IndexMissingError("not yet")
        return FakeAssistant()

    holder = chat.AssistantHolder(factory)
    with pytest.raises(IndexMissingError):
        holder.get()
    assert holder.get() is holder.get() and len(attempts) == 2


def test_rating_and_comment_are_stored(controller: chat.ChatController, feedback: FeedbackStore) -> None:
    turns = final(controller, "Vad är Crime proofing?", k=4)
    turns, note = controller.rate(turns, 1, True)
    assert note == chat.THANKS
    turns, _ = controller.rate(turns, 1, False)  # changing one's mind updates the same row
    turns, note = controller.comment(turns, "Bra men <b>kort</b>")
    rows = feedback.all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.question, row.rating, row.comment, row.route) == (
        "Vad är Crime proofing?",
        "down",
        "Bra men <b>kort</b>",
        "rag",
    )
    assert row.citations[0]["title"] == "Slutrapport" and row.citations[0]["highlights"]
    assert row.settings["k"] == 4 and row.settings["generator"] == "fake"


def test_feedback_on_nothing(controller: chat.ChatController, feedback: FeedbackStore) -> None:
    assert controller.comment([], "hej")[1].startswith("Det finns inget svar")
    turns = final(controller, "krascha")
    assert controller.rate(turns, 1, True)[1] == ""
    assert controller.rate(turns, 7, True)[1] == ""
    assert controller.comment(turns, "  ")[1].startswith("Skriv en kommentar")
    assert feedback.all() == []


def test_comment_without_rating_creates_row(controller: chat.ChatController, feedback: FeedbackStore) -> None:
    turns = final(controller, "Något okänt?")
    controller.comment(turns, "Borde finnas")
    row = feedback.all()[0]
    assert row.rating is None and row.comment == "Borde finnas" and len(row.citations) == 2
