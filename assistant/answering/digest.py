"""Which part of a document a summary or a practical answer is drawn from.

A digest quotes one part of a document (its top-level section): the material tells what was done
and learnt in one place. The part is the one whose best `PART_MASS` sentences score highest
together, not the part of the single best sentence: a thin part holding one strong sentence that
points elsewhere ("Därefter presenteras … en sammanställning av vanliga misstag") loses to the part
that holds the answer ("Vanliga misstag"). Measured on ten sets (gold, dev guide, probe8–11,
guide2–5) against the part of the best sentence: the best 3 +5 items and nothing lost; the best 2
+1; the best 6 +4 but long tables then win and the dev guide loses two.

When the best sentence is the material saying what it does not cover, its part is kept: that
statement is the answer (`assistant.answering.exclusions`).
"""

from __future__ import annotations

from assistant.answering.quotes import Unit, part_of
from assistant.answering.sentence_cues import SCOPE_STATEMENT_RE

PART_MASS = 3  # sentences of a part whose scores add up to its weight


def digest_part(ranked: list[Unit], units: list[Unit]) -> Unit:
    """The best unit of the part a digest is drawn from; `ranked`: the scored units, best first."""
    best = ranked[0]
    if states_scope(best, units):
        return best
    parts = dict.fromkeys(part_of(u.section) for u in ranked)  # ties go to the part of the best sentence
    chosen = max(parts, key=lambda part: sum(u.score for u in _of(ranked, part)[:PART_MASS]))
    return _of(ranked, chosen)[0]


def states_scope(unit: Unit, units: list[Unit]) -> bool:
    """Whether the unit is the material saying what it does not cover, or a line of a list such a
    statement introduces ("Guiden behandlar inte:" - "riskbedömningar av enskilda individer")."""
    if SCOPE_STATEMENT_RE.search(unit.text):
        return True
    if unit.group is None or not unit.is_list:
        return False
    intro = next((u for u in units if u.rank == unit.rank and u.order == unit.group - 1), None)
    return intro is not None and bool(SCOPE_STATEMENT_RE.search(intro.text))


def _of(ranked: list[Unit], part: tuple[str, str]) -> list[Unit]:
    return [u for u in ranked if part_of(u.section) == part]
