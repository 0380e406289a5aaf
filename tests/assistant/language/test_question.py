"""The question analysis every stage after the router reads."""

from __future__ import annotations

import pytest

from assistant.language.question import Question, asked_part
from assistant.language.terms import TermStats
from assistant.language.text import stems


def test_a_question_is_analysed_once_into_what_the_stages_read() -> None:
    asked = Question.analyse("Hur många deltagare kom till konferensen i Stockholm 2023?")
    assert asked.language == "sv" and asked.query == asked.text
    assert "quantity" in asked.kinds and asked.counted == "deltagare"
    assert asked.names == ("Stockholm",) and asked.years == ("2023",)
    assert any("konferens" in t for t in asked.terms) and not asked.day


def test_a_practical_question_that_speaks_of_a_number_asks_for_none() -> None:
    asked = Question.analyse("Vad ska vi tänka på om antalet polisanmälningar går upp första året?")
    assert "howto" in asked.kinds and asked.counted is None  # advice is asked for, not a count
    assert Question.analyse("Vad var antalet polisanmälningar första året?").counted == "polisanmälningar"


def test_a_why_question_that_speaks_of_a_number_asks_for_none() -> None:
    asked = Question.analyse("Varför behöver en ökning av antalet rapporter inte betyda att det blivit värre?")
    assert "reason" in asked.kinds and asked.counted is None  # a reason is asked for, not a count


def test_a_follow_up_is_read_as_its_resolved_query_in_the_language_it_was_asked() -> None:
    asked = Question.analyse("And when?", "När startade projektet SSPF i Sigtuna?")
    assert asked.language == "en" and asked.text == "And when?"
    assert "time" in asked.kinds and "SSPF" in asked.names
    assert asked.counted is None  # an English question counts nothing in Swedish words


def test_the_material_s_statistics_shape_the_terms_and_a_date_asked_to_the_day() -> None:
    stats = TermStats(stems(t) for t in ["Problemträdet har rötter.", "Ett datum sattes."])
    asked = Question.analyse("Vilket datum ritades problemtradet?", stats=stats)
    assert asked.day and any(t & set(stems("problemträdet")) for t in asked.terms)
    english = Question.analyse("By what date did Brå have to report back?")
    assert "time" in english.kinds and english.day  # "what date" asks a time, to the day


def test_a_follow_up_knows_which_terms_it_took_from_the_conversation() -> None:
    asked = Question.analyse("och vad tittade trollhättan på?", "och vad tittade trollhättan på? Crime proofing")
    assert {"crim", "proofing"} & asked.inherited and not {"trollhättan"} & asked.inherited
    assert Question.analyse("Vad är Crime proofing?").inherited == frozenset()


@pytest.mark.parametrize(
    "question",
    [
        "Hur kom kommunerna i projektet igång med Crime proofing?",
        "Hur gick Trollhättan tillväga när de gjorde trygghetsarbetet på skolan?",
        "Hur ska vi tänka när vi startar SSPF?",
        "Vad ska vi tänka på innan vi börjar?",
    ],
)
def test_practical_questions_are_read_as_such(question: str) -> None:
    assert "howto" in Question.analyse(question).kinds
    assert "howto" not in Question.analyse("Hur många kom till konferensen?").kinds


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Vad gjorde Alingsås?", {"overview", "profile"}),  # what a town did, and nothing more: a profile
        ("What did Falun do?", {"overview", "profile"}),
        ("Vad gjorde Ronneby mot besöksstölderna?", {"overview"}),  # what it did about something: that work
        ("Vad gjorde Piteå för elever som slutat komma?", {"overview"}),
        ("Vad gjorde de i Trollhättan då?", set()),  # a place, not what the work was about
        ("Vad gjorde Vara kommun?", {"overview", "profile"}),  # a name of two words ("Vara" is a stopword too)
        ("Vad gjorde Södertälje i projektet?", {"overview", "profile"}),  # and where
        ("What did Vara municipality do?", {"overview", "profile"}),
        ("Vad gjorde Härnösand, och hur gick det?", {"overview", "profile"}),  # and how it went
        ("What did Falun do, and how did it go?", {"overview", "profile"}),
        ("Vad gjorde Eslöv och hur mycket kostade det totalt för kommunen?", {"quantity", "total"}),
        ("vad gjorde polisen sen?", set()),  # no name: a question about what happened next
        ("Ge en överblick över de vanligaste misstagen", {"overview"}),
        ("Vad blir totalsumman i budgetmallen?", {"total"}),
        ("hur mycket blev det sammanlagt då?", {"quantity", "total"}),
        ("tjena, hur lång är kursen för dörrvakterna?", {"quantity"}),  # a length or a duration: a number
        ("Hur lång tid går det från första kontakt till första uppdrag?", {"quantity"}),
        ("hur gamla ska skadespelarna vara", {"quantity"}),
    ],
)
def test_summaries_and_totals_are_kinds_of_answer(question: str, kinds: set[str]) -> None:
    assert Question.analyse(question).kinds == kinds


