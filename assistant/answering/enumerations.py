"""Enumerations told in prose: "I guiden beskriver vi förloppet i fyra faser." and then, paragraph
by paragraph, "Den första fasen kallar vi kontaktfasen. …", "Den andra fasen är prövningsfasen. …",
"I bindningsfasen förändras relationen. …". A list question answered by the announcing sentence
needs the sentences that name the items, not the explanations between them: those with an ordinal
("Den tredje var …") or a compound of the announced noun ("bindningsfasen"). The counts and the
ordinals are Swedish and English grammar words (`data/words.yaml`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answering.quotes import Unit
from assistant.answering.sentence_cues import CONTINUES_RE, ENUMERATION_RE, quantified_mention
from assistant.language.terms import Term
from assistant.language.text import stem
from assistant.language.words import load_words

_WORDS = load_words()
_COUNT = "|".join(sorted(_WORDS.counts))
# "i fyra faser", "sju lärdomar", "fyra gemensamma byggstenar": a count, an adjective or not, the noun
# ("i alla tre kommunerna fanns fyra …": "-na" is a definite noun, not an adjective)
ANNOUNCED_RE = re.compile(rf"\b(?:{_COUNT}|[2-9])\s+(?:[^\W\d_]+[^\Wn\d_]a\s+)?([^\W\d_]{{3,}})", re.IGNORECASE)
ORDINAL_RE = re.compile(
    rf"\b(?:den|det|för\s+det|the)\s+(?:{'|'.join(sorted(_WORDS.ordinals))})\b|^(?:first|second|third|finally)\b",
    re.IGNORECASE,
)
REACH = 20  # sentences after the announcing one that may name its items
INTRO_REACH = 2  # sentences after one that announces instances ("tre sätt") that name them


def announced(text: str) -> str | None:
    """The stem of the noun a sentence announces a number of ("faser": fas), or None."""
    found = [m for m in ANNOUNCED_RE.finditer(text) if not m.group(1).lower().endswith("na")]  # "de tre kommunerna"
    if not found or ENUMERATION_RE.search(text[found[-1].end() :]):
        return None  # "Fem kommuner valdes ut: Linköping, …": it names them itself
    return stem(found[-1].group(1).lower())


def names_item(text: str, noun: str) -> bool:
    """Whether a sentence names an item: by an ordinal, or by a compound of the announced noun."""
    if ORDINAL_RE.search(text):
        return True
    compounds = (stem(word) for word in re.findall(r"[^\W\d_]+", text.lower()) if len(word) > len(noun) + 2)
    return len(noun) >= 3 and any(root != noun and root.endswith(noun) for root in compounds)


def introduced(
    chosen: list[Unit], units: list[Unit], asked: Term | None, listing: bool, room: int, most: int
) -> list[Unit]:
    """`chosen` with what its sentences announce, within `room` sentences: for a list question the
    items a chosen sentence announces a number of, up to `most` (`enumerated`); else what the best
    sentence announces without naming it (`followers`)."""
    return (enumerated(chosen, units, room, most) if listing else None) or followers(chosen, units, asked, room)


def enumerated(chosen: list[Unit], units: list[Unit], room: int, most: int) -> list[Unit] | None:
    """The best chosen sentence that announces a number of things ("sju lärdomar"), the sentences
    naming them (`items_after`), all of them up to `most` as a list is quoted whole ("Den sjätte är
    …", "Den sjunde är …" too, not the five the answer's room had: nine sets +1), then the rest by
    score within `room`; None when none announces."""
    for announcing in sorted(chosen, key=lambda u: -u.score):
        if items := items_after(announcing, units):
            rest = sorted((u for u in chosen if u is not announcing and u not in items), key=lambda u: -u.score)
            return [announcing, *items[:most], *rest[: max(0, room - 1 - len(items))]]
    return None


def followers(chosen: list[Unit], units: list[Unit], asked: Term | None, room: int) -> list[Unit]:
    """With a best sentence that announces what a "which ..." question asks for without naming it
    ("... stötte projektet på ytterligare några hinder", "... följts upp på tre sätt"), the sentences
    after it in its passage, which name them; they take the place of the weakest sentences from
    other passages when the answer is full."""
    best = max(chosen, key=lambda u: u.score, default=None)
    if asked is None or best is None or not quantified_mention(best.text, asked, counted=True):
        return chosen
    by_place = {(u.rank, u.order): u for u in units}
    out = list(chosen)
    for step in range(1, INTRO_REACH + 1):
        follower = by_place.get((best.rank, best.order + step))
        if follower is None or follower in out:
            continue
        if len(out) >= room:
            others = [u for u in out if u.rank != best.rank]
            if not others:
                break
            out.remove(min(others, key=lambda u: u.score))
        out.append(follower)
        if CONTINUES_RE.match(follower.text) or ENUMERATION_RE.search(follower.text):
            break  # it names them ("Exempel på sådana är ...")
    return out


def items_after(best: Unit, units: Sequence[Unit]) -> list[Unit]:
    """The sentences after `best` in its passage and the next that name the items it announces (an
    enumeration may run on into the next chunk); [] when it announces nothing or names fewer than two."""
    noun = announced(best.text)
    if noun is None:
        return []
    place = (best.position, best.order)
    near = (u for u in units if u.section[0] == best.section[0] and u.position <= place[0] + 1)
    after = sorted((u for u in near if place < (u.position, u.order)), key=lambda u: (u.position, u.order))
    found = [u for u in after[:REACH] if not u.is_list and names_item(u.text, noun)]
    return found if len(found) >= 2 else []
