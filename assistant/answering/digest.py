"""Which part of a document a summary or a practical answer is drawn from.

A digest quotes one part of a document (its top-level section): the material tells what was done
and learnt in one place. The part is the one whose best `PART_MASS` sentences score highest
together, not the part of the single best sentence: a thin part holding one strong sentence that
points elsewhere ("Därefter presenteras … en sammanställning av vanliga misstag") loses to the part
that holds the answer ("Vanliga misstag"). Measured on ten sets (gold, dev guide, probe8–11,
guide2–5) against the part of the best sentence: the best 3 +5 items and nothing lost; the best 2
+1; the best 6 +4 but long tables then win and the dev guide loses two. Measured again on sixteen
sets: the part of the best sentence alone is -9 +2.

When the question names a place or an organisation, only the parts that mention it compete
("Sammanfatta vad Kristianstad gjorde och vilka resultat det gav": the guide's town chapter, not
the report's results chapter that shares "resultat"); thirteen sets +1, no other answer changed.
When the best sentence is the material saying what it does not cover, its part is kept: that
statement is the answer (`assistant.answering.exclusions`).

When the question names a place the part is not about ("Hur får vi in ett brottsförebyggande
perspektiv i stadsplaneringen? Vad gjorde Linköping?": a section on urban planning in three towns),
the paragraphs that name it come first (`named_first`): the part's sentences on Sigtuna share as
many words with the question as Linköping's own. Nineteen sets +9, nothing lost.

An outline (`assistant.retrieval.outline`) is answered here too: each sub-section under its heading.
A digest opens with the heading of the section it is drawn from (`digest_heading`): "Ur avsnittet
”6. Kommunexempel: Motala – Närvarolyftet”:" tells the reader where the sentences stand and what the
case is called (sixteen sets +1, nothing lost; no answer's facts change for practical questions).
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.answering.quotes import SECTION_SEP, Unit, part_of, too_short
from assistant.answering.sentence_cues import SCOPE_STATEMENT_RE
from assistant.language.text import names_in, split_sentences

LABELLED_MIN = 3  # items of one list a digest quotes for it to quote all of them by their labels
PART_MASS = 3  # sentences of a part whose scores add up to its weight
LEADS_MIN = 3  # paragraphs a section needs for a summary of their first sentences
LEADS_ROOM = 3  # of a summary's room, kept for the section's best sentences after the leads
HEADING_LEVELS = 2  # of a digest's section path, the levels its lead names


def digest_part(
    ranked: list[Unit],
    units: list[Unit],
    names: tuple[str, ...] = (),
    titled: bool = False,
    practical: bool = False,
    scope: re.Pattern[str] = SCOPE_STATEMENT_RE,
) -> Unit:
    """The best unit of the part a digest is drawn from; `ranked`: the scored units, best first;
    `names`: the question's names, which the part must mention when any part does (`titled`: under
    a heading that names one, when a part does; see `_naming`); `practical` (a how-to question that
    names nothing): the part of the passage the retrieval ranks first (`_first_passage`); `scope`: the
    material's scope statement (`sentence_cues.scope_re`)."""
    best = ranked[0]
    if states_scope(best, units, scope):
        return best
    if practical and not names and (first := _first_passage(ranked)) is not None:
        return first
    parts = dict.fromkeys(part_of(u.section) for u in ranked)  # ties go to the part of the best sentence
    if names:
        parts = _naming(parts, units, names, titled)
    chosen = max(parts, key=lambda part: sum(u.score for u in _of(ranked, part)[:PART_MASS]))
    return _of(ranked, chosen)[0]


def _first_passage(ranked: list[Unit]) -> Unit | None:
    """The best unit of the part of the first-ranked passage. The retrieval weighs the passage by its
    meaning, its words and its best sentence; for "Hur ska vi lägga upp det första året …?" it ranks
    "6.1 Det första året" first, while the sentences of "3 Förarbete" shared more of the question's
    words. Seven sets (gold, dev guide, five of session 16): +1, six answers change, nothing lost."""
    first = next((u for u in ranked if u.rank == 0), None)
    return None if first is None else _of(ranked, part_of(first.section))[0]


def part_section(ranked: list[Unit], best: Unit, units: list[Unit], names: tuple[str, ...]) -> list[Unit]:
    """The units a digest is drawn from, best first: those of `best`'s part (and its passage)."""
    part = part_of(best.section)
    section = [u for u in ranked if u.rank == best.rank or part_of(u.section) == part]
    return named_first(section, units, part, names)


