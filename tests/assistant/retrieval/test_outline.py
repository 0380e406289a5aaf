"""The outline of the section a summary question names (`retrieval.outline`)."""

from __future__ import annotations

from assistant.language.question import Question
from assistant.retrieval.outline import OutlineRule, asks_outline, find_outline, section_tree
from assistant.types import Chunk, Passage
from tests.assistant.rag_fixtures import make_chunk

GUIDE = "guide"
LESSONS = "Lärdomar inför fortsatt stöd"
RULE = OutlineRule(min_share=0.35, min_heading=0.3, min_children=3)
SECTIONS = [
    ("Om guiden", "Guiden beskriver arbetet i kommunerna."),
    (LESSONS, "Projektet gav många lärdomar."),
    (f"{LESSONS} > Förändringsarbete tar tid", "Stödet behöver sträcka sig över en längre tidsperiod."),
    (f"{LESSONS} > Förändringsarbete tar tid", "Deadlines kan ge arbetet en skjuts."),
    (f"{LESSONS} > Resurskrävande för kommunerna", "Färre fokusområden minskar belastningen i Sigtuna."),
    (f"{LESSONS} > Samordning av nationella initiativ", "Kommunerna tar emot stöd från flera myndigheter."),
    ("Metoden > Problemträdet", "Gruppen formulerar problemet i trädets stam."),
    ("Metoden > Brottstriangeln", "Triangeln visar vem som bör agera."),
    ("Metoden > Prioritera", "Välj tre till fem problem."),
    ("Arbetssättet i fyra steg > Steg 1 – Signalen tas emot", "Polisen skickar underrättelsen."),
    ("Arbetssättet i fyra steg > Steg 2 – Första kontakt", "Samtalet tar 45 minuter."),
    ("Arbetssättet i fyra steg > Steg 3 – Planmöte", "Planen skrivs på mötet."),
    ("Arbetssättet i fyra steg > Steg 4 – Uppföljning av återfall", "Registret förs varje kvartal."),
]


def chunks() -> list[Chunk]:
    return [make_chunk(GUIDE, i, section, text) for i, (section, text) in enumerate(SECTIONS)]


def weight(stem: str) -> float:
    return 1.0


def outline_of(question: str, top_sections: tuple[int, ...] = (2,)) -> list[str]:
    all_chunks = chunks()
    top = [Passage(chunk=all_chunks[i], score=1.0) for i in top_sections]
    asked = Question.analyse(question)
    found = find_outline(section_tree(all_chunks), top, asked.topic, asked.names, weight, RULE)
    return [c.section for c in found.children] if found else []


def test_the_tree_holds_the_first_chunk_of_each_sub_section_in_document_order() -> None:
    tree = section_tree(chunks())
    assert [c.position for c in tree[(GUIDE, LESSONS)]] == [2, 4, 5]
    assert [c.section for c in tree[(GUIDE, "Metoden")]] == [s for s, _ in SECTIONS[6:9]]
    assert (GUIDE, "Om guiden") not in tree  # no sub-sections: nothing to outline


def test_a_summary_naming_a_section_gets_its_sub_sections() -> None:
    assert outline_of("Vilka lärdomar drog man inför det fortsatta stödet?") == [
        f"{LESSONS} > Förändringsarbete tar tid",
        f"{LESSONS} > Resurskrävande för kommunerna",
        f"{LESSONS} > Samordning av nationella initiativ",
    ]


def test_the_words_that_tell_the_kind_do_not_name_a_section() -> None:
    asked = Question.analyse("Sammanfatta lärdomarna")
    assert [sorted(t) for t in asked.topic] == [["lärdom"]]  # "sammanfatta" asks for a summary, of lärdomar


def test_no_outline_when_a_sub_section_names_the_question_as_well() -> None:
    assert len(outline_of("Vilka steg har metoden?", (6,))) == 3  # the method's steps
    assert not outline_of("Vilka råd ger metoden om problemträdet?", (6,))  # "Problemträdet" is the one
    assert not outline_of("Ge en överblick över arbetssättets steg om signalen", (9,))  # step 1


def test_a_question_naming_two_sub_sections_gets_the_section_they_share() -> None:
    steps = outline_of("Ge en överblick över stegen i arbetssättet, från signal till uppföljning", (9,))
    assert len(steps) == 4 and steps[0].endswith("Signalen tas emot")


def test_no_outline_for_a_heading_sharing_one_common_word_or_a_name_it_is_not_about() -> None:
    assert not outline_of("Vilka myndigheter gav stöd till kommunerna under projektet?")
    assert not outline_of("Vilka lärdomar drog Sigtuna inför det fortsatta stödet?")  # one sub-section names it


def test_outlines_answer_summaries_and_lists_not_figures() -> None:
    assert asks_outline(frozenset({"overview"})) and asks_outline(frozenset({"list", "who"}))
    assert not asks_outline(frozenset({"list", "quantity"})) and not asks_outline(frozenset({"howto"}))
