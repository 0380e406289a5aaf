"""What a question demands of its evidence, beyond sharing its words.

Some questions are about the material's topics but ask for something it may not hold: an
amount of money ("Hur mycket pengar fick ...?"), a judgement between two things ("Är X
bättre än Y?"). Passages on the
topic score well on similarity and term coverage, so the refusal check also asks whether the
top passages hold that kind of evidence at all: an amount with a currency, or a sentence that
compares. The router uses `is_comparison` too: a comparison is never a records lookup.

After generating, `vague_answer` catches the answer that names none of what a "which ..."
question asks for ("Vilka nya kommuner ...?" - "... inleds arbetet med ett antal nya kommuner").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from assistant.answering.sentence_cues import quantified_mention
from assistant.language.sentences import TABLE_ROW_SEP
from assistant.language.terms import answer_types
from assistant.language.text import SWEDISH_STOPWORDS, normalize, split_sentences, stem, words
from assistant.language.words import load_words

_MONEY_QUESTION = re.compile(
    r"\b(hur\s+mycket\s+(?:pengar|medel|kostade|kostar|kostat|betalade|betalar)|hur\s+många\s+kronor|kostade|kostat|kostnad\w*|"
    r"budget\w*|belopp\w*|lön|löner|lönen|lönerna|arvode\w*|salary|salaries|cost|costs|costed|"
    r"how\s+much\s+(?:money|funding|did\s+\w+\s+cost|does\s+\w+\s+cost))\b"
)
_AMOUNT = re.compile(
    r"\d[\d\s.,]*\s*(?:kr\b|kronor|sek\b|mnkr|tkr|miljon\w*|miljard\w*|euro|€|\$)"
    r"|\b(?:en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|hundra|tusen)\s+(?:miljon\w*|miljard\w*|tusen)\s+kronor\b",
    re.IGNORECASE,
)
_CLAUSE_RE = re.compile(r",|;|\?|\boch\b|\band\b")
_WHO_RE = re.compile(r"(?:vem|vilka|who|whom)\b")  # a clause opened by "vem"/"vilka" asks for a person or body
# "Vad heter kommunpolisen …?", "What is the name of the coordinator …?": a name is asked for.
_NAME_QUESTION = re.compile(r"\b(?:vad\s+(?:heter|hette)|what\s+(?:is|was)\s+the\s+name\s+of)\b", re.IGNORECASE)
# Where the noun phrase after "vad heter" ends: its last word names what is asked for.
_PHRASE_END = frozenset({"som", "i", "på", "vid", "för", "från", "med", "under", "hos", "that", "who", "in", "at"})
# A pronoun after the noun starts a clause about it ("föräldragruppen dom körde", "gruppen vi startade").
_CLAUSE_SUBJECT = load_words().weak_anaphora | load_words().asker
_POINTING = load_words().weak_anaphora | load_words().strong_anaphora  # "Vad heter de/hon/den?"
_NAMED = ("namn", "kallad", "kallas")  # "under namnet Kalmarlöftet", "kallad Nattavtalet"
NAME_REACH = 3  # words between the role and a name that names it
_AGE_QUESTION = re.compile(r"\b(hur\s+gammal|hur\s+gamla|ålder|åldern|how\s+old|age\s+of)\b")
_AGE = re.compile(
    r"\b\d{1,3}\s*år(?:\s+gammal|\s+gamla|s\s+ålder)\b|\bålder(?:n)?\s+\d{1,3}\b"
    r"|\w*ålder\w*\s+(?:var|är|låg\s+på|blev)\s+(?:cirka\s+)?\d{1,3}(?:,\d)?\s*år\b|\b\d{1,3}-åring\w*",
    re.IGNORECASE,
)  # "45 år gammal", "åldern 15", "medelåldern var 16,4 år", "15-åringar"
_COMPARISON_QUESTION = re.compile(
    r"\b(bättre|sämre|effektivare|mer\s+effektiv\w*|mindre\s+effektiv\w*|framgångsrikare|"
    r"better|worse|more\s+effective|less\s+effective|more\s+successful)\b.*\b(än|than)\b"
)
_COMPARISON_EVIDENCE = re.compile(
    r"\b(bättre|sämre|effektivare|mer\s+effektiv\w*|mindre\s+effektiv\w*|framgångsrikare|jämfört\s+med|"
    r"i\s+jämförelse|jämförelse\s+mellan|better|worse|compared)\b",
    re.IGNORECASE,
)


_PRICED_HEADER = re.compile(r"\b(?:kr|kronor|sek|tkr|mnkr|ksek)\b", re.IGNORECASE)
_NUMBER_CELL = re.compile(r"^[\W_]*\d[\d\s.,]*[\W_]*$")


def priced(text: str) -> str:
    """`text` with the figures of a table whose header names the currency ("Kostnad (kr)") read as
    amounts ("**444 400**" -> "444 400 kr"): a budget table says "kr" once, in its header. A year
    in such a table (a column "År") is then read as an amount too; the veto only asks whether one
    figure about the topic is there."""
    out: list[str] = []
    header: str | None = None
    for line in text.splitlines():
        if TABLE_ROW_SEP not in line:
            header = None
        elif header is None:
            header = line
        elif _PRICED_HEADER.search(header):
            cells = line.split("|")
            line = "|".join(f" {c.strip(' *')} kr " if _NUMBER_CELL.match(c.strip()) else c for c in cells)
        out.append(line)
    return "\n".join(out)


def is_comparison(question: str) -> bool:
    """Whether the question asks to compare ("Är X bättre än Y?", "Was X more effective than Y?")."""
    return bool(_COMPARISON_QUESTION.search(normalize(question).lower()))


def unmet_demand(
    question: str,
    evidence: Iterable[str],
    names: Sequence[str] = (),
    topical: Callable[[str], bool] | None = None,
    measures: bool = True,
) -> str:
    """The kind of evidence the question needs and `evidence` lacks ("amount", "age", "comparison"),
    "" otherwise.

    The evidence must be one sentence of the kind (an amount with a currency, also a figure of a
    table whose header names the currency (`priced`), an age, a sentence
    that compares) in a passage that names what the question names (`names`: its names and
    acronyms, e.g. "Trollhättan", "CVE"; an amount all of them, a comparison two), and the sentence
    must be about the question's topic (`topical`, e.g. sharing one of its rarer terms): Brå's own
    budget does not say what a municipality got, and a budget of an action plan does not say what
    a survey costs. With `measures` False (the question asks why or how: "Varför ... med tanke
    på budgetprocessen?") an amount or an age is not what it asks for.
    """
    lowered = normalize(question).lower()
    passages = [priced(p) for p in evidence]
    about = topical or (lambda _sentence: True)
    if measures and asks_amount(lowered) and not _any_about(passages, _AMOUNT, names, len(names), about):
        return "amount"
    if measures and _AGE_QUESTION.search(lowered) and not _any_about(passages, _AGE, names, len(names), about):
        return "age"
    sentences = [s for passage in passages for s in split_sentences(passage)]  # a comparison names both in one
    if is_comparison(question) and not _any_about(sentences, _COMPARISON_EVIDENCE, names, 2, about):
        return "comparison"
    role = _named_role(question)
    asked = {w.lower() for w in words(question)}
    if role and not any(_names_near(s, role, asked) for s in _naming(passages, names)):
        return "name"
    return ""


def _named_role(question: str) -> list[str]:
    """What a "what is X called" question asks the name of ("Vad heter kommunpolisen som …?":
    kommunpolis), as stems; [] for other questions."""
    match = _NAME_QUESTION.search(normalize(question))
    if not match:
        return []
    phrase: list[str] = []
    after = words(question[match.end() :].lower())
    if after and after[0] in _POINTING and (len(after) == 1 or after[1] in SWEDISH_STOPWORDS):
        return []  # "Vad heter de och vad gör de?": what was named before, any name ("den nya samordnaren": not)
    for word in after:
        if word in _PHRASE_END or (phrase and word in _CLAUSE_SUBJECT):
            break
        phrase.append(word)
    head = [w for w in phrase if w not in SWEDISH_STOPWORDS][-1:]  # "den lokala projektledaren": projektledare
    return [stem(w.rsplit("-", 1)[-1]) for w in head]


def _naming(passages: Sequence[str], names: Sequence[str], needed: int | None = None) -> list[str]:
    """The sentences of the passages that mention `needed` of the question's names (all by default,
    and all when fewer)."""
    wanted = {stem(n.lower()) for n in names}
    needed = len(wanted) if needed is None else min(needed, len(wanted))
    return [s for p in passages if sum(n in p.lower() for n in wanted) >= needed for s in split_sentences(p)]


def _names_near(sentence: str, role: Sequence[str], asked: set[str]) -> bool:
    """Whether a name (two capitalised words, not first in the sentence, not the question's own)
    stands within `NAME_REACH` words of the role ("kommunpolisen Erik Berg", "föreningen Mamma
    United"): a place near it ("I Sigtuna bytte projektledarna …") names no one."""
    tokens = re.findall(r"[^\W\d_]+", sentence)
    capital = [bool(i) and t[:1].isupper() and t.lower() not in asked for i, t in enumerate(tokens)]
    names = [i for i in range(len(tokens) - 1) if capital[i] and capital[i + 1]]  # "Erik Berg", "Mamma United"
    roles = [i for i, t in enumerate(tokens) if any(stem(t.lower()).startswith(r) for r in role)]
    if any(abs(i - j) <= NAME_REACH for i in roles for j in names):
        return True
    called = {i + 1 for i, t in enumerate(tokens) if i in roles or t.lower().startswith(_NAMED)}
    return any(capital[i] for i in called if i < len(tokens))  # "föräldragruppen Vägval", "namnet Kalmarlöftet"


def amount_missing(question: str, answer: str) -> bool:
    """Whether a question for an amount of money ("Vad kostade Swecos processtöd?") is answered without
    one: the passages named what was bought, not its price. Thirteen sets with gold and the dev guide:
    1 more declined; for why- and how-questions that speak of money too, 1 right answer lost."""
    return asks_amount(normalize(question).lower()) and not _AMOUNT.search(priced(answer))


def asks_amount(question: str) -> bool:
    """Whether a clause of the question asks for an amount of money; one that asks who ("..., och
    vem står för kostnaden?") asks for a payer."""
    for clause in _CLAUSE_RE.split(normalize(question).lower()):
        if _MONEY_QUESTION.search(clause) and not _WHO_RE.match(clause.strip()):
            return True
    return False


def _any_about(
    passages: Sequence[str], pattern: re.Pattern[str], names: Sequence[str], needed: int, about: Callable[[str], bool]
) -> bool:
    """Whether a passage that mentions `needed` of `names` (all when fewer) has a sentence that
    matches `pattern` and is about the question's topic."""
    return any(pattern.search(s) and about(s) for s in _naming(passages, names, needed))


def vague_answer(question: str, answer: str, instances: Mapping[str, Sequence[str]]) -> bool:
    """Whether a "which ..." question about named things is answered without naming one.

    `instances` maps a kind of thing ("kommun") to the names of its instances in the material.
    The answer is vague when the question asks which of a kind, a sentence of the answer
    mentions that kind only after a vague quantifier ("ett antal nya kommuner", "several
    municipalities") without going on to an enumeration, and no name of the kind occurs up to
    the sentence after it: the material says there are some, not which (a name further on
    belongs to another point). An answer by criteria ("de kommuner där det bedöms få störst
    effekt") is an answer. Kinds without known instances ("hinder", "brottstyper") are never
    judged: later sentences may name them in words no list holds.
    """
    sentences = split_sentences(answer)
    for asked in answer_types(question):
        names = [name for kind, known in instances.items() if asked.found_in(frozenset({stem(kind)})) for name in known]
        vague = [i for i, sentence in enumerate(sentences) if quantified_mention(sentence, asked)]
        if names and vague:
            lowered = f" {' '.join(words(' '.join(sentences[: vague[0] + 2]).lower()))} "
            return not any(f" {name.lower()} " in lowered for name in names)
    return False