def named_first(section: list[Unit], units: list[Unit], part: tuple[str, str], names: tuple[str, ...]) -> list[Unit]:
    """`section` (a part's units, best first) with the units of the paragraphs that name one of the
    question's places first, when the part's heading names none of them. A place is a name the
    material writes after "i" ("I Linköping har målet varit …"); a method ("Crime proofing") is
    the part's topic, not a place among others."""
    places = [n for n in names if (placed := _placed(n)) and any(placed.search(u.text) for u in units)]
    if not places or any(names_in(part[1], n) for n in places):
        return section
    named = {(u.rank, u.paragraph) for u in section if any(names_in(u.text, n) for n in places)}
    first = [u for u in section if (u.rank, u.paragraph) in named]
    return [*first, *(u for u in section if u not in first)]


def _placed(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])[iI] {re.escape(name)}(?![\w-])")


def paragraph_leads(best: Unit, units: list[Unit], room: int, named: tuple[str, ...] = ()) -> list[Unit]:
    """A summary of the section the best sentence stands in ("Vad gjorde Eskilstuna?"): the first
    sentence of each of its paragraphs in the document's order ("Eskilstuna startade …",
    "Fältarbetarna arbetar …", "Kommunens viktigaste samarbetspartner …", "Under 2023 hade …", "Den
    viktigaste lärdomen …"), a paragraph's first sentence says what it is about; then the section's
    best sentences not among them, `LEADS_ROOM` of the room ("Under 2022–2023 omfattades 146 unga av
    Första steget"). [] when the section has fewer than `LEADS_MIN` paragraphs. With `named` (a
    question about a name and nothing more): the section whose heading names it, all its sub-sections
    ("Vad gjorde Gävle?": the background's "… har Gävle samarbetat med fyra grannkommuner" beside
    "Vad man gjorde"; nineteen sets +1, nothing lost)."""
    doc, path = _named_section(best.section, named)
    deeper = path != best.section[1]  # a profile's section: its sub-sections too
    own = [u for u in units if u.section[0] == doc and _within(u.section[1], path, deeper) and not u.header]
    firsts: dict[tuple[int, int], Unit] = {}
    for unit in sorted(own, key=lambda u: (u.position, u.rank, u.order)):
        if not too_short(unit.text):  # past a label ("Bakgrund.") to the paragraph's first sentence
            firsts.setdefault((unit.rank, unit.paragraph), unit)
    leads = [u for u in firsts.values() if not u.is_list]
    if len(leads) < LEADS_MIN:
        return []
    leads = leads[: max(LEADS_MIN, room - LEADS_ROOM)]
    best_first = [u for u in sorted(own, key=lambda u: -u.score) if u not in leads and u.score > 0 and not u.is_list]
    return [*leads, *best_first[: room - len(leads)]]


def _named_section(section: tuple[str, str], names: tuple[str, ...]) -> tuple[str, str]:
    """The deepest section above (or at) `section` whose heading names one of `names`; `section`
    itself when none does."""
    path = section[1].split(SECTION_SEP)
    for depth in range(len(path), 0, -1):
        if any(names_in(path[depth - 1], n) for n in names):
            return section[0], SECTION_SEP.join(path[:depth])
    return section


def _within(path: str, section: str, deeper: bool) -> bool:
    return path == section or (deeper and path.startswith(section + SECTION_SEP))


def labelled_lists(chosen: list[Unit], units: list[Unit], most: int, summary: bool = True) -> list[Unit]:
    """A list a summary quotes three items of or more, all of it, each item by its first sentence
    (its label: "För långa svarstider."): a summary of "Vanliga misstag" names all nine mistakes, not
    the six whose sentences scored best (nineteen sets +1; for practical answers too: -1, an item's
    advice is the answer there). The items' lines are rewritten in place (a select's own units)."""
    if not summary:
        return chosen
    counts = Counter((u.rank, u.group) for u in chosen if u.is_list and u.group is not None and len(u.lines) == 1)
    wanted = {key for key, n in counts.items() if n >= LABELLED_MIN}
    if not wanted:
        return chosen
    out = [u for u in chosen if not (u.is_list and (u.rank, u.group) in wanted)]
    for rank, group in wanted:
        items = sorted((u for u in units if u.is_list and u.rank == rank and u.group == group), key=lambda u: u.order)
        for item in items[:most]:
            item.lines = [f"- {split_sentences(item.text)[0]}"] if item.text else item.lines
            out.append(item)
    return out


