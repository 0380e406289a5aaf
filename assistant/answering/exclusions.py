"""What the material itself says it leaves out, and whether a question asks about that.

A guide's scope statement ("Guiden behandlar inte:" and its list, "Vi redovisar inte heller vad
... kostar") names topics the material does not cover. A question is about one of them when one of
those statements is among the sentences nearest the question in meaning (the sentence index) while
no other sentence of the top passages carries its words well: the material's closest word on the
question is that it does not cover it ("Hur ska vi bedöma risken för att en enskild ungdom
rekryteras?" - "Guiden behandlar inte: ... riskbedömningar av enskilda individer"). A question that
the material answers elsewhere has a sentence that covers it ("stå som ansvarig för åtgärder").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answering.sentence_cues import NEGATED_RE, SELF_NAMES, scope_statement_re
from assistant.index.lexical import index_text
from assistant.language.question import Question
from assistant.language.sentences import is_list_line, passage_sentences
from assistant.language.terms import text_stems
from assistant.types import Passage, sentence_key

LIST_MARK_RE = re.compile(r"^\s*(?:[-*•]|\(?\d+[.)])\s+")
# A sentence that goes on from a scope statement, or speaks under a scope heading, with a pronoun for the
# material ("Den redogör alltså inte …", "Den tar inte upp …").
PRONOUN_RE = re.compile(r"^\W*(?:den|det)\b", re.IGNORECASE)
_EMPHASIS_RE = re.compile(r"[*_]{1,2}(\w[^*_]*?)[*_]{1,2}")  # "**inte**" is quoted "inte"
NEAREST = 3  # a scope statement among this many sentences nearest the question in meaning ...
MIN_KEY = 20  # characters of the shorter of two sentence keys compared by containment
COVERED = 0.45  # ... and no other sentence holding this weighted share of the question's terms


def passage_text(passage: Passage, heading: bool = True) -> str:
    """A passage's text with its neighbours (`context`), after its section path unless `heading` is False."""
    return f"{index_text(passage.chunk) if heading else passage.chunk.text}\n{passage.context or ''}"


def excluded_units(text: str, learnt: frozenset[str] = frozenset()) -> dict[str, str]:
    """A passage's scope statements and the list lines one introduces, by sentence key, each as it
    reads quoted (a list line after its intro: "Guiden behandlar inte: riskbedömningar av ..."), with
    the `learnt` names of the documents for themselves ("vägledningen") besides the general ones."""
    scope, names = scope_statement_re(learnt), SELF_NAMES | learnt
    out: dict[str, str] = {}
    intro = subject = last = ""
    heading, _, body = text.partition("\n")
    titled = bool(body) and bool(scope.search(heading))  # under "Det här tar guiden inte upp"
    for sentence in passage_sentences(text):
        if is_list_line(sentence):
            item = LIST_MARK_RE.sub("", sentence).rstrip(",;.")
            if intro:
                out[sentence_key(sentence)] = _plain(f"{intro} {item}.")
            elif subject and scope.search(f"{subject} {item}"):  # "Guiden" / "- ger **inte** …"
                out[sentence_key(sentence)] = _plain(f"{subject} {item}.")
            elif scope.search(item) or (titled and NEGATED_RE.search(item)):  # the line states it itself
                out[sentence_key(sentence)] = _plain(f"{item}.")
            continue
        pronoun = bool(last or titled) and PRONOUN_RE.match(sentence) is not None
        carried = pronoun and bool(scope.search(PRONOUN_RE.sub("Guiden", sentence, count=1)))
        # under a scope heading a negated sentence states scope ("Färdtjänst och skolskjuts ingår inte.")
        stated = carried or bool(scope.search(sentence)) or (titled and NEGATED_RE.search(sentence) is not None)
        intro = sentence.strip() if (stated or titled) and sentence.rstrip().endswith(":") else ""
        # only the material's name for itself, its list going on with what it does not do ("Guiden" /
        # "- ger **inte** juridisk rådgivning …"): the list's lines are its scope statements
        subject = sentence.strip() if re.sub(r"\W", "", sentence).lower() in names else ""
        if stated:  # "Guiden ger inga juridiska råd. Den redogör alltså inte för …": quoted with the one before
            out[sentence_key(sentence)] = _plain(f"{last} {sentence.strip()}" if carried and last else sentence.strip())
        last = (last if carried else sentence.strip()) if stated else ""  # "Den … inte heller …" goes on
    return out


def left_out(
    question: Question,
    passages: Sequence[Passage],
    weight: Callable[[str], float],
    learnt: frozenset[str] = frozenset(),
) -> str:
    """The material's own statement that it leaves out what the question asks about, followed by
    the marker of its passage ("Guiden behandlar inte: ... [2]"); "" when the question is not
    about such a topic (see the module)."""
    if NEGATED_RE.search(question.query) or not question.terms:
        return ""
    texts = [passage_text(p) for p in passages]
    units = [excluded_units(t, learnt) for t in texts]
    excluded = {key for found in units for key in found}
    scores = sorted(((c, k, i) for i, p in enumerate(passages) for k, c in p.sentence_scores.items()), reverse=True)
    nearest = next(((k, i) for _, k, i in scores[:NEAREST] if _among(k, excluded)), None)
    if nearest is None:
        return ""
    total = sum(t.weight(weight) for t in question.terms)
    others = [s for t in texts for s in passage_sentences(t) if not _among(sentence_key(s), excluded)]
    best = max((_share(question, s, weight) for s in others), default=0.0)
    if not total or best / total >= COVERED:
        return ""
    key, rank = nearest
    quoted = next((text for unit, text in units[rank].items() if _among(key, {unit})), key)
    return f"{quoted} [{rank + 1}]"


def excluded_quote(unit: str, passage: Passage, learnt: frozenset[str] = frozenset()) -> str:
    """The scope statement `unit` (an answer's quoted sentence) is in `passage`, as it reads quoted
    with its intro ("Den behandlar inte: klotter … i kollektivtrafiken."); "" when it is none."""
    key = sentence_key(unit)
    units = excluded_units(passage_text(passage), learnt)
    return next((text for found, text in units.items() if _among(key, {found})), "")


def _plain(text: str) -> str:
    return _EMPHASIS_RE.sub(r"\1", text)


def _among(key: str, excluded: set[str]) -> bool:
    """Whether a sentence is one of the units (a heading may run into a key: one holds the other)."""
    if key in excluded:
        return True
    return any(min(len(key), len(unit)) >= MIN_KEY and (key in unit or unit in key) for unit in excluded)


def _share(question: Question, sentence: str, weight: Callable[[str], float]) -> float:
    present = text_stems(sentence)
    return sum(t.weight(weight) for t in question.terms if t.found_in(present))
