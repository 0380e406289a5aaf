"""The part of a document a digest (summary, practical answer) is drawn from."""

from __future__ import annotations

from assistant.answering.digest import digest_part, states_scope
from assistant.answering.quotes import Unit

GUIDE = "guide"


def unit(text: str, part: str, score: float, rank: int = 0, order: int = 0, group: int | None = None) -> Unit:
    return Unit([text], rank, order, True, group, score, section=(GUIDE, f"{part} > Avsnitt"))


def test_the_part_whose_best_sentences_weigh_most_is_chosen_not_the_part_of_the_single_best() -> None:
    signpost = unit("Därefter presenteras en sammanställning av vanliga misstag och en checklista.", "Om guiden", 1.1)
    mistakes = [unit(f"Ett vanligt misstag är nummer {i}.", "Vanliga misstag", 0.9 - i / 10, 1, i) for i in range(4)]
    ranked = [signpost, *mistakes]
    assert digest_part(ranked, ranked).section[1].startswith("Vanliga misstag")
    strong = unit("Guiden beskriver arbetet med trygghetsträffar steg för steg.", "Om guiden", 2.5)
    assert digest_part([strong, *mistakes], [strong, *mistakes]) is strong  # one sentence outweighing three


def test_a_scope_statement_that_is_the_best_sentence_keeps_its_part() -> None:
    intro = unit("Guiden behandlar inte:", "Inledning", 0.2, order=4)
    item = unit("- riskbedömningar av enskilda individer,", "Inledning", 0.8, order=5, group=5)
    others = [unit(f"Stödet avser insatser för unga nummer {i}.", "Bilaga", 0.7, 1, i) for i in range(3)]
    ranked = [item, *others, intro]
    assert states_scope(item, ranked) and not states_scope(others[0], ranked)
    assert digest_part(ranked, ranked) is item  # the answer is that the guide leaves it out