def states_scope(unit: Unit, units: list[Unit], scope: re.Pattern[str] = SCOPE_STATEMENT_RE) -> bool:
    """Whether the unit is the material saying what it does not cover, or a line of a list such a
    statement introduces ("Guiden behandlar inte:" - "riskbedömningar av enskilda individer")."""
    if scope.search(unit.text):
        return True
    if unit.group is None or not unit.is_list:
        return False
    intro = next((u for u in units if u.rank == unit.rank and u.order == unit.group - 1), None)
    return intro is not None and bool(scope.search(intro.text))


def _naming(parts: dict[tuple[str, str], None], units: list[Unit], names: tuple[str, ...], titled: bool) -> dict:
    """The parts that mention the most of the question's names ("Sammanfatta vad Kristianstad
    gjorde": the guide's chapter on its towns, not the report's results that share "resultat"); all
    parts when none mentions any. With `titled` (a summary), of those the parts with a heading that
    names one ("Sammanfatta vad Falkenberg gjorde": "7. Exempel … > 7.2 Falkenberg: …", not "8.
    Lärdomar", whose list names Falkenberg too); a practical question keeps the part that answers
    it ("… stadsplaneringen? Hur gjorde Linköping?": the planning section, not the appendix on
    Linköping)."""
    count = {p: sum(any(names_in(u.text, n) for u in units if part_of(u.section) == p) for n in names) for p in parts}
    most = max(count.values(), default=0)
    parts = {p: None for p in parts if count[p] == most} if most else parts
    if not titled:
        return parts
    headed = {p: None for p in parts if any(_heads(u, p, names) for u in units)}
    return headed or parts


def _heads(unit: Unit, part: tuple[str, str], names: tuple[str, ...]) -> bool:
    """Whether `unit` stands in `part` under a heading that names one of `names`."""
    return part_of(unit.section) == part and any(names_in(unit.section[1], n) for n in names)


def outline_units(units: list[Unit], leads: bool = False) -> list[Unit]:
    """An outline's answer (`retrieval.outline`: one passage per sub-section): each sub-section's
    heading with its best sentence (its first when none shares a word with the question), or with
    `leads` (a summary: every sub-section is equally "about" it) its first, in the document's order;
    a table row says too little alone. The heading is the sub-section's own, also
    where its first passage stands deeper ("2. Kartlägg …", not "2.1 Penningflödeskartan")."""
    out: list[Unit] = []
    depth = len(_outlined(units))
    for rank in sorted({u.rank for u in units}):
        own = [u for u in units if u.rank == rank and not u.header and not too_short(u.text)]
        if own:
            prose = [u for u in own if not u.is_list] or own  # a list item ("genomsnittlig tid …,") is no summary
            best = min(prose, key=lambda u: u.order) if leads else max(prose, key=lambda u: (u.score, -u.order))
            best.lines = [f"- {best.section[1].split(SECTION_SEP)[depth]}: {best.text}"]
            out.append(best)
    return out


def outline_heading(chosen: list[Unit]) -> str:
    """The heading of the section whose sub-sections `chosen` quotes as an outline (the parent of
    theirs); "" when `chosen` is no outline."""
    outlined = _outlined(chosen)
    if not chosen or not all(
        u.lines[0].startswith(f"- {u.section[1].split(SECTION_SEP)[len(outlined)]}: ") for u in chosen
    ):
        return ""
    return outlined[-1] if outlined else ""


def _outlined(units: list[Unit]) -> list[str]:
    """The path of the section whose sub-sections the units stand in: their deepest common section,
    above the deepest section of any of them."""
    paths = [u.section[1].split(SECTION_SEP) for u in units]
    common = _common(paths)
    return common[:-1] if any(len(p) == len(common) for p in paths) else common


def _common(paths: list[list[str]]) -> list[str]:
    common: list[str] = []
    for level in zip(*paths, strict=False):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    return common


def digest_heading(chosen: list[Unit]) -> str:
    """The heading of the section a digest quotes (the deepest one all its sentences stand in, with
    its parent: "6. Kommunexempel: Motala – Närvarolyftet > Vad de gjorde", not the chapter above
    them, "Projektets genomförande > Fokusområde 5: … > … i skolmiljöer"); "" when they span documents."""
    if not chosen or len({u.section[0] for u in chosen}) > 1:
        return ""
    path = [h for h in _common([u.section[1].split(SECTION_SEP) for u in chosen]) if h]
    return SECTION_SEP.join(path[-HEADING_LEVELS:])


def _of(ranked: list[Unit], part: tuple[str, str]) -> list[Unit]:
    return [u for u in ranked if part_of(u.section) == part]
