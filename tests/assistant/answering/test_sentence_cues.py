"""The form cues of sentences the extractive generator scores and links by."""

from __future__ import annotations

import pytest

from assistant.answering.sentence_cues import (
    ENUMERATION_RE,
    FREQUENCY_RE,
    REFERS_BACK_RE,
    SCOPE_STATEMENT_RE,
    advises,
    named_as,
    quantified_mention,
    specificity,
    type_credit,
)
from assistant.language.terms import Term, answer_type, text_stems


@pytest.mark.parametrize(
    ("sentence", "enumerates"),
    [
        ("I Göteborg analyserades föreningsbidrag, hemvårdsbidrag och personlig assistans.", True),
        ("Fyra kommuner deltog i arbetet: Sigtuna, Göteborg, Linköping och Trollhättan.", True),
        ("Det gällde otillåten påverkan, vilka har varit nya arbetssätt för Brå och som har fallit väl ut.", False),
    ],
)
def test_what_counts_as_an_enumeration(sentence: str, enumerates: bool) -> None:
    assert bool(ENUMERATION_RE.search(sentence)) is enumerates


@pytest.mark.parametrize(
    ("summary", "body"),
    [
        ("Brå fick i mars 2022 uppdraget.", "Brå fick den 17 mars 2022 uppdraget."),
        ("Några kommuner.", "Fem kommuner, 3 områden."),
    ],
)
def test_specificity_prefers_the_more_precise(summary: str, body: str) -> None:
    assert specificity(body) > specificity(summary)


@pytest.mark.parametrize(
    ("sentence", "counted", "announces"),
    [
        ("Projektet stötte på ytterligare några hinder.", False, True),
        ("Projektet har följts upp på tre sätt.", False, False),
        ("Projektet har följts upp på tre sätt.", True, True),
        ("Projektet har följts upp på 3 sätt.", True, True),
        ("Projektet har följts upp på tre sätt: enkät, CRM och rapporter.", True, False),
    ],
)
def test_quantified_mention(sentence: str, counted: bool, announces: bool) -> None:
    asked = answer_type("Vilka hinder fanns?") if "hinder" in sentence else answer_type("På vilka sätt?")
    assert asked is not None
    assert quantified_mention(sentence, asked, counted) is announces


@pytest.mark.parametrize(
    "sentence",
    ["Den här möjligheten togs väl emot.", "Det här arbetet tog tid.", "Med det i åtanke valdes fem kommuner."],
)
def test_a_demonstrative_opening_refers_back(sentence: str) -> None:
    assert REFERS_BACK_RE.match(sentence)


@pytest.mark.parametrize(
    ("sentence", "says_how_often"),
    [
        ("Varannan vecka under kartläggning och analys, därefter en gång i månaden.", True),
        ("Testa larmkedjan minst två gånger per år.", True),
        ("Utbildningen i konflikthantering upprepas vartannat år.", True),
        ("Nätverket träffas var tredje månad.", True),
        ("Resultaten följs upp årligen.", True),
        ("Varje kommun valde sina egna fokusområden.", False),
        ("Arbetsgruppen bör ha fem till åtta deltagare.", False),
    ],
)
def test_what_says_how_often(sentence: str, says_how_often: bool) -> None:
    assert bool(FREQUENCY_RE.search(sentence)) is says_how_often


@pytest.mark.parametrize(
    ("sentence", "advice"),
    [
        ("Det är avgörande att medlaren tar kontakt med den brottsutsatta först.", True),
        ("Vi rekommenderar föräldraträffar i form av tre träffar à två timmar.", True),
        ("Den viktigaste lärdomen var att kamerorna inte gjorde arbetet ensamma.", True),
        ("Kommunen placerade två hyrda kameravagnar vid resecentrum.", False),
    ],
)
def test_what_says_what_to_do_or_what_was_learnt(sentence: str, advice: bool) -> None:
    assert advises(sentence) is advice


def test_a_name_with_the_asked_for_kind_as_its_head_gives_that_kind() -> None:
    school = Term({"skol"})
    named = "I Trollhättan har ett trygghetsarbete genomförts på Lextorpsskolan under hösten 2023."
    assert named_as(named, school) and type_credit(named, text_stems(named), False, school, 0.0) == 1.0
    assert not named_as("Skolverket gav stöd.", school)  # the kind's word first: no school by name
    used = "Två kommuner har arbetat vid några utvalda skolor."
    assert not named_as(used, school) and type_credit(used, text_stems(used), False, school, 0.4) == 0.2
    assert type_credit("Polisen deltog.", text_stems("Polisen deltog."), False, school, 1.0) == 0.0


@pytest.mark.parametrize(
    ("sentence", "states"),
    [
        ("Guiden tar inte upp sekretessregler.", True),
        ("Guiden redogör alltså inte för vilka regler som gäller.", True),
        ("Guiden innehåller **inte**:", True),
        ("Vi redovisar inte heller vad åtgärderna kostar.", True),
        ("Guiden är inte en lärobok.", False),
        ("Kommunen tar inte emot fler ärenden.", False),
    ],
)
def test_a_scope_statement_is_the_material_naming_itself_with_a_present_verb_and_a_negation(
    sentence: str, states: bool
) -> None:
    assert bool(SCOPE_STATEMENT_RE.search(sentence)) is states


def test_a_conclusion_after_the_verb_and_subject_reads_back_only_for_why() -> None:
    from assistant.answering.sentence_cues import concludes

    later = "Inom projektet valde vi därför att testa införandet av en ny metod."
    assert concludes("Därför har det varit prioriterat.") and concludes("Därför har det varit prioriterat.", why=True)
    assert concludes(later, why=True) and not concludes(later)
    assert not concludes("Kommunen har i flera år arbetat med detta och därför fortsatt.", why=True)  # too far in


def test_a_scope_statement_may_put_its_verb_first_but_a_conjunction_is_no_verb() -> None:
    from assistant.answering.sentence_cues import SCOPE_STATEMENT_RE

    assert SCOPE_STATEMENT_RE.search("Det här tar guiden inte upp")
    assert SCOPE_STATEMENT_RE.search("Här har vi inte tagit med kostnaderna")  # an auxiliary is a verb
    assert not SCOPE_STATEMENT_RE.search("Det blir svårt när vi inte hinner följa upp")


def test_a_scope_statement_may_be_a_relative_or_interrogative_clause() -> None:
    """ "Vad guiden inte tar upp" (a heading), "frågor som vi inte behandlar": the negation before the verb."""
    from assistant.answering.sentence_cues import SCOPE_STATEMENT_RE

    assert SCOPE_STATEMENT_RE.search("Vad guiden inte tar upp")
    assert SCOPE_STATEMENT_RE.search("Det finns frågor som vi inte heller behandlar här.")
    assert not SCOPE_STATEMENT_RE.search("Vad guiden tar upp")
    assert not SCOPE_STATEMENT_RE.search("När guiden inte räcker till, fråga en jurist.")


def test_a_consequence_told_early_takes_its_reason_from_the_sentence_before_for_a_why_question() -> None:
    from assistant.answering.sentence_cues import concludes

    for early in (
        "Det ledde till att föreningen tog fram en rutin.",
        "Ingen skadades, men händelsen ledde till att Kursbyte flyttade alla första möten.",
        "Händelsen polisanmäldes och ledde till att verksamheten gick igenom rutinerna.",
    ):
        assert concludes(early, why=True) and not concludes(early)
    told_in_it = "Flera kommuner deltog i testandet av metoden, vilket resulterade i förslag till åtgärder."
    assert not concludes(told_in_it, why=True)  # its own reason comes first in it
