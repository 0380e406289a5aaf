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


def test_control_characters_and_null_bytes_never_reach_the_page_or_the_assistant(
    controller: chat.ChatController, fake: FakeAssistant
) -> None:
    turns = final(controller, "\x1b[31mVad är Crime\x00 proofing?\x1b[0m")
    assert fake.calls[-1]["question"] == "Vad är Crime proofing?"  # answered, not refused
    assert turns[-1]["answer"] is not None
    page = "".join(m["content"] for m in chat.to_messages(turns))
    assert "\x00" not in page and "\x1b" not in page and "[31m" not in page


def test_an_unreachable_search_service_is_a_swedish_notice(feedback: FeedbackStore) -> None:
    from assistant.errors import SearchUnavailableError
    from assistant.index.chroma_client import UNREACHABLE

    class Down(FakeAssistant):
        def stream(self, question, history=(), k=None, filters=None):
            raise SearchUnavailableError(UNREACHABLE)
            yield

    controller = chat.ChatController(chat.AssistantHolder(Down), feedback, 200)
    html = final(controller, "Vad är Crime proofing?")[-1]["html"]
    assert "Söktjänsten (Chroma) går inte att nå just nu" in html and "ms-error" in html


def test_a_records_answer_without_the_search_service_says_so() -> None:
    from assistant.service import SEARCH_UNAVAILABLE
    from assistant.types import Answer
    from tests.ui.ui_fakes import citation

    answer = Answer(question="q", text="Två rader [1]", citations=[citation(1)], flags=[SEARCH_UNAVAILABLE])
    assert "Söktjänsten gick inte att nå" in render.render_answer(answer)


def test_the_holder_builds_the_assistant_anew_when_another_vocabulary_is_published() -> None:
    built: list[FakeAssistant] = []
    version = {"now": "v1"}

    def factory() -> FakeAssistant:
        built.append(FakeAssistant())
        return built[-1]

    holder = chat.AssistantHolder(factory, lambda: version["now"])
    first = holder.get()
    assert holder.get() is first and len(built) == 1
    version["now"] = "v2"  # an ingest on some host published a changed vocabulary
    second = holder.get()
    assert second is not first and holder.get() is second and len(built) == 2

    def broken() -> FakeAssistant:
        raise ValueError("invalid vocabulary")

    holder._factory = broken
    version["now"] = "v3"
    assert holder.get() is second  # a vocabulary that cannot be read: the previous assistant goes on
