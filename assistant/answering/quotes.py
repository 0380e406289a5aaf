"""The quotable units of passages (sentences, list blocks) and the helpers that choose and order them.

Used by the extractive generator (`assistant.answering.extractive`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.answering.citations import FOOTNOTE_MARKS, TABLE_ROW_SEP, is_list_line
from assistant.answering.sentence_cues import FIRST_PERSON_RE, LABELLED_RE, OWN_SPEAKER_RE
from assistant.language.sentences import numbered_sentences
from assistant.language.terms import Term
from assistant.types import SECTION_SEP, Passage, sentence_key

ENGLISH_LEAD = "According to the material (quoted in the original Swedish):"
# A practical question is told whose account follows, not the assistant's advice; "det som gjordes och
# det man lärde sig" did not fit a guide's own advice (blind readers, session 16).
SWEDISH_HOWTO_LEAD = "Enligt materialet:"
OUTLINE_LEAD = {
    "sv": "Materialet tar upp detta under ”{heading}”:",
    "en": "The material covers this under ”{heading}” (quoted in the original Swedish):",
}
PART_LEAD = {
    "sv": "Ur avsnittet ”{heading}”:",
    "en": "From the section ”{heading}” (quoted in the original Swedish):",
}
PRACTICAL_PART_LEAD = {"sv": "Enligt materialet, i avsnittet ”{heading}”:"}
VOICE = {"sv": "Enligt en respondent: ”{text}”", "en": "According to a respondent: ”{text}”"}
MIN_SENTENCE_WORDS = 4  # shorter prose fragments ("(Polismyndigheten 2021).") are never quoted alone
# sentences quoted after a chosen one while the answer has room (`filled`), measured on ten sets: a
# digest 1 +1, 2 +2, 4 +2; then other answers up to max_answer_sentences +6 (up to 3: +3, 5: +4)
READ_ON = 2
_FOOTNOTE_RE = re.compile(rf"[{FOOTNOTE_MARKS}]+")
_LINK_RE = re.compile(r"<?https?://[^\s>]*>?")
_BULLET_RE = re.compile(r"^\s*[-*•]\s+")
Weight = Callable[[str], float]


def lead_in(language: str, practical: bool = False, outline: str = "", part: str = "") -> str:
    """The line an answer starts with: English answers say the quotes are Swedish; a practical
    question is told that what follows is the material's experience, not the assistant's advice;
    an outline names the section whose sub-sections follow, a digest the section it is drawn from."""
    if outline:
        return OUTLINE_LEAD.get(language, OUTLINE_LEAD["sv"]).format(heading=outline)
    if part:
        leads = PRACTICAL_PART_LEAD if practical and language != "en" else PART_LEAD
        return leads.get(language, leads["sv"]).format(heading=part)
    if language == "en":
        return ENGLISH_LEAD
    return SWEDISH_HOWTO_LEAD if practical else ""


def voiced(sentence: str) -> bool:
    """A sentence in the first person singular that names no speaker of its own: in a report, an
    unnamed respondent's quoted words. One that opens or closes a quotation, says who speaks
    ("..., säger hon.") or asks a question is quoted as it stands."""
    return bool(FIRST_PERSON_RE.search(sentence)) and not OWN_SPEAKER_RE.search(sentence)


@dataclass(frozen=True)
class Ask:
    """What the question asks: its terms, its kinds ("quantity", "who", ...) and the asked-for type."""

    terms: list[Term]
    kinds: set[str]
    type: Term | None
    day: bool = False  # a date to the day is asked for ("Vilket datum ...?")
    about_document: bool = False  # asks about the document's parts ("Vad står i kapitel 4?")
    scale: tuple[float, float] | None = None  # the cosines read as unrelated .. related (`cosine_scale`)


def cosine_scale(
    units: Sequence[Unit], floor: float, span: float, cross_lingual: bool, language: str
) -> tuple[float, float]:
    """The cosine that reads as unrelated and the span above it to fully related. Across languages
    (an English question, Swedish sentences) e5's cosines are compressed: the best sentence of the
    right passage scores 0.81 where a Swedish question's reaches 0.88, below the fixed floor. Then
    (`cross_lingual`, an English question) the range is the candidates' own: median to best."""
    sims = sorted(u.similarity for u in units if u.similarity is not None)
    if not cross_lingual or language != "en" or len(sims) < 3 or sims[-1] - sims[len(sims) // 2] <= 0:
        return floor, span
    return sims[len(sims) // 2], sims[-1] - sims[len(sims) // 2]


@dataclass
class Unit:
    """A quotable piece of a passage: a sentence, or a list block (intro + items)."""

    lines: list[str]
    rank: int
    order: int
    own: bool
    group: int | None = None
    score: float = 0.0
    stems: frozenset[str] = field(default_factory=frozenset)
    heading: frozenset[str] = field(default_factory=frozenset)  # stems of the section's own heading
    passage: frozenset[str] = field(default_factory=frozenset)  # stems of the whole passage (with its section)
    footnote: bool = False  # the sentence is (part of) a footnote
    similarity: float | None = None  # the question's cosine to this sentence (sentence index), when known
    position: int = 0  # the position of the unit's passage in its document (document order across passages)
    voice: bool = False  # in the first person singular: a respondent's words, quoted as such
    section: tuple[str, str] = ("", "")  # the document and section of the unit's passage
    header: tuple[str, ...] = ()  # a table row's column names (its table's first row)
    table_head: bool = False  # the unit is a table's first row: its column names, nothing to quote alone
    paragraph: int = 0  # the line of the passage text the sentence stands in

    @property
    def text(self) -> str:
        return " ".join(_BULLET_RE.sub("", line) for line in self.lines)

    @property
    def is_list(self) -> bool:
        return len(self.lines) > 1 or is_list_line(self.lines[0])


def units_of(passage: Passage, rank: int) -> list[Unit]:
    """Sentences of a passage (with context) in order; list items share a group with their intro."""
    own_text = passage.chunk.text
    units: list[Unit] = []
    group: int | None = None
    header: tuple[str, ...] = ()
    for i, (line, sentence) in enumerate(numbered_sentences(passage.context or own_text)):
        row = table_cells(sentence)
        starts_table = bool(row) and not (units and table_cells(units[-1].lines[0]))
        header = row if starts_table else header if row else ()  # a table's first row names its columns
        footnote = sentence[0] in FOOTNOTE_MARKS  # "² X är ..." may define a term; links are dropped in scoring
        if is_list_line(sentence):
            if group is None:
                group = i
                if units and introduces(units[-1].lines[0]):
                    units[-1].group = group
        else:
            group = None
        text = _FOOTNOTE_RE.sub("", sentence).strip()
        similarity = passage.sentence_scores.get(sentence_key(sentence))
        unit = Unit([text], rank, i, sentence in own_text, group, footnote=footnote, similarity=similarity)
        unit.position, unit.voice, unit.paragraph = passage.chunk.position, voiced(sentence), line
        unit.section = (passage.chunk.doc_id, passage.chunk.section)
        unit.header = header if row and row != header and len(header) == len(row) else ()
        unit.table_head = starts_table
        units.append(unit)
    return units


def table_cells(line: str) -> tuple[str, ...]:
    """The cells of a table row ("Steg | Innehåll | Tid"); () for any other line."""
    if TABLE_ROW_SEP not in line:
        return ()
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def table_row(unit: Unit) -> str:
    """A table row quoted alone, read with its column names: "Åtgärdsplan – Innehåll: Mål, val av
    åtgärder; Tid: 1 månad" (a bare "Åtgärdsplan | Mål, val av åtgärder | 1 månad" says little)."""
    cells = table_cells(unit.lines[-1])
    named = [f"{name}: {cell}" for name, cell in zip(unit.header[1:], cells[1:], strict=True) if cell]
    return f"{cells[0]} – {'; '.join(named)}" if named and cells[0] else unit.lines[-1]


def at_home(units: list[Unit], factor: float) -> None:
    """Scale the scores of the sentences of other documents than the best sentence's by `factor`: a
    guide's answer is not padded with the report's sentences that share its words ("… text from
    another project", a blind reader of a new guide's answers, four times in forty). Nineteen sets
    +2 -1 at 0.7 (gold unchanged, the dev guide's declined kept); the document whose best three
    sentences weigh most as the home instead: the dev guide declines one near miss fewer."""
    if factor >= 1.0 or not units:
        return
    home = max(units, key=lambda u: u.score).section[0]
    for unit in units:
        unit.score *= 1.0 if unit.section[0] == home else factor


def filled(chosen: list[Unit], units: list[Unit], room: int, reach: int = READ_ON) -> list[Unit]:
    """`chosen` with the sentences that follow each chosen one in its passage, up to `reach` after
    each, in document order, while the answer has `room`: the quote goes on where its sentences stop
    ("Kameror har i studier visat bäst effekt ... . Räkna med att en tillståndsprocess kan ta flera
    månader ..."). A list, a table, a footnote or a fragment ("Lärdom.") ends it."""
    by_place = {(u.rank, u.order): u for u in units}
    out = list(chosen)
    for unit in sorted(chosen, key=lambda u: (u.rank, u.order)):
        for step in range(1, reach + 1):
            nxt = by_place.get((unit.rank, unit.order + step))
            if len(out) >= room or nxt is None or nxt.footnote or not reads_on(nxt):
                break
            if nxt not in out:
                out.append(nxt)
    return out


def best_read_on(chosen: list[Unit], units: list[Unit], max_sentences: int) -> list[Unit]:
    """`chosen` with the sentences after its best one while the answer has room (`filled`): what the
    material says next about what matched the question (a figure, a condition, an example)."""
    best = max(chosen, key=lambda u: u.score, default=None)
    if best is None:
        return chosen
    room = max_sentences - len(chosen) + 1
    return [*chosen, *(u for u in filled([best], units, room)[1:] if u not in chosen)]


def reads_on(unit: Unit) -> bool:
    """A sentence between two quoted ones that the quote may take in: not a list line, not a
    fragment such as a heading ("Analys.")."""
    return not unit.is_list and not too_short(unit.text)


def short_intro(unit: Unit) -> bool:
    """A line too short to quote alone that introduces a list ("Den innehöll:")."""
    return unit.group is not None and not unit.is_list and unit.text.rstrip().endswith(":") and too_short(unit.text)


def too_short(text: str) -> bool:
    """A fragment too short to quote alone ("(Polismyndigheten 2021)."); a labelled line
    ("Författare: Lisa Pedersen") is a statement however short."""
    plain = _LINK_RE.sub("", text)
    return len(plain.split()) < MIN_SENTENCE_WORDS and not LABELLED_RE.match(plain)


def coverage_of(terms: list[Term], chosen: list[Unit], weight: Weight) -> float:
    """The weighted share of the question's terms the chosen sentences (or their headings) contain."""
    total = sum(t.weight(weight) for t in terms)
    present = frozenset().union(*(u.stems | u.heading for u in chosen))
    return sum(t.weight(weight) for t in terms if t.found_in(present)) / total if total else 1.0


def introduces(sentence: str) -> bool:
    """A sentence right before a list introduces it when it ends in ":" or runs on into it."""
    end = sentence.rstrip()
    return end.endswith(":") or not end.endswith((".", "!", "?", ")"))


def part_of(section: tuple[str, str]) -> tuple[str, str]:
    """The part of the document a section belongs to: its top heading (with the document)."""
    doc_id, path = section
    return doc_id, path.split(SECTION_SEP)[0]


def in_document_order(chosen: list[Unit]) -> list[Unit]:
    """A digest reads as the document does: by the passage's place in it, then the sentence's."""
    return sorted(chosen, key=lambda u: (u.position, u.rank, u.order))


def in_answer_order(chosen: list[Unit]) -> list[Unit]:
    """Sources in order of their best sentence (the best answer leads), each source's sentences in text order."""
    best: dict[int, float] = {}
    for unit in chosen:
        best[unit.rank] = max(best.get(unit.rank, 0.0), unit.score)
    return sorted(chosen, key=lambda u: (-best[u.rank], u.rank, u.order))


def similar(a: Unit, b: Unit, threshold: float) -> bool:
    if not a.stems or not b.stems:
        return False
    overlap = len(a.stems & b.stems) / min(len(a.stems), len(b.stems))
    return overlap >= threshold


def with_intro(unit: Unit, by_place: dict[tuple[int, int], Unit], chosen: list[Unit]) -> None:
    """A list item quoted alone starts with the line that introduces its list ("Guiden behandlar
    inte:"), which says what the item is an instance of; items of one list share one intro."""
    if unit.group is None or len(unit.lines) != 1 or not unit.is_list:
        return
    intro = by_place.get((unit.rank, unit.group - 1))
    if intro is None or intro.group != unit.group or intro in chosen or intro.is_list:
        return
    if any(c is not unit and c.rank == unit.rank and c.group == unit.group and c.order < unit.order for c in chosen):
        return  # an earlier item of the list is quoted: the intro goes with the first one only
    if intro.lines[0].rstrip().endswith(":"):  # an explicit intro, not a table's caption
        unit.lines.insert(0, intro.lines[0])


def unanswered_dropped(chosen: list[Unit], units: list[Unit]) -> list[Unit]:
    """`chosen` without the material's own questions quoted without their answers: a guide's FAQ
    question ("Ska polisen vara med i samordningen?"), read on into or bridged over, says nothing
    alone (blind readers marked it). A question in a run of questions (the questions a method asks:
    "När sker de …? Vilka drabbas …?") and a list line stay. Nine sets: three answers change, no
    count changes. Nor a table's first row alone ("Uppgift | Vanligen ansvarig | Kommentar")."""
    by_place = {(u.rank, u.order): u for u in units}
    kept = {id(u) for u in chosen}

    def asks(unit: Unit | None) -> bool:
        return unit is not None and not unit.is_list and unit.text.rstrip().endswith("?")

    def alone(unit: Unit) -> bool:
        after, before = by_place.get((unit.rank, unit.order + 1)), by_place.get((unit.rank, unit.order - 1))
        return asks(unit) and after is not None and id(after) not in kept and not asks(after) and not asks(before)

    def bare_head(unit: Unit) -> bool:  # a table's column names quoted without its rows
        return unit.table_head and len(unit.lines) == 1

    return [u for u in chosen if not alone(u) and not bare_head(u)] or chosen


INHERITED_FACTOR = 0.5  # weight of a follow-up's terms from the conversation when picking sentences


def asked_first(weight: Weight, inherited: frozenset[str]) -> Weight:
    """Term weights for picking sentences: a follow-up's terms from the conversation count `INHERITED_FACTOR`
    ("och vad tittade trollhättan på?" after Crime proofing quotes what Trollhättan did, not Crime proofing)."""
    if not inherited:
        return weight
    return lambda term: weight(term) * (INHERITED_FACTOR if term in inherited else 1.0)


def made_room(out: list[Unit], unit: Unit, chosen: list[Unit]) -> bool:
    """Room in a full answer for what `unit` needs to be read (its reason, what it points back at):
    the weakest other chosen sentence below it goes, as a figure takes a weaker sentence's place."""
    weaker = [u for u in out if u is not unit and u in chosen and u.score < unit.score]
    if not weaker:
        return False
    out.remove(min(weaker, key=lambda u: u.score))
    return True
