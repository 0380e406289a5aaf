"""The extractive generator (the default; no language model) and the answer helpers all generators share.

The extractive answer quotes the sentences of the top passages that best answer the question, each followed by
the marker of its passage. Sentences are scored by weighted overlap with the question's content stems (IDF
weights from the corpus when given, else a rarity measure over the passages), boosted by passage rank and by
what the question asks for (numbers and dates for "hur många/när", names for "vilka/vem", reasons for
"varför"); those of other documents than the best one's count less. Of near-duplicates (the summary repeats
the body) the more precise is kept; list items stay together with their intro when a list is asked for. The
chosen sentences are grouped by source, the source with the best sentence first, and keep their original order
within a source. A chosen sentence brings its neighbours where they belong to it: the examples after it, the
reason before a "Därför ...", the sentence a "Dessa ..." refers to, a sentence between two chosen ones, and
the sentences naming what it announces ("ytterligare några hinder"); the cues for all this are in
`assistant.answering.sentence_cues`. A summary or a practical answer is a digest of one part, headed by its
section, an outline a section's sub-sections (`digest`). English: an English lead-in, the Swedish sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace

from assistant.answering import digest, enumerations
from assistant.answering.citations import build_citations, build_sources, check_markers
from assistant.answering.quotes import (
    ENGLISH_LEAD,
    READ_ON,
    SECTION_SEP,
    VOICE,
    Ask,
    Unit,
    Weight,
    asked_first,
    at_home,
    best_read_on,
    cosine_scale,
    coverage_of,
    filled,
    in_answer_order,
    in_document_order,
    lead_in,
    made_room,
    reads_on,
    short_intro,
    similar,
    table_cells,
    table_row,
    too_short,
    unanswered_dropped,
    units_of,
    with_intro,
)
from assistant.answering.sentence_cues import (
    CONTINUES_RE,
    DOCUMENT_DEIXIS_RE,
    DOCUMENT_PART_RE,
    FREQUENCY_RE,
    FULL_DATE_RE,
    REASON_RE,
    REFERS_BACK_RE,
    SUM_ROW_RE,
    advises,
    concludes,
    defines,
    has_number,
    name_count,
    scope_re,
    specificity,
    type_credit,
)
from assistant.index.lexical import index_text
from assistant.language.question import Question
from assistant.language.terms import TermStats, text_stems
from assistant.settings import ExtractiveSettings
from assistant.types import Passage

__all__ = ["ENGLISH_LEAD", "ExtractiveGenerator", "build_citations", "build_sources", "check_markers", "lead_in"]

CONTEXT_FACTOR = 0.85  # a sentence from a neighbouring chunk counts a little less than the passage's own
SECTION_FACTOR = 0.5  # a question term found only in the sentence's section heading counts half
NAMES_FOR_FULL_CREDIT = 3  # a sentence naming this many new names gets the whole "who" bonus
FOOTNOTE_FACTOR = 0.9  # a footnote's sentence (a definition, a source) counts a little less than body text
CONCLUSION_REACH = 2  # sentences before a "Därför ..." that give its reason
BRIDGE_ROOM = 2  # sentences a quote may take in past its room to read on between two of its own (`_bridged`)
LOCAL_WEIGHT = 1.0  # share of a term's rarity among the candidate sentences added to its corpus weight


class ExtractiveGenerator:
    """Answers by quoting the best sentences of the top passages; see the module docstring."""

    name = "extractive"
    instant = True  # the whole answer at once: nothing to gain from showing it piece by piece

    def __init__(
        self, settings: ExtractiveSettings, stats: TermStats | Callable[[], TermStats | None] | None = None
    ) -> None:
        self.settings = settings
        self._stats = stats

    def rewriter(self) -> None:
        """No model to rewrite follow-ups with: the deterministic rule of `conversation` applies."""
        return None

    def stream(self, question: Question, passages: Sequence[Passage]) -> Iterator[str]:
        chosen = self.select(question, passages)
        outline = "outline" in question.kinds
        heading = digest.outline_heading(chosen) if outline else ""
        part = digest.digest_heading(chosen) if question.kinds & {"howto", "overview"} and not outline else ""
        lead = lead_in(question.language, "howto" in question.kinds, heading, part)
        if lead and chosen:
            yield lead
        for i, unit in enumerate(chosen):
            yield self._separator(chosen, i, bool(lead)) + self._render(unit, question.language)

    @staticmethod
    def _separator(chosen: list[Unit], i: int, after_lead: bool) -> str:
        if i == 0:
            return "\n" if after_lead else ""
        return "\n" if chosen[i].is_list or chosen[i - 1].is_list else " "

    def _render(self, unit: Unit, language: str = "sv") -> str:
        marker = f"[{unit.rank + 1}]"
        if unit.header and len(table_cells(unit.lines[-1])) == len(unit.header):  # one row (with its intro)
            return "\n".join([*unit.lines[:-1], table_row(unit)]) + f" {marker}"
        if unit.is_list:
            return "\n".join(unit.lines) + f" {marker}"
        if unit.voice:
            return VOICE.get(language, VOICE["sv"]).format(text=unit.lines[0]) + f" {marker}"
        return f"{unit.lines[0]} {marker}"

    # -- selection --------------------------------------------------------------------------
    def select(self, question: Question, passages: Sequence[Passage]) -> list[Unit]:
        """The units to quote, in answer order (see `in_answer_order`)."""
        s = self.settings
        top = list(passages[: s.max_list_items if "outline" in question.kinds else s.passages])  # every step
        if not top:
            return []
        units = self._candidates(top)
        weight = self._weights(units)
        scale = cosine_scale(units, s.similarity_floor, s.similarity_span, s.cross_lingual_scale, question.language)
        about_document = bool(DOCUMENT_PART_RE.search(question.query))  # "Vad står i kapitel 4?"
        ask = Ask(list(question.terms), set(question.kinds), question.asked_type, question.day, about_document, scale)
        if not ask.about_document:  # "I det här kapitlet följer ...": points at text the reader does not see
            units = [u for u in units if not DOCUMENT_DEIXIS_RE.search(u.text)]
        scoring = asked_first(weight, question.inherited)
        for unit in units:
            unit.score = self._score(unit, ask, scoring, len(top))
        at_home(units, s.other_document_factor)
        if "outline" in ask.kinds and (outlined := digest.outline_units(units, "overview" in ask.kinds)):
            return outlined  # sub-sections with nothing to quote (tables only) are answered as usual
        if "list" in ask.kinds:
            units = self._join_lists(units)
        if ask.kinds & {"howto", "overview"}:
            room = s.digest_sentences + BRIDGE_ROOM  # a digest's own room, not a plain answer's
            chosen = self._continued(self._digest(units, question.names, ask.kinds), units, ask.kinds, room)
            chosen = self._listed(self._bridged(chosen, units, s.digest_sentences), units)
            chosen = digest.labelled_lists(chosen, units, s.max_list_items, "howto" not in ask.kinds)
            chosen = unanswered_dropped(chosen, units)
            return in_document_order(chosen) if coverage_of(ask.terms, chosen, weight) else []
        room = self.settings.max_answer_sentences
        chosen = self._counted(
            enumerations.introduced(self._pick(units), units, ask.type, "list" in ask.kinds, room, s.max_list_items),
            units,
            ask,
        )
        chosen = self._bridged(self._continued(chosen, units, ask.kinds), units, room)
        chosen = self._listed(best_read_on(chosen, units, self.settings.max_answer_sentences), units)
        related = max((self._similarity(u, ask) for u in chosen), default=0.0)
        sums = "total" in ask.kinds and any(SUM_ROW_RE.match(u.lines[-1]) for u in chosen)  # the sum asked for
        if coverage_of(ask.terms, chosen, weight) < s.min_coverage and related < s.similar_alone and not sums:
            return []  # the best sentences share (almost) nothing with the question: no answer
        return in_answer_order(unanswered_dropped(chosen, units))

    def _term_stats(self) -> TermStats | None:
        return self._stats() if callable(self._stats) else self._stats

    def _candidates(self, passages: list[Passage]) -> list[Unit]:
        """All units, each sentence once: kept where it is a passage's own text, else at the best rank."""
        seen: dict[str, Unit] = {}
        for rank, passage in enumerate(passages):
            heading = text_stems(passage.chunk.section.rpartition(SECTION_SEP)[2])
            whole = text_stems(index_text(passage.chunk))
            for unit in units_of(passage, rank):
                unit.stems, unit.heading, unit.passage = text_stems(unit.text), heading, whole
                key = unit.text.strip()
                kept = seen.get(key)
                if kept is None or (unit.own and not kept.own):
                    seen[key] = unit
        return sorted(seen.values(), key=lambda u: (u.rank, u.order))

    def _weights(self, units: list[Unit]) -> Weight:
        """Corpus IDF plus rarity among the candidate sentences: the question's topic words (in every
        retrieved passage) matter less for picking a sentence than the words that single one out."""
        local = TermStats(u.stems for u in units)  # rarity among the candidate sentences
        stats = self._term_stats()
        if stats is not None and stats.n:
            return lambda term: stats.weight(term) + LOCAL_WEIGHT * local.weight(term)
        return local.weight

    def _score(self, unit: Unit, ask: Ask, weight: Weight, n_passages: int) -> float:
        total = sum(t.weight(weight) for t in ask.terms)
        total = total or 1.0  # no terms the material knows (an English question): the cosine alone
        found = sum(t.weight(weight) for t in ask.terms if t.found_in(unit.stems))
        heading = sum(t.weight(weight) for t in ask.terms if not t.found_in(unit.stems) and t.found_in(unit.heading))
        overlap = (found + SECTION_FACTOR * heading) / total
        s = self.settings
        related = self._similarity(unit, ask)
        sums = "total" in ask.kinds and bool(SUM_ROW_RE.match(unit.lines[-1]))  # the table's sum row
        unrelated = not overlap and related < s.similar_alone and not sums
        if unrelated or (not (unit.is_list or sums) and too_short(unit.text)):
            return 0.0  # nothing in common, too short to quote alone, or a bare link ("Läs mer här: <https://...>")
        about = sum(t.weight(weight) for t in ask.terms if t.found_in(unit.passage)) / total
        overlap = (1.0 - s.passage_weight) * overlap + s.passage_weight * about
        score = overlap + s.rank_weight * (1.0 - unit.rank / n_passages) + self._bonus(unit, ask)
        score += s.similarity_weight * related
        score *= FOOTNOTE_FACTOR if unit.footnote else 1.0
        return score if unit.own else score * CONTEXT_FACTOR

    def _similarity(self, unit: Unit, ask: Ask) -> float:
        """The sentence's cosine to the question, scaled to 0..1 over the range where e5 cosines
        separate related from unrelated sentences (`similarity_floor` .. + `similarity_span`, or the
        question's own range: `cosine_scale`)."""
        if unit.similarity is None:
            return 0.0
        floor, span = ask.scale or (self.settings.similarity_floor, self.settings.similarity_span)
        return min(1.0, max(0.0, (unit.similarity - floor) / span))

    def _bonus(self, unit: Unit, ask: Ask) -> float:
        """Credit for containing what the question asks for: numbers, names, a definition, the asked-for type."""
        s = self.settings
        bonus = 0.0
        if ask.day:
            bonus += s.kind_bonus * (bool(FULL_DATE_RE.search(unit.text)) + has_number(unit.text, True))
        elif ask.kinds & {"quantity", "time"} and has_number(unit.text, "time" in ask.kinds):
            bonus += s.kind_bonus
        names = min(1.0, name_count(unit.text, ask.terms) / NAMES_FOR_FULL_CREDIT)
        if "who" in ask.kinds:
            bonus += s.kind_bonus * names
        if ask.type is not None:
            bonus += s.type_bonus * type_credit(unit.text, unit.stems, unit.is_list, ask.type, names)
        if "definition" in ask.kinds and defines(unit.text, ask.terms):
            bonus += s.definition_bonus
        bonus += s.kind_bonus if "howto" in ask.kinds and advises(unit.text) else 0.0  # what to do, what was learnt
        for kind, cue in (("reason", REASON_RE), ("frequency", FREQUENCY_RE), ("total", SUM_ROW_RE)):
            bonus += s.kind_bonus if kind in ask.kinds and cue.search(unit.text) else 0.0
        return bonus

    def _join_lists(self, units: list[Unit]) -> list[Unit]:
        """Merge each list (intro + items) into one unit scored by its best member."""
        out: list[Unit] = []
        for unit in units:
            head = out[-1] if out else None
            if head and unit.group is not None and head.group == unit.group and head.rank == unit.rank:
                items = len(head.lines)
                if items <= self.settings.max_list_items:  # an item may carry its intro (`with_intro`)
                    head.lines.extend(line for line in unit.lines if line not in head.lines)
                head.score = max(head.score, unit.score)
                head.stems = head.stems | unit.stems
                head.similarity = max((c for c in (head.similarity, unit.similarity) if c is not None), default=None)
                continue
            out.append(replace(unit, lines=list(unit.lines)))
        return out

    def _pick(self, units: list[Unit]) -> list[Unit]:
        ranked = sorted((u for u in units if u.score > 0), key=lambda u: (-u.score, u.rank, u.order))
        if not ranked:
            return units[:1]
        floor = ranked[0].score * self.settings.min_relative
        chosen: list[Unit] = []
        for unit in ranked:
            if unit.score < floor:
                break
            twin = next((c for c in chosen if similar(unit, c, self.settings.dedup)), None)
            if twin is None and len(chosen) < self.settings.max_answer_sentences:
                chosen.append(unit)
            elif twin is not None and specificity(unit.text) > specificity(twin.text):
                unit.score = twin.score  # the body's "den 17 mars 2022" for the summary's "i mars 2022"
                chosen[chosen.index(twin)] = unit
        return chosen

    def _digest(self, units: list[Unit], names: tuple[str, ...], kinds: set[str]) -> list[Unit]:
        """For a summary or a practical question: the best sentences of one part of a document (the
        material tells what was done and learnt in one place; see `digest`), with the best sentence of
        all and those after it when it stands in another part ("… ett anbud som är misstänkt billigt?":
        the line on low bids, outweighed by three of the introduction's); a summary of something named:
        the first sentences of its section's paragraphs (a profile, "Vad gjorde Gävle?": of all the
        sub-sections of the section that names it)."""
        ranked = sorted((u for u in units if u.score > 0), key=lambda u: (-u.score, u.rank, u.order))
        if not ranked:
            return []
        practical, profile = "howto" in kinds, (names if "profile" in kinds else ())
        scope = scope_re(self._term_stats())  # with what the documents call themselves
        best = digest.digest_part(ranked, units, names, not practical, practical, scope)
        room = self.settings.digest_sentences
        if not practical and names and (leads := digest.paragraph_leads(best, units, room, profile)):
            return leads
        section = digest.part_section(ranked, best, units, names)
        chosen: list[Unit] = []
        for unit in section:
            if len(chosen) >= self.settings.digest_sentences:
                break
            if not any(similar(unit, c, self.settings.dedup) for c in chosen):
                chosen.append(unit)
        chosen = filled(chosen, units, self.settings.digest_sentences)
        top = [] if any(ranked[0] is c or similar(ranked[0], c, self.settings.dedup) for c in chosen) else [ranked[0]]
        return [*(u for u in filled(top, units, 1 + READ_ON) if u not in chosen), *chosen]  # the part's answer whole

    def _listed(self, chosen: list[Unit], units: list[Unit]) -> list[Unit]:
        """A chosen sentence that introduces a list ("Ett typiskt upplägg ... kan se ut så här:")
        comes with its list, which then replaces the list's items quoted on their own; so does one
        followed by a short intro of a list ("Falun tog fram en avsiktsförklaring … . Den innehöll:"
        and its items; nine sets +1, nothing else changes), also when some of its items were chosen
        on their own (two of eight; fifteen sets +1)."""
        by_place = {(u.rank, u.order): u for u in units}
        intros = [u for u in chosen if u.group is not None and not u.is_list and u.text.rstrip().endswith(":")]
        tails = {id(u): nxt for u in chosen if (nxt := by_place.get((u.rank, u.order + 1))) and short_intro(nxt)}
        if not intros and not tails:
            return chosen
        lists = {(u.rank, u.group): u for u in self._join_lists(units) if u.group is not None and u.is_list}
        wholes = {(u.rank, u.group) for u in intros} | {(u.rank, t.group) for u in chosen if (t := tails.get(id(u)))}
        out: list[Unit] = []
        for unit in chosen:
            whole = lists.get((unit.rank, unit.group)) if unit in intros else None
            if whole is None and (unit.group is None or (unit.rank, unit.group) not in wholes):
                out.append(unit)  # an item of a list quoted whole is not quoted again on its own
            tail = tails.get(id(unit))
            if tail is not None:
                whole = whole or lists.get((unit.rank, tail.group))
            if whole is not None and whole not in out:
                whole.score = unit.score
                out.append(whole)
        return out

    def _counted(self, chosen: list[Unit], units: list[Unit], ask: Ask) -> list[Unit]:
        """For a figure asked for: when the best sentence names no number, the next sentence of its
        passage that does ("I Göteborg genomfördes en heldag ... . Under dagen deltog cirka femtio
        personer."): the figure is often told right after what it counts."""
        best = max(chosen, key=lambda u: u.score, default=None)
        if best is None or "quantity" not in ask.kinds or has_number(best.text, "time" in ask.kinds):
            return chosen
        by_place = {(u.rank, u.order): u for u in units}
        nxt = by_place.get((best.rank, best.order + 1))
        if nxt is None or nxt in chosen or nxt.is_list or not has_number(nxt.text, "time" in ask.kinds):
            return chosen
        out = list(chosen)
        if len(out) >= self.settings.max_answer_sentences:
            others = [u for u in out if u is not best]
            if not others:
                return chosen
            out.remove(min(others, key=lambda u: u.score))  # the figure before a weaker sentence elsewhere
        return [*out, nxt]

    def _bridged(self, chosen: list[Unit], units: list[Unit], room: int) -> list[Unit]:
        """The one sentence between two chosen sentences of a passage, so that the quote reads on ("...
        inte möjliggjorde en uppföljning. I Södertälje ... en liten arbetsgrupp ... . Eftersom CRM avser
        att mäta ..."), up to `BRIDGE_ROOM` past the answer's `room`. The sentence the question shares
        no word with is often the one that says what was done ("Aktiviteterna inkluderade
        utbildningsinsatser, samt … checklistor ..." between Linköping's aim and its walkshop); in a
        digest too. Nine sets against within the room, no digest: two past it, plain answers only, +5;
        with digests one past +6, two +10, three +10; nothing lost; median length 767 -> 795 chars."""
        by_place = {(u.rank, u.order): u for u in units}
        places = {(u.rank, u.order) for u in chosen}
        out = list(chosen)
        for rank, order in sorted(places):
            gap = by_place.get((rank, order + 1))
            if (rank, order + 2) in places and gap is not None and gap not in out and reads_on(gap):
                if len(out) >= room + BRIDGE_ROOM:
                    break
                out.append(gap)
        return out

    def _continued(
        self, chosen: list[Unit], units: list[Unit], kinds: Collection[str] = (), room: int | None = None
    ) -> list[Unit]:
        """Each chosen sentence with the next one of its passage when that one points back at it
        ("... vissa andra brottstyper ... . Exempel på sådana brottstyper är ..."), and with the one
        before it when it concludes from it ("... större behov av stöd ... . Därför har det varit
        prioriterat ..."): the answer is often in the sentence next to the one that matched. Within
        `room`: a digest's own (its "Dessa två kommuner …" had come alone; nine sets +1, nothing lost)."""
        room = self.settings.max_answer_sentences if room is None else room
        by_place = {(u.rank, u.order): u for u in units}
        out = list(chosen)
        for unit in chosen:
            with_intro(unit, by_place, out)
            nxt = by_place.get((unit.rank, unit.order + 1))
            linked = [nxt] if nxt is not None and CONTINUES_RE.match(nxt.text) else []
            if concludes(unit.text, "reason" in kinds):
                linked += [by_place.get((unit.rank, unit.order - i)) for i in range(CONCLUSION_REACH, 0, -1)]
            elif REFERS_BACK_RE.match(unit.text):
                linked.append(by_place.get((unit.rank, unit.order - 1)))
            for other in linked:
                if other is None or other in out:
                    continue
                if len(out) >= room and not made_room(out, unit, chosen):
                    return out
                out.append(other)
        return out