def test_days_and_times_asked_for_are_a_time_but_vilka_ar_is_not() -> None:
    from assistant.language.kinds import question_kinds

    for question in ("Vilka dagar och tider gick vandringarna?", "Vilken veckodag träffades de?", "What times?"):
        assert "time" in question_kinds(question), question
    assert "time" not in question_kinds("Vilka är de fem stegen?")  # "är" folds to "ar", as "år" does


def test_a_size_or_an_extent_asked_for_is_a_quantity() -> None:
    from assistant.language.kinds import question_kinds

    for question in ("Och hur omfattande behöver den vara?", "hur stora ska skyltarna va?", "How big was the shift?"):
        assert "quantity" in question_kinds(question), question
    assert "quantity" not in question_kinds("Hur gick arbetet med skyltarna?")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Vilka sorters bidrag granskade kommunerna?", {"bidrag"}),  # the noun after the classifier
        ("Vilken typ av stöd fick de?", {"stöd"}),
        ("Vilka slags aktörer deltog?", {"aktör"}),
        ("Vilka kommuner deltog?", {"kommun"}),
    ],
)
def test_the_kind_asked_for_is_the_noun_after_a_classifier(question: str, kind: set[str]) -> None:
    asked = Question.analyse(question).asked_type
    assert asked is not None and set(asked) == kind


def test_a_generic_noun_names_no_kind_asked_for() -> None:
    """ "Vilka saker …" asks for things of any kind: the material need not use the word "sak"."""
    assert Question.analyse("Vilka saker var det man mätte i mätningen?").asked_type is None


def test_adverbs_that_say_nothing_of_the_topic_are_no_terms() -> None:
    asked = Question.analyse("Fick kommunerna några pengar själva, redan från start?")
    assert any("peng" in t for t in asked.terms)
    assert not any({"själv", "själva", "redan"} & t for t in asked.terms)


def test_what_a_message_asks_starts_at_its_first_question_word() -> None:
    assert asked_part("Hej från Malmö! Hur kom de igång med SSPF?") == "Hur kom de igång med SSPF?"
    assert asked_part("Jobbar i Malmö och undrar vad SSPF är") == "vad SSPF är"
    assert asked_part("Berätta om SSPF i Malmö.") == "Berätta om SSPF i Malmö."  # no question word: all of it


def test_a_name_typed_without_swedish_letters_is_the_material_s_name() -> None:
    stats = TermStats(stems(t) for t in ["Brå fick 3 miljoner kronor.", "Det var bra.", "I Hovsjö bor många."])
    asked = Question.analyse("hur mycket pengar fick Bra fran regeringen?", stats=stats)
    assert any(t == {"brå"} for t in asked.terms)  # the name, not the word "bra"
    assert "Brå" in asked.names
    plain = Question.analyse("Det var bra sagt, vad hände i Hovsjo?", stats=stats)
    assert not any(t == {"brå"} for t in plain.terms)  # "bra" in lower case is the word
    assert "Hovsjö" in plain.names
