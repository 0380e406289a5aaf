"""What a question asks for: its content terms, its kind and the weight of each term.

Shared by retrieval (lexical query), answering (sentence scoring), refusal (term
coverage) and follow-up resolution, so they all agree on what a question is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import takewhile

from assistant.language.glossary import expand_swedish, synonyms, translate, translations
from assistant.language.term_stats import TermStats
from assistant.language.text import (
    SWEDISH_STOPWORDS,
    content_words,
    fold_letters,
    is_english,
    normalize,
    split_sentences,
    stem,
    stems,
)
from assistant.language.words import load_words

# Words that only shape a question ("how many", "tell me") and say nothing about its topic.
QUESTION_FILLER: frozenset[str] = load_words().question_filler  # data/words.yaml

FUZZY_MIN_STEM = 4  # shorter stems must match exactly
FUZZY_MAX_EXTRA = 2  # letters a longer stem may add and still be the same word ("delt"/"deltog")
FUZZY_MIN_PART = 6  # a stem this long found inside a longer one is a compound part ("skolmiljö")
FUZZY_LONG_STEM = 8  # from this length on ...
FUZZY_MAX_EXTRA_LONG = 3  # ... a definite ending is tolerated too ("föräldraskapsprogram"/"-met")
COMPOUND_MIN_WORD = 7  # shorter words are not split into compound parts
COMPOUND_MIN_PART = 3  # each part of a split compound has at least this many letters ("tids|ram")
HEAD_MIN = 4  # letters a compound's last part keeps when its definite ending goes ("summan" -> "summ")
PARTICLES = load_words().verb_particles
COMPOUND_LINKS = ("s", "e", "a", "u")  # linking letters between Swedish compound parts ("regering-s-uppdrag")

_KIND = "|".join(sorted(load_words().kind_nouns))  # "vilka sorters bidrag", "vilken typ av stöd": "bidrag"
_TYPE_RE = re.compile(
    rf"\b(?:vilka|vilken|vilket|which|what)(?:\s+(?:{_KIND})(?:\s+av|\s+of)?)?((?:\s+[^\W\d_]{{3,}}){{1,3}})"
)
_TYPE_WORDS = 3  # words after "vilka"/"which" that may name the kind asked for ("vilka nya kommuner")


def answer_type(question: str) -> Term | None:
    """The kind of thing asked for: "kommuner" in "Vilka kommuner ...?" (None when not asked that way)."""
    found = answer_types(question, 1)
    return found[0] if found else None


def answer_type_forms(question: str) -> list[Term]:
    """The kind asked for without a genitive -s ("Vilket års": år), joined to the next ("föräldraskaps program")."""
    said = [] if is_english(question) else _type_words(question)
    forms = [said[0][:-1]] if said and said[0].endswith("s") and len(said[0]) > 2 else []
    forms += [said[0] + said[1]] if len(said) > 1 else []
    return [term for form in forms if (term := Term(stems(form, compounds=False)))]


def _type_words(question: str) -> list[str]:
    """The words after "vilka"/"which" up to a stopword or question filler, as typed."""
    match = _TYPE_RE.search(normalize(question).lower())
    return list(takewhile(lambda w: w not in _GRAMMAR, match.group(1).split() if match else []))


def answer_types(question: str, n: int = _TYPE_WORDS) -> list[Term]:
    """The first `n` words after "vilka"/"which" as kinds asked for, in Swedish stems ("Vilka nya
    kommuner" gives "nya" and "kommun"); stops at a stopword or question filler."""
    english = is_english(question)
    out: list[Term] = []
    for word in _type_words(question)[:n]:
        found = [word, *translate(word)] if english else [word]
        term = Term(stems(" ".join(found), compounds=False))
        if term:
            out.append(term)
    return out


_GRAMMAR = SWEDISH_STOPWORDS | QUESTION_FILLER  # words that name no kind of thing asked for
# Function words and question words typed without Swedish letters ("nagot", "for", "manga").
_FOLDED_FUNCTION_WORDS = frozenset(fold_letters(w) for w in _GRAMMAR)


def _content_tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+(?:-[^\W_]+)*", normalize(text)) if not _folded_filler(w)]


def _folded_filler(word: str) -> bool:
    """A question-shaping word, or a function word typed without Swedish letters ("nagot", "nar")."""
    lowered = word.lower()
    if lowered in QUESTION_FILLER:
        return True
    typed_plain = lowered not in SWEDISH_STOPWORDS and lowered == fold_letters(lowered)  # stopwords go later
    return typed_plain and lowered in _FOLDED_FUNCTION_WORDS


_NOT_COUNTED = load_words().past_verbs | load_words().auxiliaries | load_words().generic_counts  # data/words.yaml
PRETERITE_MIN = 5  # "visade", "minskade", "showed": shorter words ending so are rarely verbs
_COUNTED_RE = re.compile(r"\b(?:hur\s+många|antalet|antal)\s+(?:av\s+[^\W\d_]+\s+)?([^\W\d_]{4,})")
YEAR_RE = re.compile(r"(?:19|20)\d{2}")


def counted_word(question: str) -> str | None:
    """What a Swedish count question counts ("skjutningar" in "Hur många skjutningar ...?")."""
    match = _COUNTED_RE.search(normalize(question).lower())
    if not match or match.group(1) in SWEDISH_STOPWORDS or match.group(1) in QUESTION_FILLER:
        return None
    word = match.group(1)
    if word in _NOT_COUNTED or preterite(word):
        return None  # "hur många deltog/anmälde …": a verb; "hur många personer/gånger …": any number may answer
    return word


def preterite(token: str) -> bool:
    """A regular past tense ("visade", "minskade", "showed"); shorter words ending so are rarely verbs."""
    return len(token) >= PRETERITE_MIN and token.endswith(("ade", "ades", "ed"))


def neutral_tokens(text: str) -> list[str]:
    """Language-neutral tokens: names (capitalised, not first in a sentence), acronyms and numbers."""
    out = []
    for sentence in split_sentences(normalize(text)):
        tokens = re.findall(r"[^\W_]+(?:-[^\W_]+)*", sentence)
        for i, tok in enumerate(tokens):
            acronym = len(tok) > 1 and tok.isupper()
            name = i > 0 and tok[:1].isupper()
            if acronym or name or tok.isdigit():
                out.append(tok)
    return out


def plain_names(text: str, stats: TermStats | None) -> dict[str, tuple[str, ...]]:
    """Names typed without å/ä/ö ("Hovsjo"), also where they are words of their own ("Bra" for
    "Brå"): a capitalised word inside a sentence → the material's stems it stands for."""
    if stats is None or not stats.n:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for tok in neutral_tokens(text):
        if not tok.isupper() and not tok.isdigit() and (found := stats.accented(stem(tok.lower()))):
            out[tok] = found
    return out


def lexical_query(text: str, stats: TermStats | None = None) -> str:
    """The text the lexical retriever searches for: English questions get glossary words added,
    Swedish compounds their parts as the material spells them ("enkätsvaren" -> "enkät svar")."""
    extra = expand_swedish(text) if not is_english(text) else translate(text)
    if stats is not None and not is_english(text):
        extra = [*extra, *(part for word in _content_tokens(text) for part in _split_usage(word, stats))]
        extra += [known for word in _content_tokens(text) for s in stems(word) for known in stats.spelled_out(s)]
        extra += [known for found in plain_names(text, stats).values() for known in found]
    return " ".join([text, *extra]) if extra else text


def _split_usage(word: str, stats: TermStats) -> tuple[str, ...]:
    """The parts of a compound the material mostly writes apart: the compound is rarer than either part."""
    parts = decompound(word, stats)
    if parts and stats.df.get(stem(word.lower()), 0) < min(stats.df.get(p, 0) for p in parts):
        return parts
    return ()


def decompound(word: str, stats: TermStats | None) -> tuple[str, ...]:
    """Stems of the two parts of a Swedish compound when both occur in the material on their own:
    "regeringsuppdraget" -> ("regering", "uppdrag") because the material says "uppdrag av regeringen";
    only where both halves (the first without a linking "s"/"e"/...) are stems of the indexed
    vocabulary. The most balanced split wins; () for short words, non-letters or unknown parts."""
    if stats is None or not stats.n:
        return ()
    return _decompound(word.lower(), stats)


def _decompound(word: str, stats: TermStats) -> tuple[str, ...]:
    if len(word) < COMPOUND_MIN_WORD or not word.isalpha():
        return ()
    best: tuple[int, tuple[str, ...]] = (0, ())
    for i in range(COMPOUND_MIN_PART, len(word) - COMPOUND_MIN_PART + 1):
        left, right = word[:i], word[i:]
        head = _known_head(stem(right), stats)
        if len(head) < COMPOUND_MIN_PART or head not in stats:
            continue
        for first in (left, *(left[:-1] for link in COMPOUND_LINKS if left.endswith(link))):
            modifier = stem(first)
            if len(first) >= COMPOUND_MIN_PART and len(modifier) >= COMPOUND_MIN_PART and modifier in stats:
                balance = min(len(first), len(right))
                if balance > best[0]:
                    best = (balance, (modifier, head))
    return best[1]


def attested_compound(word: str, stats: TermStats | None) -> bool:
    """Whether `word` is a compound of a last part the material uses and a first part that begins
    another compound of the material ("yrkesroller": "roller" and "yrkes|verksamma"), though the
    first part is never a word of its own there: the material speaks of that kind of thing."""
    word = word.lower()
    if stats is None or not stats.n or len(word) < COMPOUND_MIN_WORD or not word.isalpha():
        return False
    for i in range(COMPOUND_MIN_PART, len(word) - HEAD_MIN + 1):
        first, head = word[:i], _known_head(stem(word[i:]), stats)
        if len(head) >= HEAD_MIN and head in stats and any(_begins(v, first, stats) for v in stats.vocabulary):
            return True
    return False


def _begins(stem_: str, first: str, stats: TermStats) -> bool:
    """Whether the material's stem is `first` followed by one of its words ("yrkes|verksam")."""
    return stem_.startswith(first) and len(stem_) - len(first) >= HEAD_MIN and stem_[len(first) :] in stats


def _known_head(head: str, stats: TermStats) -> str:
    """The stem of a compound's last part as the material has it: the stemmer leaves some definite forms
    whole ("summan", where the material says "Summa"), so one or two last letters may go."""
    if head in stats:
        return head
    return next((head[:-n] for n in (1, 2) if len(head) - n >= HEAD_MIN and head[:-n] in stats), head)


class Term(frozenset[str]):
    """One thing a question asks about: alternative stems, any of which counts as a match.

    A compound also matches where all of its `parts` occur ("i uppdrag av regeringen" for
    "regeringsuppdraget"); see `decompound`.
    """

    parts: tuple[str, ...] = ()

    def with_parts(self, parts: Iterable[str]) -> Term:
        term = Term(self)
        term.parts = tuple(parts)
        return term

    def weight(self, weigh: Callable[[str], float]) -> float:
        """The weight of the most common alternative (a common word is never a rare term)."""
        return min(weigh(s) for s in self)

    def found_in(self, present: frozenset[str], inflected: bool = True) -> bool:
        """Whether an alternative occurs in `present` (as a compound part, or inflected when allowed)."""
        if any(_has(s, present, inflected) for s in self):
            return True
        return bool(self.parts) and all(_has(part, present, inflected) for part in self.parts)


def _has(term: str, present: frozenset[str], inflected: bool) -> bool:
    return term in present or any(_stem_variant(term, p, inflected) for p in present)


def _stem_variant(term: str, found: str, inflected: bool = True) -> bool:
    """Stems of one word the stemmer left apart ("stöd"/"stödj", "delt"/"deltog"), or the question's
    word as part of a compound in the text ("myndighet" in "ekobrottsmyndighet"; not the reverse)."""
    if len(term) >= FUZZY_MIN_PART and term in found:
        return True
    if not inflected:
        return False
    short, long_ = (term, found) if len(term) <= len(found) else (found, term)
    if len(short) < FUZZY_MIN_STEM or not long_.startswith(short):
        return False
    extra = FUZZY_MAX_EXTRA_LONG if len(short) >= FUZZY_LONG_STEM else FUZZY_MAX_EXTRA
    return len(long_) - len(short) <= extra


def _group(words_: Iterable[str]) -> Term:
    return Term(stems(" ".join(words_), compounds=False))


def question_terms(question: str, stats: TermStats | None = None) -> list[Term]:
    """The content terms of a question, in order, each with its alternative stems.

    Swedish: every content word (with compound parts and listed synonyms). English: glossary
    translations, names/acronyms/numbers, and English words that occur in the material as
    they are ("Crime proofing", "workshop").
    """
    tokens = _content_tokens(question)
    if not is_english(question):
        joined = _of_compounds(tokens, stats)
        spelled = stats.spelled_out if stats is not None else (lambda _s: ())
        named = plain_names(question, stats)
        terms: list[Term] = []
        for i, tok in enumerate(tokens):
            if tok in named:  # "fick Bra pengar": the name "Brå", not the word "bra"
                terms.append(Term(named[tok]))
                continue
            parts = decompound(tok, stats)  # once per word: its alternatives and its match by parts
            for s in stems(tok):
                alternatives = {s, *spelled(s), *stems(" ".join(synonyms(tok))), *joined.get(i, ())}
                terms.append(Term({*alternatives, *_head(s, parts, stats)}).with_parts(parts))
        return _unique_terms(terms)
    found = translations(question)
    translated = {w for phrase, _ in found for w in phrase.split()}
    terms = [_group(words_) for _, words_ in found]
    terms += [Term(stems(tok)) for tok in neutral_tokens(question) if tok.lower() not in QUESTION_FILLER]
    known = [tok for tok in tokens if tok.lower() not in translated]
    terms += [Term({s}) for tok in known for s in stems(tok) if stats is not None and s in stats]
    return _unique_terms(terms)


def _head(stem_: str, parts: tuple[str, ...], stats: TermStats | None) -> tuple[str, ...]:
    """A compound the material never uses stands for its last part (`parts`: its `decompound`), which
    names what it is, when the material has that ("totalsumman": the table's "Summa"; "ljusstyrka":
    "styrka"). Not a particle verb or its derivation ("sammanfatta" is no kind of "fatta"; the
    particles are in data/words.yaml)."""
    if not parts or stats is None or stem_ in stats or stats.spelled_out(stem_):
        return ()
    return (parts[-1],) if parts[0] not in PARTICLES else ()


def _of_compounds(tokens: list[str], stats: TermStats | None) -> dict[int, tuple[str, ...]]:
    """For "typer av brott": the compound the material writes instead ("brottstyper"), as an
    alternative stem of the head word (by its index in `tokens`), when the material has it."""
    if stats is None or not stats.n:
        return {}
    out: dict[int, tuple[str, ...]] = {}
    for i in range(len(tokens) - 2):
        if tokens[i + 1].lower() != "av":
            continue
        head, modifier = tokens[i].lower(), tokens[i + 2].lower()
        found = [stem(f"{modifier}{link}{head}") for link in ("", *COMPOUND_LINKS)]
        known = tuple(c for c in found if c in stats)
        if known:
            out[i] = known
    return out


def untranslated_words(question: str, stats: TermStats | None = None) -> list[str]:
    """English content words that neither the glossary nor the material knows ("founded", "population").

    They cannot be looked for in Swedish text, but a question made mostly of them is about
    something else; the refusal check counts them as (down-weighted) missing terms.
    """
    if not is_english(question):
        return []
    translated = {w for phrase, _ in translations(question) for w in phrase.split()}
    names = {t.lower() for t in neutral_tokens(question)}
    out = []
    for token in _content_tokens(question):
        lowered = token.lower()
        if lowered in translated or lowered in names or lowered in SWEDISH_STOPWORDS or len(lowered) < 3:
            continue
        if not any(stats is not None and s in stats for s in stems(lowered)):
            out.append(lowered)
    return unique(out)


def _unique_terms(terms: Iterable[Term]) -> list[Term]:
    out: list[Term] = []
    seen: set[str] = set()
    for term in terms:
        if term and not term & seen:
            out.append(term)
            seen |= term
    return out


@lru_cache(maxsize=4096)
def text_stems(text: str) -> frozenset[str]:
    """Stem set of a text (cached: passages are scored again and again)."""
    return frozenset(stems(text))


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def topic_words(text: str) -> list[str]:
    """Content words of a text that are not question filler (lower-case)."""
    return [w for w in content_words(text) if w not in QUESTION_FILLER]
