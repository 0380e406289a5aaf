"""Enumerations told in prose: the announcing sentence, then the sentences that name the items."""

from __future__ import annotations

from assistant.answering.enumerations import announced, introduced, items_after, names_item
from assistant.answering.quotes import Unit

GUIDE = "guide"


def unit(text: str, order: int, score: float = 0.1, position: int = 0) -> Unit:
    return Unit([text], 0, order, True, score=score, section=(GUIDE, "Rekrytering"), position=position)


PHASES = [
    "För att kunna se signalerna behöver man förstå processen.",
    "I guiden beskriver vi förloppet i fyra faser, även om verkligheten är rörigare.",
    "Den första fasen kallar vi kontaktfasen.",
    "Äldre ungdomar söker upp barn som verkar sakna sammanhang.",
    "Den andra fasen är prövningsfasen.",
    "Barnet får små uppdrag.",
    "I bindningsfasen förändras relationen.",
    "Ofta skapas en skuld.",
    "I den fjärde fasen, inlåsningsfasen, har barnet blivit en del av nätverket.",
]


def test_the_noun_a_sentence_announces_a_number_of() -> None:
    assert announced("I guiden beskriver vi förloppet i fyra faser.") == "fas"
    assert announced("men i alla tre kommunerna fanns fyra gemensamma byggstenar") == "byggsten"  # not "kommunerna"
    assert announced("Fem kommuner valdes ut: Linköping, Sigtuna och Trollhättan.") is None  # it names them itself
    assert announced("Projektet pågick länge.") is None


def test_an_item_is_named_by_an_ordinal_or_a_compound_of_the_noun() -> None:
    assert names_item("Den tredje var en operativ samordning.", "byggsten")
    assert names_item("I bindningsfasen förändras relationen.", "fas")
    assert not names_item("Kommunerna har områden.", "kommun")  # the noun itself is no compound of it
    assert not names_item("De andra kommunerna väntade.", "kommun")  # "andra": other, not second


def test_a_list_question_gets_the_sentences_naming_the_items_not_the_explanations() -> None:
    units = [unit(text, i) for i, text in enumerate(PHASES)]
    units[1].score = 1.0
    assert [u.order for u in items_after(units[1], units)] == [2, 4, 6, 8]
    chosen = introduced([units[1], units[3], units[0]], units, None, True, 6, 12)
    assert [u.order for u in chosen] == [1, 2, 4, 6, 8, 3]  # the announcement, four items, the best of the rest
    assert introduced([units[1], units[3]], units, None, False, 6, 12) == [units[1], units[3]]  # not a list question
    whole = introduced([units[1], units[3]], units, None, True, 3, 12)
    assert [u.order for u in whole] == [1, 2, 4, 6, 8]  # all four items past a room of three: a list is whole
    assert [u.order for u in introduced([units[1]], units, None, True, 3, 2)] == [1, 2, 4]  # up to `most`


def test_an_enumeration_runs_on_into_the_next_passage_but_no_further() -> None:
    first = [unit(text, i) for i, text in enumerate(PHASES[:5])]
    second = [unit(text, i, position=1) for i, text in enumerate(PHASES[5:])]
    far = [unit("Den femte fasen finns inte.", 0, position=2)]
    units = [*first, *second, *far]
    assert [(u.position, u.order) for u in items_after(first[1], units)] == [(0, 2), (0, 4), (1, 1), (1, 3)]
