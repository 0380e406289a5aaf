"""The assistant facade: validation, routing, merging records and retrieval answers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from assistant.errors import InputError, SearchUnavailableError
from assistant.index.chroma_client import UNREACHABLE
from assistant.service import SEARCH_UNAVAILABLE, Assistant, merge_answers, validate_question
from assistant.settings import Settings
from assistant.types import Answer, Citation


def _citation(n: int, text: str, chunk_id: str | None = None) -> Citation:
    return Citation(n=n, doc_id="d", title="T", section="S", page=1, text=text, chunk_id=chunk_id)


@dataclass
class _Decision:
    route: str
    reason: str = "test"
    note: str = ""
    query: str = ""


class _Router:
    def __init__(self, route: str) -> None:
        self.decision = _Decision(route)

    def route(self, question: str, history: Sequence[str] = ()) -> _Decision:
        return _Decision(self.decision.route, note=self.decision.note, query=question)


class _Lookup:
    def __init__(self, refused: bool = False) -> None:
        self.refused = refused

    def answer_query(self, question: str) -> Answer:  # the fake router's query is the question
        text = "Två rader: [1]" if not self.refused else "Malmö ingår inte i materialet. [1]"
        return Answer(
            question=question, text=text, citations=[_citation(1, "rad")], route="lookup", refused=self.refused
        )


class _Rag:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []

    def stream(self, question: str, history: Sequence[str] = (), k=None, filters=None) -> Iterator[str | Answer]:
        self.calls.append((question, list(history)))
        yield "Prosa. [1]"
        yield Answer(
            question=question,
            text="Prosa. [1]",
            citations=[_citation(1, "prosa", "c1")],
            sources=[_citation(1, "prosa", "c1")],
            timings={"retrieve": 5.0, "generate": 1.0},
        )

    def sources(self, question: str, history: Sequence[str] = (), k=None, filters=None) -> list[Citation]:
        return [_citation(1, "hittad", "c9")]


def _assistant(route: str, refused: bool = False) -> tuple[Assistant, _Rag]:
    rag = _Rag()
    return Assistant(Settings(embedder="fake"), rag, _Router(route), _Lookup(refused)), rag


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_empty_question_is_rejected(bad: object) -> None:
    with pytest.raises(InputError, match="Skriv en fråga"):
        validate_question(bad, 100)


def test_too_long_question_names_the_limit() -> None:
    with pytest.raises(InputError, match="högst 10 går"):
        validate_question("x" * 11, 10)


def test_whitespace_is_folded() -> None:
    assert validate_question("  Vad   är\nSSPF? ", 100) == "Vad är SSPF?"


def test_merge_renumbers_the_second_answers_markers() -> None:
    first = Answer(question="q", text="Lista [1]", citations=[_citation(1, "a")], route="lookup")
    second = Answer(question="q", text="Förklaring [1] och [2]", citations=[_citation(1, "b"), _citation(2, "c")])
    merged = merge_answers(first, second)
    assert merged.text == "Lista [1]\n\nFörklaring [2] och [3]"
    assert [c.n for c in merged.citations] == [1, 2, 3]
    assert merged.route == "both"


def test_merge_drops_a_refused_second_answer() -> None:
    first = Answer(question="q", text="Lista [1]", citations=[_citation(1, "a")], route="lookup")
    second = Answer(question="q", text="Det framgår inte.", refused=True)
    merged = merge_answers(first, second)
    assert merged.text == "Lista [1]" and len(merged.citations) == 1


def test_merge_drops_a_second_answer_that_only_quotes_the_records_rows_again() -> None:
    rows = [
        _citation(1, "Brås digitala basutbildning under sex veckor riktad till nyckelfunktioner."),
        _citation(2, "Två särskilda workshops med SSPF-grupper i Göteborg Sydväst för att diskutera styrning."),
    ]
    first = Answer(question="q", text="Materialet nämner 2 aktiviteter: ”Brås digitala …” [1]", citations=rows)
    again = (
        "Materialet tar upp detta under ”Göteborg Sydväst”:\n"
        "- Kunskapsbaserat arbete: Brås digitala basutbildning under sex veckor riktad till nyckelfunktioner. [1]\n"
        "- Barn och unga: Två särskilda workshops med SSPF-grupper i Göteborg Sydväst för att diskutera styrning. [2]"
    )
    second = Answer(question="q", text=again, citations=[_citation(1, "bilaga"), _citation(2, "bilaga")])
    merged = merge_answers(first, second)
    assert merged.text == first.text and len(merged.citations) == 2
    # a sentence the rows do not hold ("30 respondenter") is the prose's own: it is kept
    more = f"{again}\nTotalt skickades enkäten ut till 30 respondenter och 27 svar kom in på enkäten. [2]"
    merged = merge_answers(first, second.model_copy(update={"text": more}))
    assert merged.text.endswith("27 svar kom in på enkäten. [4]") and len(merged.citations) == 4


def test_rag_route_streams_pieces_then_the_answer_with_timings_and_config() -> None:
    assistant, rag = _assistant("rag")
    pieces = list(assistant.stream("Vad är SSPF?", ["Tidigare fråga"]))
    assert pieces[0] == "Prosa. [1]"
    final = pieces[-1]
    assert isinstance(final, Answer) and final.route == "rag"
    assert {"retrieve", "generate", "total"} <= set(final.timings)
    assert final.config["embedder"] == "fake" and final.config["generator"] == "extractive"
    assert rag.calls == [("Vad är SSPF?", ["Tidigare fråga"])]


def test_lookup_route_offers_retrieved_sources_in_rank_order_then_the_record_citations() -> None:
    assistant, rag = _assistant("lookup")
    answer = assistant.ask("Vilka aktiviteter genomförde Sigtuna?")
    assert answer.route == "lookup" and answer.text == "Två rader: [1]"
    assert [s.text for s in answer.sources] == ["hittad", "rad"]  # the `sources` contract: retrieval first
    assert rag.calls == []  # no generation for a records answer


def test_both_route_combines_records_and_prose() -> None:
    assistant, _ = _assistant("both")
    answer = assistant.ask("Vad är Crime proofing och vilka kommuner använde det?")
    assert answer.route == "both"
    assert answer.text == "Två rader: [1]\n\nProsa. [2]"


def test_refused_lookup_is_final() -> None:
    assistant, rag = _assistant("both", refused=True)
    answer = assistant.ask("Vilka aktiviteter genomförde Malmö?")
    assert answer.refused and rag.calls == []


# -- the search service (Chroma) cannot be reached ---------------------------------------------
class _RagDown(_Rag):
    def stream(self, question: str, history: Sequence[str] = (), k=None, filters=None) -> Iterator[str | Answer]:
        raise SearchUnavailableError(UNREACHABLE)
        yield  # a generator, as the real one

    def sources(self, question: str, history: Sequence[str] = (), k=None, filters=None) -> list[Citation]:
        raise SearchUnavailableError(UNREACHABLE)


def _assistant_without_search(route: str) -> Assistant:
    return Assistant(Settings(embedder="fake"), _RagDown(), _Router(route), _Lookup())


@pytest.mark.parametrize("route", ["lookup", "both"])
def test_records_answers_come_without_the_search_service_and_say_so(route: str) -> None:
    answer = _assistant_without_search(route).ask("Vilka aktiviteter genomförde Sigtuna?")
    assert answer.text == "Två rader: [1]" and not answer.refused
    assert [s.text for s in answer.sources] == ["rad"]  # only the cited record passages
    assert SEARCH_UNAVAILABLE in answer.flags


def test_a_question_for_the_material_fails_with_the_swedish_message() -> None:
    with pytest.raises(SearchUnavailableError, match="Söktjänsten"):
        _assistant_without_search("rag").ask("Vad är SSPF?")


def test_questions_lose_control_characters_at_the_boundary() -> None:
    assert validate_question("\x1b[31mVad är SSPF?\x1b[0m\x00", 100) == "Vad är SSPF?"
    assert validate_question("Vad\u202e är\x07 SSPF?\r\n", 100) == "Vad är SSPF?"
    with pytest.raises(InputError, match="Skriv en fråga"):
        validate_question("\x00\x1b[0m\x07", 100)


def test_a_note_on_what_the_material_does_not_cover_comes_first() -> None:
    router = _Router("rag")
    router.decision = _Decision("rag", note="Materialet tar inte upp Borås.")
    assistant = Assistant(Settings(embedder="fake"), _Rag(), router, _Lookup())
    pieces = list(assistant.stream("Jag jobbar i Borås. Hur kommer vi igång med SSPF?"))
    final = pieces[-1]
    assert isinstance(final, Answer) and final.text.startswith("Materialet tar inte upp Borås.\nProsa. [1]")
    assert "".join(p for p in pieces if isinstance(p, str)) == final.text


def test_history_may_be_the_conversation_as_messages() -> None:
    assistant, rag = _assistant("rag")
    history = [
        {"role": "user", "content": "Vilken metod testades i fyra kommuner?"},
        {"role": "assistant", "content": "Crime proofing testades i fyra kommuner [1].\n\n| Kommun |"},
    ]
    assistant.ask("Vad innebar den?", history)
    # retrieval reads the earlier question first, then the lead of the last answer (markers and table left out)
    assert rag.calls[-1] == (
        "Vad innebar den?",
        ["Crime proofing testades i fyra kommuner.", "Vilken metod testades i fyra kommuner?"],
    )
    assistant.ask("Och sedan?", ["Vad är SSPF?"])  # plain strings are earlier questions, as before
    assert rag.calls[-1] == ("Och sedan?", ["Vad är SSPF?"])


def test_a_bad_history_entry_is_an_input_error_naming_it() -> None:
    assistant, _ = _assistant("rag")
    with pytest.raises(InputError, match="post 2: ”role” ska vara ”user” eller ”assistant”"):
        assistant.ask("Vad är SSPF?", ["Hej", {"role": "bot", "content": "x"}])
    with pytest.raises(InputError, match="post 1"):
        assistant.ask("Vad är SSPF?", [42])
