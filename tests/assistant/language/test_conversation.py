"""Follow-up resolution: deterministic rule, and a language-model rewriter when configured."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from assistant.language.conversation import is_follow_up, key_terms, resolve
from assistant.settings import Settings


def test_without_history_the_question_is_unchanged() -> None:
    assert resolve("Vilka kommuner startade det?", []) == "Vilka kommuner startade det?"


def test_pronoun_follow_up_gets_the_earlier_key_terms() -> None:
    query = resolve("Vilka kommuner startade det?", ["Vad är SSPF?"])
    assert query.startswith("Vilka kommuner startade det?")
    assert "SSPF" in query


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        (["Vad är Crime proofing?"], "Vilka kommuner testade den?", ["Crime", "proofing"]),
        (["Hur arbetade Linköping med SSPF?"], "Vad hände där sedan?", ["Linköping", "SSPF"]),
        (["Vad är SSPF?"], "Och i Sigtuna?", ["SSPF"]),
        (["Vad är SSPF?"], "Varför?", ["SSPF"]),
        (["What is Crime proofing?"], "Which municipalities tested it?", ["Crime", "proofing"]),
        (["Vad gjorde Trollhättan inom SSPF?"], "Och när anställdes koordinatorn?", ["Trollhättan", "SSPF"]),
        (["Vad är EST?"], "Hur började arbetet med det i projektet?", ["EST"]),
    ],
)
def test_follow_ups_are_completed(history: list[str], question: str, expected: list[str]) -> None:
    query = resolve(question, history)
    for term in expected:
        assert term in query


@pytest.mark.parametrize(
    ("history", "question", "expected"),
    [
        (
            ["Hur många var med på konferensen i Linköping?"],
            "och i Göteborg då?",
            "Hur många var med på konferensen i Göteborg?",
        ),
        (
            ["Vad analyserade Linköping med Crime proofing?"],
            "Och Trollhättan då?",
            "Vad analyserade Trollhättan med Crime proofing?",
        ),
        (
            ["Vad gjorde MFoF i Sigtuna?"],
            "Och i Göteborg Sydväst?",
            "Vad gjorde MFoF i Göteborg Sydväst?",
        ),  # not the acronym
        (["Which schools in Sigtuna took part?"], "what about Trollhättan?", "Which schools in Trollhättan took part?"),
        (  # a chain: the earlier follow-up is read whole first
            ["Hur många var med på konferensen i Linköping?", "och i Göteborg då?"],
            "och Trollhättan?",
            "Hur många var med på konferensen i Trollhättan?",
        ),
    ],
)
def test_a_follow_up_naming_only_a_new_name_asks_the_earlier_question_about_it(
    history: list[str], question: str, expected: str
) -> None:
    assert resolve(question, history) == expected


def test_a_new_name_with_no_name_to_replace_is_completed_as_usual() -> None:
    query = resolve("och i Sigtuna då?", ["Vad visade de uppföljande CRM-mätningarna?"])
    assert query.startswith("och i Sigtuna då?") and "CRM-mätningarna" in query
    assert resolve("och vad valde Linköping?", ["Vilka testade Crime proofing?"]).startswith("och vad valde Linköping?")


@pytest.mark.parametrize(
    "question",
    [
        "Vad är det övergripande målet med projektet?",
        "Vilka kommuner deltog i fokusområdet om våldsbejakande extremism?",
        "Hur många svarade på enkäten i slutet av projektet?",
        "Vad innebär det egentligen att arbeta kunskapsbaserat med lägesbilder?",  # an adverb, no noun
    ],
)
def test_standalone_questions_are_left_alone(question: str) -> None:
    assert not is_follow_up(question)
    assert resolve(question, ["Vad är SSPF?"]) == question


@pytest.mark.parametrize(
    "question",
    [
        "och vad tyckte dom om det efteråt, tänker de fortsätta?",  # opens by carrying on, points back
        "Vad gjorde teamet konkret för honom, och hur gick det sen?",  # points back, five own words
        "ok och var de nöjda med det? kommer de fortsätta?",  # carries on after an "ok"
        "Hur ofta hålls det mötet och vad tar de upp?",  # a demonstrative: "det" before a definite noun
        "Vilken dag har de de där avstämningarna, och hur ofta träffas den andra gruppen?",  # "de där"
    ],
)
def test_a_longer_question_that_points_back_is_a_follow_up(question: str) -> None:
    assert is_follow_up(question)
    assert "Sigtuna" in resolve(question, ["Vad gjorde Sigtuna med Crime proofing?"])


def test_a_question_of_many_own_words_is_its_own_however_it_points_back() -> None:
    assert not is_follow_up("Hur många deltagare från socialtjänst, skola och polis kom till konferensen där i maj?")
    assert not is_follow_up("När ska den nya styrmodellen börja användas i Södertälje?")  # "den" is weak


def test_a_chain_of_follow_ups_keeps_the_topic() -> None:
    query = resolve("Och när?", ["Vad är SSPF?", "Vilka kommuner startade det?"])
    assert "SSPF" in query


def test_terms_already_asked_for_are_not_repeated() -> None:
    query = resolve("Vad gjorde SSPF där?", ["Hur arbetade Sigtuna med SSPF?"])
    assert query.count("SSPF") == 1
    assert "Sigtuna" in query


def test_key_terms_keep_names_acronyms_and_content_words() -> None:
    assert key_terms("Vilka kommuner startade SSPF i Göteborg Sydväst?") == [
        "kommuner",
        "startade",
        "SSPF",
        "Göteborg",
        "Sydväst",
    ]
    assert key_terms("Vad är det?") == []


def test_settings_tune_how_short_a_follow_up_is(fake_settings: Settings) -> None:
    strict = fake_settings.model_copy(update={"followup_max_terms": 0}).conversation
    assert resolve("Vilka kommuner startade det?", ["Vad är SSPF?"], settings=strict) == "Vilka kommuner startade det?"


def test_rewriter_is_used_when_configured() -> None:
    seen: list[tuple[str, Sequence[str]]] = []

    def rewriter(question: str, history: Sequence[str]) -> str:
        seen.append((question, history))
        return "Vilka kommuner startade SSPF?"

    assert resolve("Vilka kommuner startade det?", ["Vad är SSPF?"], rewriter) == "Vilka kommuner startade SSPF?"
    assert seen == [("Vilka kommuner startade det?", ["Vad är SSPF?"])]


@pytest.mark.parametrize("result", ["", "   ", None, RuntimeError("model down")])
def test_a_failing_or_empty_rewriter_falls_back_to_the_rule(result: object) -> None:
    def rewriter(question: str, history: Sequence[str]) -> str:
        if isinstance(result, Exception):
            raise result
        return result  # type: ignore[return-value]

    assert "SSPF" in resolve("Vilka kommuner startade det?", ["Vad är SSPF?"], rewriter)


def test_messages_from_strings_mappings_and_messages() -> None:
    from assistant.language.conversation import as_messages, questions_of, retrieval_history
    from assistant.types import Message

    messages = as_messages(["Vad är SSPF?", {"role": "assistant", "content": "SSPF är en samverkansform [1]. Mer."}])
    assert messages == [
        Message(role="user", content="Vad är SSPF?"),
        Message(role="assistant", content=messages[1].content),
    ]
    assert questions_of(messages) == ["Vad är SSPF?"]
    assert retrieval_history(messages) == ["SSPF är en samverkansform.", "Vad är SSPF?"]  # the question first
    assert retrieval_history(messages[:1]) == ["Vad är SSPF?"]
    assert as_messages(["  ", {"role": "user", "content": ""}]) == []  # blank turns say nothing


def test_a_weak_pronoun_after_the_verb_is_the_subject_and_points_back() -> None:
    from assistant.language.conversation import resolve

    earlier = ["Varför jobbade Södertälje bara med en styrmodell?"]
    assert "styrmodell" in resolve("när ska den börja användas?", earlier)
    assert resolve("När ska den nya styrmodellen börja användas i Södertälje?", earlier).endswith("Södertälje?")


def test_a_follow_up_reads_the_last_question_first_and_the_answer_when_the_question_gives_nothing() -> None:
    from assistant.language.conversation import as_messages, resolve, retrieval_history

    asked = [
        "Vilka kommuner testade Crime proofing?",
        {"role": "assistant", "content": "Fyra kommuner deltog: Sigtuna, Göteborg, Linköping och Trollhättan."},
    ]
    query = resolve("Och vad valde Sigtuna att granska?", retrieval_history(as_messages(asked)))
    assert "Crime" in query and "Göteborg" not in query
    vague = ["Berätta om metoden.", {"role": "assistant", "content": "Crime proofing testades i fyra kommuner."}]
    assert "Crime" in resolve("Vad innebar den?", retrieval_history(as_messages(vague)))
