"""The chat tab's logic, independent of gradio: one conversation is a list of turns.

A turn is a plain dict (it lives in a `gr.State`): the question, the rendered assistant
message, the answer (JSON) when there is one, the feedback row id once rated, and the
k/filters it was asked with. The assistant is called through its public `stream`; this
module only turns answers and errors into messages and feedback rows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from assistant.errors import IndexMissingError, InputError, MetodstodError, SearchUnavailableError
from assistant.language.text import EMPTY_QUESTION, strip_controls, validate_question
from assistant.types import Answer
from ui import render

log = logging.getLogger("metodstod.ui")

Turn = dict[str, Any]
Message = dict[str, str]

INGEST_HINT = "Kör: metodstod ingest corpus/"
NO_INDEX = f"Det finns inget index att söka i ännu. {INGEST_HINT} — och ladda sedan om sidan."
UNEXPECTED = "Något gick fel när frågan skulle besvaras. Försök igen om en stund. (Felet är loggat.)"
THANKS = "Tack för din återkoppling!"


class AssistantLike(Protocol):
    def stream(
        self, question: str, history: Sequence[str | dict] = (), k: int | None = None, filters: dict | None = None
    ) -> Iterator[str | Answer]: ...


class FeedbackLike(Protocol):
    def add(
        self,
        question: str,
        answer: str,
        citations: Sequence[dict] = (),
        route: str = "",
        settings: dict | None = None,
        rating: str | None = None,
        comment: str | None = None,
    ) -> int: ...

    def update(self, feedback_id: int, rating: str | None = None, comment: str | None = None) -> None: ...


class AssistantHolder:
    """Builds the assistant once, on first use or at start-up; retries while there is no index.

    With `version` (the published knowledge version, `assistant.wiring.knowledge_version`) it
    builds the assistant anew when an ingest on any host published another vocabulary; requests
    that come meanwhile go on with the assistant they had."""

    def __init__(self, factory: Callable[[], AssistantLike], version: Callable[[], str] | None = None) -> None:
        self._factory = factory
        self._version = version
        self._built: str | None = None
        self._assistant: AssistantLike | None = None
        self._lock = threading.Lock()

    def get(self) -> AssistantLike:
        assistant = self._assistant
        if assistant is None:
            with self._lock:
                if self._assistant is None:
                    self._build()
            return self._assistant
        if self._version is not None and self._version() != self._built and self._lock.acquire(blocking=False):
            try:
                self._build()
            except Exception:  # a vocabulary that cannot be read: keep answering with the one before
                log.exception("the assistant could not be built anew; the previous one goes on")
                self._built = self._version()
            finally:
                self._lock.release()
        return self._assistant

    def _build(self) -> None:
        version = self._version() if self._version is not None else None
        self._assistant = self._factory()
        self._built = version


def to_messages(turns: Sequence[Turn]) -> list[Message]:
    """Chatbot messages: each turn is a user message and an assistant message."""
    messages: list[Message] = []
    for turn in turns:
        messages.append({"role": "user", "content": render.render_question(turn["question"])})
        messages.append({"role": "assistant", "content": turn["html"]})
    return messages


def history_of(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """The conversation so far as messages: every answered question and its answer's text (the
    assistant resolves follow-ups from them, "vilka var det?" from the last answer)."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        if turn.get("answer") is not None:
            messages.append({"role": "user", "content": turn["question"]})
            messages.append({"role": "assistant", "content": turn["answer"].get("text", "")})
    return messages


