"""Follow-up questions: turn "Vilka kommuner startade det?" into a query retrieval can answer.

With a rewriter (a language model behind a callable) the rewriting is left to it. Without
one the rule is deterministic: a question that looks like a follow-up (a pronoun pointing
back, "det/den/de/dem/där", "it/they/that"; very short; or no topic word of its own) gets
the key terms of the most recent earlier question appended — content words, names and
acronyms — so history ["Vad är SSPF?"] + "Vilka kommuner startade det?" searches for
"Vilka kommuner startade det? SSPF".

A conversation is a list of messages (``Message``: role "user" or "assistant"); earlier
questions given as plain strings are user messages (``as_messages``). The records and the
router read the earlier questions; retrieval reads the last question first and the lead of the
last answer when that question gives no terms ("Vad innebar den?" after "Berätta om metoden." -
"Crime proofing testades i fyra kommuner." is about Crime proofing).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

from pydantic import ValidationError

from assistant.errors import InputError
from assistant.language.terms import QUESTION_FILLER, topic_words
from assistant.language.text import SWEDISH_STOPWORDS, normalize, split_sentences, stem, words
from assistant.language.words import load_words
from assistant.protocols import Rewriter
from assistant.settings import ConversationSettings
from assistant.types import Message

log = logging.getLogger(__name__)

# Pronouns that always point back ("vad hände där?", "what did they do?").
STRONG_ANAPHORA = load_words().strong_anaphora  # data/words.yaml
# Words that point back only when they stand alone: "startade det?" but not "det övergripande målet".
WEAK_ANAPHORA = load_words().weak_anaphora
AUXILIARIES = load_words().auxiliaries
# Openings that carry on the conversation: "Och ...?", "Men ...?", "And ...?".
CONTINUATIONS = frozenset(["och", "men", "samt", "and", "but"])
SHORT_QUESTION_WORDS = 3  # "Och i Sigtuna?" / "Varför?" are follow-ups whatever they contain
# Own topic words past `followup_max_terms` that a question with a pronoun that always points back may
# have and still lean on the earlier one ("Vad gjorde teamet konkret för honom, och hur gick det sen?":
# five; a weak one, "den", may be 1 past: "När ska den nya styrmodellen …" asks on its own). A question
# that opens by carrying on ("Och …", "Men …") and points back is a follow-up however many it has. Nine
# sets (gold, dev guide, seven fresh), against 1 past for all and the count for "Och …" too: the
# opening +3 (p22-40, p24-18, g23-38), 3 past for strong pronouns +1 (g24-39); nothing else changes.
POINTING_TERMS = 3
_TOKEN_RE = re.compile(r"[^\W_]+(?:[-:][^\W_]+)*")


ANSWER_LEAD_WORDS = 40  # of the last answer, what retrieval reads back
_MARKERS_RE = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")


def as_messages(history: Iterable[object] | None) -> list[Message]:
    """The conversation as messages: a string is an earlier question, a mapping has "role"
    ("user" or "assistant") and "content". Anything else is an `InputError` naming the entry."""
    out: list[Message] = []
    for number, item in enumerate(history or (), start=1):
        if isinstance(item, Message):
            out.append(item)
        elif isinstance(item, str):
            out.append(Message(role="user", content=item))
        elif isinstance(item, Mapping):
            try:
                out.append(Message.model_validate(dict(item)))
            except ValidationError as exc:
                raise InputError(_bad_message(number, exc)) from exc
        else:
            raise InputError(
                f"historik, post {number}: en tidigare fråga (text) eller ett meddelande med "
                f"”role” och ”content” väntades, inte {type(item).__name__}"
            )
    return [m for m in out if m.content.strip()]


def _bad_message(number: int, exc: ValidationError) -> str:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "meddelandet"
    if err["type"] == "missing":
        why = "saknas"
    elif err["type"] == "extra_forbidden":
        why = "är inget fält i ett meddelande (bara ”role” och ”content”)"
    elif field == "role":
        why = f"ska vara ”user” eller ”assistant”, inte {err.get('input')!r}"
    else:
        why = "ska vara text"
    return f"historik, post {number}: ”{field}” {why}"


def questions_of(messages: Sequence[Message]) -> list[str]:
    """The earlier questions (what the router and the records read)."""
    return [m.content for m in messages if m.role == "user"]


def retrieval_history(messages: Sequence[Message]) -> list[str]:
    """The earlier questions, with the lead of the last answer just before the last question when the
    conversation ends with an answer: a follow-up reads the last question first ("Och vad valde
    Sigtuna att granska?" after "Vilka kommuner testade Crime proofing?" is about Crime proofing, not
    about the answer's "Fyra kommuner deltog: ..."), and the answer when the question gives nothing.
    Measured with the whole conversation given on seven sets: follow-ups 20 -> 24 of 32 right (the
    answer first: 20; merged into the question: 23)."""
    questions = questions_of(messages)
    if not messages or messages[-1].role != "assistant":
        return questions
    lead = answer_lead(messages[-1].content)
    if not lead:
        return questions
    return [*questions[:-1], lead, *questions[-1:]]


def answer_lead(text: str) -> str:
    """The first sentence of an answer, without markers or table, at most ANSWER_LEAD_WORDS words."""
    first_line = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("|")), "")
    sentences = split_sentences(_MARKERS_RE.sub("", first_line))
    return " ".join(" ".join(sentences[:1]).split()[:ANSWER_LEAD_WORDS])


def _default(name: str) -> int:
    return int(ConversationSettings.model_fields[name].default)


def _points_back(tokens: list[str]) -> bool:
    for i, token in enumerate(tokens):
        if token in STRONG_ANAPHORA:
            return True
        if token in WEAK_ANAPHORA:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or nxt in SWEDISH_STOPWORDS:
                return True
            if i > 0 and tokens[i - 1] in AUXILIARIES:  # "när ska den börja", "hur gick det": the subject
                return True
    return False


# A weak pronoun right before a noun in its definite form is a demonstrative ("det mötet", "de
# kommunerna": that meeting, those municipalities; the article alone would stand before an adjective:
# "det övergripande målet"), as is one before "där" or "här" ("de där avstämningarna"; data/words.yaml).
_DEFINITE_RE = re.compile(r"[^\W\d_]{2,}(?:en|et|na)")
PLACE_ADVERBS = load_words().place_adverbs
_NOT_DEFINITE = tuple(sorted(load_words().adverb_endings))  # adverbs: "egentligen", "överhuvudtaget"


def _demonstrative(tokens: list[str]) -> bool:
    for word, following in pairwise(tokens):
        if word not in WEAK_ANAPHORA:
            continue
        if following in PLACE_ADVERBS:
            return True
        definite = _DEFINITE_RE.fullmatch(following) is not None and not following.endswith(_NOT_DEFINITE)
        if definite and following not in SWEDISH_STOPWORDS:
            return True
    return False


def is_follow_up(question: str, max_terms: int | None = None) -> bool:
    """Whether a question leans on an earlier one (pronoun, very short, or no topic word)."""
    max_terms = _default("followup_max_terms") if max_terms is None else max_terms
    tokens = words(question)
    own = topic_words(question)
    if not own:
        return True
    if len(tokens) <= SHORT_QUESTION_WORDS and len(own) <= 1:
        return True
    back = _points_back(tokens)
    opening = next((t for t in tokens if t not in QUESTION_FILLER), "")  # "ok, och …": "och"
    if opening in CONTINUATIONS:  # "Och när anställdes koordinatorn?"
        return back or len(own) <= max_terms + 1  # "Och hur gick det med hot och våld mot förarna där?"
    if _demonstrative(tokens):  # "Hur ofta hålls det mötet och vad tar de upp?": that meeting
        return True
    if any(token in STRONG_ANAPHORA for token in tokens):  # "… för honom, och hur gick det sen?"
        return len(own) <= max_terms + POINTING_TERMS
    return back and len(own) <= max_terms + 1  # "När ska den nya styrmodellen …" is a question of its own


def key_terms(text: str) -> list[str]:
    """Content words, names and acronyms of a question, original casing, in order, without repeats."""
    out: dict[str, str] = {}
    for token in _TOKEN_RE.findall(normalize(text)):
        lowered = token.lower()
        if lowered in SWEDISH_STOPWORDS or lowered in QUESTION_FILLER or lowered in STRONG_ANAPHORA:
            continue
        if len(token) > 1 or token.isdigit():
            out.setdefault(lowered, token)
    return list(out.values())


def resolve(
    question: str,
    history: Sequence[str],
    rewriter: Rewriter | None = None,
    settings: ConversationSettings | None = None,
) -> str:
    """The query to retrieve with: `question` itself, or it completed from `history` (oldest first)."""
    history = [h for h in history if h and h.strip()]
    if not history:
        return question
    max_terms = settings.followup_max_terms if settings else _default("followup_max_terms")
    turns = settings.history_turns if settings else _default("history_turns")
    if not is_follow_up(question, max_terms):
        return question  # a question of its own: no rewriting (a model call costs seconds)
    if rewriter is not None:
        rewritten = _rewrite(rewriter, question, history)
        if rewritten:
            return rewritten
    last = resolve(history[-1], history[:-1][-turns:], None, settings)  # read once, used twice below
    if swapped := _with_name(question, last):
        return swapped
    own = {stem(w) for w in words(question)}
    for depth in range(1, min(turns, len(history)) + 1):
        earlier = last if depth == 1 else resolve(history[-depth], history[:-depth][-turns:], None, settings)
        extra = [t for t in key_terms(earlier) if stem(t.lower()) not in own]
        if extra:
            return f"{question.rstrip()} {' '.join(extra)}"
    return question


_NAME_WORD = r"[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖa-zåäöéü][a-zåäöéü]+)*"
_NAME_RUN_RE = re.compile(rf"(?<![\w-])(?:([^\W\d_]+)\s+)?({_NAME_WORD}(?:\s+{_NAME_WORD})*)(?![\w-])")


def _name_runs(text: str) -> list[tuple[str, str, int, int]]:
    """The names of a question (runs of capitalised words, not the first word, not an acronym),
    each with the word before it ("i"), and where the run stands."""
    first = re.match(r"\W*[\w-]+", text)
    found = _NAME_RUN_RE.finditer(text, first.end() if first else 0)
    return [((m.group(1) or "").lower(), m.group(2), m.start(2), m.end(2)) for m in found]


def _with_name(question: str, earlier: str) -> str:
    """ "Och i Göteborg då?" after "Hur många var med på extremismkonferensen i Linköping?": the
    earlier question about the new name ("… extremismkonferensen i Göteborg?"), so that what it asks
    for (a number) carries over. Only when the follow-up says nothing but the name; the name
    replaced is the one after the same word ("i"), else the earlier question's first. "" otherwise."""
    new = _name_runs(normalize(question))
    if len(new) != 1 or set(topic_words(question)) != set(words(new[0][1])):
        return ""
    earlier = normalize(earlier)
    old = _name_runs(earlier)
    before, name = new[0][0], new[0][1]
    same = [r for r in old if before and r[0] == before] or (old[:1] if old else [])
    if not same:
        return ""
    _, _, begin, end = same[0]
    return earlier[:begin] + name + earlier[end:]


def _rewrite(rewriter: Rewriter, question: str, history: list[str]) -> str:
    try:
        return (rewriter(question, history) or "").strip()
    except Exception as exc:
        log.warning("follow-up rewriter failed (%s); using the deterministic rule", exc)
        return ""
