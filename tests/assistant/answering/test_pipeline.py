"""RagAnswerer end to end over a tmp_path index, with a scripted generator and the extractive one.

The hash embedder's cosine similarities are not e5's, so the support model's threshold is
switched off here (refusal.threshold=0); the vetoes (unmet demands) still decide. The fitted
model is exercised in test_pipeline_integration.py with the real embedder.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from assistant.answering.citations import marker_numbers
from assistant.answering.extractive import ExtractiveGenerator
from assistant.answering.pipeline import RagAnswerer
from assistant.answering.support import REFUSAL_TEXT
from assistant.errors import InputError
from assistant.language.question import Question
from assistant.settings import Settings
from assistant.types import Answer, Passage
from tests.assistant.rag_fixtures import make_retriever


class Scripted:
    """A generator that writes what it is told and remembers what it was given."""

    name = "scripted"
    instant = False

    def __init__(self, *pieces: str) -> None:
        self.pieces = pieces
        self.calls: list[tuple[str, list[Passage], str]] = []

    def rewriter(self) -> None:
        return None

    def stream(self, question: Question, passages: Sequence[Passage]) -> Iterator[str]:
        self.calls.append((question.query, list(passages), question.language))
        yield from self.pieces


@pytest.fixture
def settings(fake_settings: Settings) -> Settings:
    return fake_settings.model_copy(update={"refusal": {"threshold": 0.0}})


def rag(settings: Settings, generator: object | None = None) -> RagAnswerer:
    retriever = make_retriever(settings)
    return RagAnswerer(
        settings, retriever, generator or ExtractiveGenerator(settings.extractive, lambda: retriever.term_stats)
    )


def test_markers_to_missing_sources_are_removed(settings: Settings) -> None:
    generator = Scripted("Crime proofing är en analysmodell ", "för välfärdssystemen. [1] ", "Den kom från EU. [9]")
    answer = rag(settings, generator).answer("Vad är Crime proofing?", k=3)
    assert "[9]" not in answer.text
    assert "invalid_marker" in answer.flags and "uncited" in answer.flags
    assert [c.n for c in answer.citations] == [1]
    assert not answer.refused


def test_uncited_claims_are_flagged(settings: Settings) -> None:
    generator = Scripted("Crime proofing är en analysmodell. [1] Metoden testades i fyra kommuner under 2023.")
    answer = rag(settings, generator).answer("Vad är Crime proofing?")
    assert "uncited" in answer.flags
    assert "invalid_marker" not in answer.flags


def test_citations_are_renumbered_by_first_use_and_sources_keep_rank(settings: Settings) -> None:
    generator = Scripted("Fyra kommuner deltog. [2] Crime proofing är en analysmodell. [1]")
    answer = rag(settings, generator).answer("Vad är Crime proofing?", k=3)
    _, given, _ = generator.calls[0]
    assert marker_numbers(answer.text) == [1, 2]
    assert [c.chunk_id for c in answer.citations] == [given[1].chunk.id, given[0].chunk.id]
    assert [s.n for s in answer.sources] == list(range(1, len(answer.sources) + 1))
    assert answer.sources[0].chunk_id == given[0].chunk.id


def test_generator_gets_top_k_with_context_and_sources_hold_at_least_five(settings: Settings) -> None:
    generator = Scripted("Crime proofing är en analysmodell. [1]")
    answer = rag(settings, generator).answer("Vad är Crime proofing?", k=2)
    _, given, language = generator.calls[0]
    assert len(given) == 2 and language == "sv"
    assert all(p.context for p in given)
    assert len(answer.sources) >= settings.retrieval.min_sources
    assert len(answer.citations) <= 2


def test_out_of_scope_question_is_refused_without_generating(fake_settings: Settings) -> None:
    generator = Scripted("should not be used")
    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.2}})
    answer = rag(settings, generator).answer("Vad är huvudstaden i Norge?")
    assert answer.refused
    assert answer.text == "Materialet nämner inte Norge."  # named
    assert rag(settings, generator).answer("Vad kostar en hyresrätt i stan?").text == REFUSAL_TEXT["sv"]
    assert answer.citations == []
    assert answer.sources
    assert generator.calls == []
    assert any(f.startswith("refused:") for f in answer.flags)


def test_english_refusal_is_in_english(fake_settings: Settings) -> None:
    settings = fake_settings.model_copy(update={"refusal": {"threshold": 0.2}})
    answer = rag(settings, Scripted("x")).answer("What is the capital of Norway?")
    assert answer.refused and answer.text == REFUSAL_TEXT["en"]


def test_too_little_support_refuses(fake_settings: Settings) -> None:
    strict = fake_settings.model_copy(update={"refusal": {"threshold": 0.999}})
    answer = rag(strict, Scripted("x")).answer("Vad är Crime proofing?")
    assert answer.refused and "refused:low_support" in answer.flags


def test_signals_timings_route_and_config_are_exposed(settings: Settings) -> None:
    answer = rag(settings).answer("Vad är Crime proofing?")
    assert any(f.startswith("signal:dense=") for f in answer.flags)
    assert any(f.startswith("signal:coverage=") for f in answer.flags)
    assert any(f.startswith("signal:sentence=") for f in answer.flags)
    assert any(f.startswith("signal:support=") for f in answer.flags)
    assert set(answer.timings) == {"retrieve", "generate", "total"}
    assert answer.timings["total"] >= answer.timings["retrieve"]
    assert answer.route == "rag"
    assert answer.config == {"embedder": "fake", "generator": "extractive"}


def test_extractive_answer_is_cited_and_highlighted(settings: Settings) -> None:
    answer = rag(settings).answer("Vad är Crime proofing?")
    assert answer.text.startswith("Crime proofing är en analysmodell")
    assert "uncited" not in answer.flags
    assert answer.citations[0].highlights
    for citation in answer.citations:
        assert all(h in citation.text for h in citation.highlights)


def test_stream_yields_pieces_then_the_answer(settings: Settings) -> None:
    pieces = ("Crime proofing är ", "en analysmodell. [1]")
    items = list(rag(settings, Scripted(*pieces)).stream("Vad är Crime proofing?"))
    assert "".join(items[:-1]) == "".join(pieces)
    assert len(items) > 2  # streamed, not buffered to the end
    assert isinstance(items[-1], Answer)
    assert items[-1].text == "".join(pieces)


@pytest.mark.parametrize(
    "pieces",
    [
        (" Modellen kom från EU. [", "3] Crime proofing är en analysmodell. [1", "] Den är svensk. [9]"),
        ("Fyra kommuner deltog. [2, 9]", " Crime proofing är en analysmodell", ". [1] [2]\n"),
        ("Den testades. [7] ", "Sedan i fyra kommuner. [2]"),
    ],
)
def test_streamed_markers_are_already_the_final_ones(settings: Settings, pieces: tuple[str, ...]) -> None:
    items = list(rag(settings, Scripted(*pieces)).stream("Vad är Crime proofing?", k=3))
    final = items[-1]
    assert isinstance(final, Answer)
    assert "".join(items[:-1]) == final.text
    assert sorted(set(marker_numbers(final.text))) == [c.n for c in final.citations]


def test_follow_up_is_resolved_from_history(settings: Settings) -> None:
    generator = Scripted("Linköping och Trollhättan startade SSPF. [1]")
    answer = rag(settings, generator).answer("Vilka kommuner startade det?", history=["Vad är SSPF?"])
    question, given, _ = generator.calls[0]
    assert "SSPF" in question
    assert "SSPF" in given[0].chunk.text
    assert answer.question == "Vilka kommuner startade det?"
    assert not answer.refused


def test_filters_reach_the_retriever(settings: Settings) -> None:
    generator = Scripted("Sigtuna deltog i arbetet med Crime proofing. [1]")
    answer = rag(settings, generator).answer("Vilka kommuner deltog i arbetet?", filters={"kommun": "Sigtuna"})
    _, given, _ = generator.calls[0]
    assert given and all("Sigtuna" in p.chunk.kommuner.split(";") for p in given)
    assert answer.citations[0].chunk_id == given[0].chunk.id


def test_empty_generation_becomes_a_refusal(settings: Settings) -> None:
    answer = rag(settings, Scripted("   ")).answer("Vad är Crime proofing?")
    assert answer.refused and "refused:empty_answer" in answer.flags


def test_an_unnamed_amount_is_no_answer_to_which(settings: Settings) -> None:
    generator = Scripted("Arbetet fortsätter med ett antal nya kommuner. [1] Metoden har fallit väl ut. [1]")
    named = RagAnswerer(settings, rag(settings).retriever, generator, instances={"kommun": ["sigtuna", "borås"]})
    answer = named.answer("Vilka kommuner arbetade med Crime proofing?")
    assert answer.refused and "refused:vague" in answer.flags and answer.citations == []
    named.generator = Scripted("Arbetet fortsätter med ett antal kommuner, först Borås. [1]")
    assert not named.answer("Vilka kommuner arbetade med Crime proofing?").refused


@pytest.mark.parametrize("question", ["", "   ", "x" * 3000])
def test_bad_questions_are_input_errors(settings: Settings, question: str) -> None:
    with pytest.raises(InputError):
        rag(settings).answer(question)


def test_an_instant_generator_is_checked_before_anything_is_shown(settings: Settings) -> None:
    generator = Scripted("Arbetet fortsätter med ett antal nya kommuner. [1]")
    generator.instant = True
    named = RagAnswerer(settings, rag(settings).retriever, generator, instances={"kommun": ["sigtuna"]})
    pieces = list(named.stream("Vilka kommuner arbetade med Crime proofing?"))
    assert pieces[0] == REFUSAL_TEXT["sv"] and isinstance(pieces[-1], Answer) and pieces[-1].refused
    assert not any("ett antal" in p for p in pieces if isinstance(p, str))


def test_the_material_s_own_statement_that_it_does_not_cover_something_is_a_refusal(settings: Settings) -> None:
    stated = "Vi redovisar inte heller vad en trygghetsundersökning kostar att ta fram. [1]"
    answer = rag(settings, Scripted(stated)).answer("Vad kostar en trygghetsundersökning?")
    assert answer.refused and "refused:not_covered" in answer.flags
    assert answer.text.startswith("Det tar underlaget inte upp.") and "redovisar inte heller" in answer.text
    assert answer.citations  # the material's own words, cited
    said = rag(settings, Scripted("Trygghetsundersökningen tar upp otrygghet. [1]")).answer("Vad tar den upp?")
    assert not said.refused


def test_a_question_about_what_is_not_covered_gets_the_scope_statement_as_its_answer(settings: Settings) -> None:
    stated = "Guiden behandlar inte:\n- regler om sekretess och behandling av personuppgifter, [1]"
    answer = rag(settings, Scripted(stated)).answer("Vad går guiden inte in på?")
    assert not answer.refused and "personuppgifter" in answer.text and answer.citations
    declined = rag(settings, Scripted(stated)).answer("Hur länge får vi spara personuppgifter?")
    assert declined.refused and "refused:not_covered" in declined.flags


LESSONS = "Lärdomar inför fortsatt stöd"
LESSON_CHUNKS = [
    (LESSONS, "Projektet har gett Brå många lärdomar inför det fortsatta stödet till kommunerna."),
    (f"{LESSONS} > Förändringsarbete tar tid", "Brås stöd behöver sträcka sig över en längre tidsperiod."),
    (f"{LESSONS} > Resurskrävande för kommunerna", "Brå överväger att avgränsa stödet till färre fokusområden."),
    (f"{LESSONS} > Samordning av nationella initiativ", "Kommunerna tar emot stöd från flera myndigheter."),
]


def lessons_rag(settings: Settings) -> RagAnswerer:
    from tests.assistant.rag_fixtures import make_chunk, pm_chunks

    extra = [make_chunk("slutrapport-suo-2024", 20 + i, s, t) for i, (s, t) in enumerate(LESSON_CHUNKS)]
    retriever = make_retriever(settings, [*pm_chunks(), *extra])
    return RagAnswerer(settings, retriever, ExtractiveGenerator(settings.extractive, lambda: retriever.term_stats))


def test_a_summary_of_a_section_with_sub_sections_is_its_outline(settings: Settings) -> None:
    answer = lessons_rag(settings).answer("Vilka lärdomar drog Brå inför det fortsatta stödet?")
    lines = answer.text.splitlines()
    assert lines[0] == f"Materialet tar upp detta under ”{LESSONS}”:"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "- Förändringsarbete tar tid",
        "- Resurskrävande för kommunerna",
        "- Samordning av nationella initiativ",
    ]
    assert [c.section for c in answer.citations] == [s for s, _ in LESSON_CHUNKS[1:]]


def test_no_outline_when_switched_off_or_for_one_municipality_s_records(settings: Settings) -> None:
    question = "Vilka lärdomar drog Brå inför det fortsatta stödet?"
    off = settings.model_copy(update={"retrieval": settings.retrieval.model_copy(update={"outline": False})})
    assert not lessons_rag(off).answer(question).text.startswith("Materialet tar upp detta under")
    answerer = lessons_rag(settings)
    asked = Question.analyse(question, question, answerer.retriever.term_stats)
    top = answerer.retriever.retrieve(question, 6)
    assert "outline" in answerer._outlined(asked, top, None)[1].kinds
    assert answerer._outlined(asked, top, {"kommun": "Sigtuna"}) == (top, asked)


NUMBERED = "6. Lärdomar"
NUMBERED_CHUNKS = [
    ("1. Inledning", "Vägledningen tar inte upp följande: hot mot politiker. Kapitel 5 beskriver lagen i korthet."),
    (f"{NUMBERED} > 6.1 Tio lärdomar", "Ledningens mandat är avgörande för att arbetet ska hålla över tid."),
    (f"{NUMBERED} > 6.2 Det som inte blev", "Tre erfarenheter av det som inte fungerade sticker ut i kommunerna."),
    (f"{NUMBERED} > 6.3 Att komma igång", "För en kommun som vill börja föreslår vi en lägesbild först."),
]


def test_a_chapter_named_by_its_number_is_answered_with_its_outline(settings: Settings) -> None:
    from tests.assistant.rag_fixtures import make_chunk, pm_chunks

    extra = [make_chunk("guide", i, s, t, "g1", "guide") for i, (s, t) in enumerate(NUMBERED_CHUNKS)]
    retriever = make_retriever(settings, [*pm_chunks(), *extra])
    rag = RagAnswerer(settings, retriever, ExtractiveGenerator(settings.extractive, lambda: retriever.term_stats))
    for question in ("Sammanfatta kapitel 6 i vägledningen.", "Vad handlar kapitel 6 om?"):
        answer = rag.answer(question)
        assert answer.text.splitlines()[0] == f"Materialet tar upp detta under ”{NUMBERED}”:", question
        assert not answer.refused and "Tio lärdomar" in answer.text


def test_a_summary_is_judged_on_what_it_is_about_not_on_the_words_asking_for_it() -> None:
    """ "Ge mig en kort sammanfattning av avsnittet om vanliga fallgropar": no passage need hold
    "sammanfattning" or "avsnittet"; a question that is no summary keeps all its terms."""
    from assistant.answering.pipeline import _summarised

    summary = _summarised(Question.analyse("Ge mig en kort sammanfattning av avsnittet om vanliga fallgropar."))
    stems = {s for term in summary.terms for s in term}
    assert "fallgrop" in stems and not any(s.startswith(("sammanfatt", "avsnitt")) for s in stems)
    plain = Question.analyse("Vilka fallgropar tar avsnittet upp?")
    assert _summarised(plain) == plain