class ChatController:
    def __init__(
        self,
        assistants: AssistantHolder,
        feedback: FeedbackLike | None,
        max_chars: int,
        settings_info: dict[str, Any] | None = None,
    ) -> None:
        self.assistants = assistants
        self.feedback = feedback
        self.max_chars = max_chars
        self.settings_info = dict(settings_info or {})

    # -- answering ----------------------------------------------------------------------------
    def check(self, question: str | None) -> str | None:
        """A notice for a question that cannot be asked at all (empty), before any turn is made."""
        return EMPTY_QUESTION if not (question or "").strip() else None

    def respond(
        self, question: str, turns: list[Turn], k: int | None = None, filters: dict | None = None
    ) -> Iterator[list[Turn]]:
        """Yield the conversation after each streamed piece; the last yield is final. An empty question
        adds no turn (`check` says why)."""
        question = strip_controls(question or "") if isinstance(question, str) else ""
        if self.check(question):
            yield list(turns)
            return
        turn: Turn = {
            "question": question,
            "html": render.render_partial(""),
            "answer": None,
            "feedback_id": None,
            "k": k,
            "filters": dict(filters or {}),
        }
        earlier = list(turns)
        yield [*earlier, dict(turn)]
        try:
            for html, answer in self._pieces(question, history_of(earlier), k, filters):
                turn["html"] = html
                if answer is not None:
                    turn["answer"] = answer.model_dump(mode="json")
                yield [*earlier, dict(turn)]
        except InputError as exc:
            turn["html"] = render.render_notice(str(exc), "input")
        except IndexMissingError:
            turn["html"] = render.render_notice(NO_INDEX, "index")
        except SearchUnavailableError as exc:
            log.warning("search service unreachable: %r", exc.__cause__)
            turn["html"] = render.render_notice(str(exc), "error")
        except MetodstodError as exc:
            log.warning("question failed: %s", exc)
            turn["html"] = render.render_notice(f"Frågan kunde inte besvaras: {exc}")
        except Exception:
            log.exception("unexpected error while answering %r", question[:200])
            turn["html"] = render.render_notice(UNEXPECTED)
        yield [*earlier, turn]

    def _pieces(
        self, question: str, history: list[dict[str, str]], k: int | None, filters: dict | None
    ) -> Iterator[tuple[str, Answer | None]]:
        question = validate_question(question, self.max_chars)
        text = ""
        for piece in self.assistants.get().stream(question, history, k=k, filters=filters or None):
            if isinstance(piece, Answer):
                yield render.render_answer(piece), piece
                return
            text += piece
            yield render.render_partial(text), None
        raise MetodstodError("the assistant ended without an answer")

    # -- feedback -----------------------------------------------------------------------------
    def _settings_for(self, turn: Turn, answer: dict) -> dict[str, Any]:
        return {
            **self.settings_info,
            "k": turn.get("k"),
            "filters": turn.get("filters") or {},
            "config": answer.get("config", {}),
            "timings_ms": answer.get("timings", {}),
            "flags": answer.get("flags", []),
        }

    def _store(self, turn: Turn, rating: str | None, comment: str | None) -> None:
        answer = turn["answer"]
        if turn.get("feedback_id") is not None:
            self.feedback.update(turn["feedback_id"], rating=rating, comment=comment)
            return
        cited = answer.get("citations") or answer.get("sources", [])[: render.MAX_CLOSEST]
        turn["feedback_id"] = self.feedback.add(
            question=turn["question"],
            answer=answer["text"],
            citations=cited,
            route=answer.get("route", ""),
            settings=self._settings_for(turn, answer),
            rating=rating,
            comment=comment,
        )

    def rate(self, turns: list[Turn], message_index: int, liked: bool | str | None) -> tuple[list[Turn], str]:
        """Thumbs on the assistant message at `message_index` of the chatbot."""
        turn_index = message_index // 2
        if self.feedback is None or not 0 <= turn_index < len(turns) or turns[turn_index].get("answer") is None:
            return turns, ""
        rating = "up" if liked is True else "down" if liked is False else None
        if rating is None:
            return turns, ""
        try:
            self._store(turns[turn_index], rating, None)
        except Exception:
            log.exception("feedback could not be stored")
            return turns, "Återkopplingen kunde inte sparas just nu."
        return turns, THANKS

    def comment(self, turns: list[Turn], text: str) -> tuple[list[Turn], str]:
        """A comment on the latest answered turn."""
        if not (text or "").strip():
            return turns, "Skriv en kommentar först."
        answered = [t for t in turns if t.get("answer") is not None]
        if self.feedback is None or not answered:
            return turns, "Det finns inget svar att kommentera ännu."
        try:
            self._store(answered[-1], None, text)
        except Exception:
            log.exception("feedback comment could not be stored")
            return turns, "Kommentaren kunde inte sparas just nu."
        return turns, THANKS
