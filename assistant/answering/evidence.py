"""The evidence a question has in its top passages, as numbers (the features of the support model).

* `dense`: the best passage cosine; `sentence`, `sentence_top3`: the best sentence cosine and the
  mean of the three best (sentence vectors from ingest, see `assistant.retrieval.sentences`);
* `coverage`: the weighted share of the question's terms found in the best single passage (with
  its context); a missing term the material uses elsewhere counts less (the passage may say it
  otherwise), and English words no glossary knows count as missing at a reduced weight;
* `unknown`: the weighted share of the question's terms that the material never uses at all;
* `english`: the question is English (its similarities to Swedish text run lower);
* `unmet_year`, `unmet_name`, `unmet_type`, `unmet_counted`, `unmet_demand`: the top passages
  cannot answer although on the topic — a year the material never mentions, a name the material
  knows but no top passage mentions or a name it never uses (not even a letter or two off: "… i
  Norge, t.ex. i Oslo?"), a kind of thing asked for ("Vilken *app* ...?") that the material never
  speaks of, the thing a count question counts, the kind of evidence the question demands (an
  amount, an age, a comparison; see `demands`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.answering.demands import unmet_demand
from assistant.answering.exclusions import left_out, passage_text
from assistant.answering.sentence_cues import has_number
from assistant.index.lexical import index_text
from assistant.language.glossary import synonyms
from assistant.language.question import Question, asked_part
from assistant.language.sentences import passage_sentences
from assistant.language.terms import (
    Term,
    TermStats,
    answer_type_forms,
    attested_compound,
    decompound,
    neutral_tokens,
    preterite,
    question_terms,
    text_stems,
    untranslated_words,
)
from assistant.language.text import fold_letters, split_sentences, stem, stems, words
from assistant.language.words import load_words
from assistant.settings import RefusalSettings
from assistant.types import Passage, sentence_key

WORDS = load_words()  # data/words.yaml
# What the support model weighs: how related the material is to the question at all.
FEATURES = ("dense", "sentence", "sentence_top3", "coverage", "unknown", "english")
# What vetoes an answer however related the material is: it cannot answer this question.
VETOES = ("unmet_year", "unmet_name", "unmet_type", "unmet_counted", "unmet_demand")
TOPIC_SHARE = 0.05  # a term in at most this share of the chunks singles out the question's topic
NEAR_MIN = 5  # a shorter asked type is not read as a stem of the material one letter off
NEAR_ENDING = 3  # letters of a definite ending the material may add ("-met")
VARIANT_MIN_PART = 4  # each shared part of a compound variant ("förä|ldraprogram" is no split)
COUNT_REACH = 4  # words between a number and the thing it counts ("27 av de 30 tillfrågade kommunerna")
NAME_CUTOFF = 0.8  # a name this close to a word of the material is that word misspelled
CLOSEST_SENTENCES = 3  # the sentences nearest the question in meaning are on its topic


@dataclass
class Evidence:
    values: dict[str, float]
    missing: tuple[str, ...] = ()
    unmet: str = ""  # the first unmet demand by name ("unknown_year", "missing_name", "no_amount", ...)
    terms: list[Term] = field(default_factory=list)
    # the material's own words on what it does not answer, with its marker: that it leaves it out
    # (`exclusions`), or that it only plans what the question asks the outcome of
    statement: str = ""
    name: str = ""  # the name the question is about that the material never mentions ("unknown_name")

    def vector(self) -> list[float]:
        return [self.values[name] for name in FEATURES]

    @property
    def vetoed(self) -> bool:
        return bool(self.unmet)


def gather(
    question: Question,
    passages: Sequence[Passage],
    settings: RefusalSettings,
    stats: TermStats | None = None,
) -> Evidence:
    top = list(passages[: settings.passages])
    dense_scores = [p.dense_score for p in passages if p.dense_score is not None]
    sentence_scores = sorted((s for p in top for s in p.sentence_scores.values()), reverse=True)
    terms = list(question.terms)
    weight = _weigher(stats)
    coverage, missing = _best_coverage(terms, top, weight, _known_discount(stats, settings.known_term_weight))
    unknown_words = untranslated_words(question.query, stats)
    if unknown_words:
        coverage = _with_unknown(coverage, terms, unknown_words, weight, settings.untranslated_term_weight)
        missing = [*missing, *unknown_words]
    foreign = _foreign_name(question, stats)  # looked up once: the veto and the refusal's wording
    unmet, statement = _unmet(question, top, stats, foreign), ""
    name = foreign if unmet == "unknown_name" else ""
    if unmet == "planned_year":
        statement = _plan_statement(question.years, top)
    elif not unmet:
        learnt = stats.self_names if stats is not None else frozenset()
        statement = left_out(question, passages, weight, learnt)  # all passages: another may cover it
        unmet = "excluded" if statement else ""  # the material says it leaves this out
    values = {
        "dense": max(dense_scores, default=0.0),
        "sentence": sentence_scores[0] if sentence_scores else 0.0,
        "sentence_top3": sum(sentence_scores[:3]) / len(sentence_scores[:3]) if sentence_scores else 0.0,
        "coverage": coverage if terms else 0.0,
        "unknown": _unknown_share(terms, unknown_words, stats, weight),
        "english": 1.0 if question.language == "en" else 0.0,
        "unmet_year": float(unmet in ("unknown_year", "planned_year")),
        "unmet_name": float(unmet in ("missing_name", "unknown_name")),
        "unmet_type": float(unmet in ("unknown_type", "excluded")),
        "unmet_counted": float(unmet == "missing_counted"),
        "unmet_demand": float(unmet.startswith("no_")),
    }
    return Evidence(values, tuple(missing), unmet, terms, statement, name)


def _best_coverage(
    terms: Sequence[Term], passages: Sequence[Passage], weight: Callable[[str], float], known: Callable[[Term], float]
) -> tuple[float, list[str]]:
    best, missing = 0.0, [min(t) for t in terms]
    for passage in passages:
        coverage, lacking = _coverage(terms, passage, weight, known)
        if coverage > best:
            best, missing = coverage, lacking
    return best, missing


def _coverage(
    terms: Sequence[Term],
    passage: Passage,
    weight: Callable[[str], float],
    known: Callable[[Term], float] | None = None,
) -> tuple[float, list[str]]:
    """Weighted share of the question's terms found in the passage (and its context); a missing term
    the material uses elsewhere counts only at `known(term)` of its weight."""
    present = text_stems(index_text(passage.chunk)) | text_stems(passage.context or "")
    missing = [t for t in terms if not t.found_in(present)]
    discount = known or (lambda _term: 1.0)
    total = sum(t.weight(weight) for t in terms) - sum(t.weight(weight) * (1 - discount(t)) for t in missing)
    covered = total - sum(t.weight(weight) * discount(t) for t in missing)
    return (covered / total if total else 0.0), [min(t) for t in missing]


def _known_discount(stats: TermStats | None, factor: float) -> Callable[[Term], float]:
    """`factor` for terms the indexed material contains somewhere, 1.0 for the rest."""
    if stats is None or not stats.n:
        return lambda _term: 1.0
    vocabulary = stats.vocabulary
    return lambda term: factor if term.found_in(vocabulary, inflected=False) else 1.0


def _with_unknown(
    coverage: float, terms: Sequence[Term], unknown: Sequence[str], weight: Callable[[str], float], factor: float
) -> float:
    """Coverage when untranslatable English words count as missing, at `factor` of their weight."""
    total = sum(t.weight(weight) for t in terms)
    extra = factor * sum(weight(w) for w in unknown)
    return coverage * total / (total + extra) if total + extra else 0.0


def _unknown_share(
    terms: Sequence[Term], unknown_words: Sequence[str], stats: TermStats | None, weight: Callable[[str], float]
) -> float:
    """The weighted share of the question's terms (and untranslated words) the material never uses."""
    if stats is None or not stats.n:
        return 0.0
    vocabulary = stats.vocabulary
    total = sum(t.weight(weight) for t in terms) + sum(weight(w) for w in unknown_words)
    absent = sum(t.weight(weight) for t in terms if not t.found_in(vocabulary, inflected=False))
    absent += sum(weight(w) for w in unknown_words)
    return absent / total if total else 1.0


def _counted_with_number(counted: Sequence[Term], passages: Sequence[Passage], names: Sequence[str]) -> bool:
    """Whether one sentence names the counted thing together with a number, in a passage that names
    what the question names, in its text or its heading ("13 Kristianstad"): "Hur många invånare har
    Sigtuna?" is not answered by a passage that mentions inhabitants per 1 000 in passing."""
    wanted = {stem(n.lower()) for n in names}
    for passage in passages:
        if wanted and not any(name in passage_text(passage).lower() for name in wanted):
            continue
        for sentence in passage_sentences(passage_text(passage, heading=False)):  # a heading counts nothing
            if has_number(sentence, time=False) and _quantified(sentence, counted):
                return True
    return False


def _quantified(sentence: str, counted: Sequence[Term]) -> bool:
    """Whether a number stands within `COUNT_REACH` words of the counted thing ("ett hundratal
    deltagare", "deltagarna var 45"): a number elsewhere in the sentence counts something else
    ("Fyra av de fem kommunerna ... barn och unga")."""
    tokens = re.findall(r"[^\W_]+|\d[\d\s.,]*\d|\d", sentence.lower())
    numbers = [i for i, token in enumerate(tokens) if has_number(token, time=False)]
    for i, token in enumerate(tokens):
        near = any(abs(i - n) <= COUNT_REACH for n in numbers)
        if near and any(t.found_in(frozenset(stems(token))) or _same_head(t, token) for t in counted):
            return True
    return False


def _same_head(term: Term, token: str) -> bool:
    """A compound counted by another compound of the same head: "samtalsgrupper" by "fyra
    fokusgrupper", "arbetsgrupper" by "tre styrgrupper" (the head names what is counted)."""
    head = term.parts[-1] if term.parts else ""
    return len(head) >= 4 and any(s.endswith(head) for s in stems(token))


def _unmet(question: Question, passages: Sequence[Passage], stats: TermStats | None, foreign: str = "") -> str:
    """Why the top passages, though on the topic, cannot answer: a year the material never
    mentions; no passage mentions a name the question asks about (and the material knows), or
    what a count question counts; `foreign`, a name the material never uses (`_foreign_name`); or
    they lack the evidence the question demands."""
    if stats is not None and stats.n and any(y not in stats for y in question.years):
        return "unknown_year"
    if question.years and _asks_what_happened(question.query) and _only_planned(question.years, passages):
        return "planned_year"  # "Vad visade uppföljningen 2026?": the material only plans it
    evidence = [passage_text(p) for p in passages]
    present = frozenset().union(*(text_stems(text) for text in evidence))
    names = [_base_form(n, stats) for n in question.names]
    known = [Term(stems(n)) for n in names if stats is not None and any(s in stats for s in stems(n))]
    if known and not any(term.found_in(present) for term in known):
        return "missing_name"
    if foreign:
        return "unknown_name"  # "… i Norge, t.ex. i Oslo?": the material never names it
    if _unknown_type(question, stats):
        return "unknown_type"  # "Vilken app ...?": the material never speaks of such a thing, it names none
    counted = question.counted
    counted_terms = [t for t in question_terms(counted, stats) if _used(t, stats)] if counted else []
    if counted_terms and not _counted_with_number(counted_terms, passages, names):
        return "missing_counted"  # the material speaks of the counted thing, these passages give no number
    measures = not question.kinds & {"reason", "howto"}  # "Varför ... budgetprocessen?" asks no amount
    about = _topical(question, stats, _closest(passages))
    demand = unmet_demand(question.query, evidence, _known_names(names, stats), about, measures)
    return f"no_{demand}" if demand else ""


def _weigher(stats: TermStats | None) -> Callable[[str], float]:
    return stats.weight if stats is not None and stats.n else TermStats([]).weight


def _asks_what_happened(query: str) -> bool:
    """A question in the past tense ("Vad visade ...", "Hur gick ...") that speaks of no plan."""
    tokens = words(query.lower())
    if any(token in WORDS.plan_words for token in tokens):
        return False
    return any(token in WORDS.past_verbs or preterite(token) for token in tokens)


def _only_planned(years: Sequence[str], passages: Sequence[Passage]) -> bool:
    """Whether the top passages speak of each year only in sentences about what is to come
    ("Kommunen planerar att göra sin första uppföljning under 2026")."""
    sentences = [s for p in passages for s in passage_sentences(passage_text(p, heading=False))]
    for year in years:
        mentions = [s for s in sentences if year in s]
        if not mentions or not all(set(words(s.lower())) & WORDS.plan_words for s in mentions):
            return False
    return True


def _plan_statement(years: Sequence[str], passages: Sequence[Passage]) -> str:
    """The first sentence of the passages that plans one of the years, with its passage's marker."""
    for rank, passage in enumerate(passages):
        for sentence in passage_sentences(passage_text(passage, heading=False)):
            if any(y in sentence for y in years) and set(words(sentence.lower())) & WORDS.plan_words:
                return f"{sentence.strip()} [{rank + 1}]"
    return ""


def _known_names(names: Sequence[str], stats: TermStats | None) -> list[str]:
    """The names as the material spells them ("Härnösnad": Härnösand); a name it never uses, in no
    spelling, cannot be asked of its passages."""
    if stats is None or not stats.n:
        return list(names)
    out = []
    for name in names:
        if any(s in stats for s in stems(name)):
            out.append(name)
        else:
            out.extend(known for s in stems(name) for known in stats.spelled_out(s))
    return out


def _foreign_name(question: Question, stats: TermStats | None) -> str:
    """A name the Swedish question is about that the material never uses, not even a letter or
    two off ("Hur jobbar man med trygghetsvärdar i Norge, t.ex. i Oslo?"): the material says nothing
    of it. A name in a sentence about the asker ("Jag jobbar i Örebro …", "Vi i Kiruna undrar …") is
    context, not what is asked about: the router has said the material does not cover it."""
    if question.language != "sv" or stats is None or not stats.n:
        return ""
    for sentence in split_sentences(asked_part(question.text)):  # "Hej från Malmö! Hur …": context
        if any(token in WORDS.asker for token in words(sentence.lower())):
            continue
        for name in neutral_tokens(sentence):
            if not name.isdigit() and not _near_name(_base_form(name, stats), stats):
                return name
    return ""


def _near_name(name: str, stats: TermStats) -> bool:
    """Whether the material uses the name, or a word a letter or two off ("Härnösnad", "Sigtna")."""
    found = stems(name)
    if not found or any(s in stats for s in found):  # "Någon sa …", "Vem vill dig väl": grammar words
        return True
    if decompound(name, stats):  # a known name and a word of the material: "Karlskogaområdet"
        return True
    folded = stats.folded_vocabulary
    return any(difflib.get_close_matches(fold_letters(s), folded, n=1, cutoff=NAME_CUTOFF) for s in found)


def _base_form(name: str, stats: TermStats | None) -> str:
    """A name without its genitive "s" when the material uses the name without it ("Brås": Brå)."""
    if stats is None or not stats.n or len(name) < 4 or not name.endswith("s") or name.isupper():
        return name
    return name[:-1] if any(s in stats for s in stems(name[:-1])) else name


def _unknown_type(question: Question, stats: TermStats | None) -> bool:
    """The kind of thing asked for ("Vilken *paragraf* ...") is a word the material never uses:
    not as written, not one letter off, not through the glossary ("orter": kommuner), not as the
    parts of a compound ("målnivåer": mål, nivå), nor in another form (`answer_type_forms`: "Vilket
    års …": år; "föräldraskaps program" typed apart; sixteen sets +2 and 2 fewer wrongly refused,
    nothing else changes). A question for how often or for a summary names no thing ("intervall",
    "huvuddelar")."""
    asked = question.asked_type
    if asked is None or question.language != "sv" or stats is None or not stats.n:
        return False
    if question.kinds & {"frequency", "overview"}:
        return False  # "Med vilket intervall …?" is answered by how often, "Sammanfatta vilka huvuddelar …" by the text
    return not any(_known_type(form, stats) for form in (asked, *answer_type_forms(question.query)))


def _known_type(asked: Term, stats: TermStats) -> bool:
    """Whether the material uses the kind asked for: as written, through the glossary, as the parts
    of a compound (or a first part other compounds begin with: `attested_compound`), as a compound
    with the same first and last part, typed without å/ä/ö or one letter off."""
    spelled = Term({s for a in asked for s in (a, *stats.spelled_out(a), *stems(" ".join(synonyms(a))))})
    if _used(spelled.with_parts(decompound(min(asked), stats)), stats) or attested_compound(min(asked), stats):
        return True
    if any(_compound_variant(a, stats.vocabulary) for a in asked):
        return True
    folded = stats.folded_vocabulary  # typed without å/ä/ö or one letter off
    return any(_compound_variant(fold_letters(a), folded) or _near(fold_letters(a), folded) for a in asked)


def _near(word: str, vocabulary: frozenset[str]) -> bool:
    """Whether a stem of the material is `word` with one letter missing or extra at most, or
    starts with it ("skolr": "skol"; "foraldraskapsprogram": "föräldraskapsprogrammet")."""
    if len(word) < NEAR_MIN:
        return False
    cut = {word[:i] + word[i + 1 :] for i in range(len(word))}
    return any(v in cut or (v.startswith(word) and len(v) - len(word) <= NEAR_ENDING) for v in vocabulary)


def _compound_variant(word: str, vocabulary: frozenset[str]) -> bool:
    """Whether the material has a compound with the same first and last part ("föräldraprogram":
    "föräldraskapsprogrammet"): the thing asked for is there, named a little differently."""
    for i in range(VARIANT_MIN_PART, len(word) - VARIANT_MIN_PART + 1):
        first, last = word[:i], word[i:]
        if any(v.startswith(first) and last in v[i + 1 :] for v in vocabulary if len(v) > len(word)):
            return True
    return False


def _used(term: Term, stats: TermStats | None) -> bool:
    """Whether the indexed material uses the term anywhere (always, without statistics)."""
    return stats is None or not stats.n or term.found_in(stats.vocabulary, inflected=False)


def _closest(passages: Sequence[Passage]) -> frozenset[str]:
    """The `CLOSEST_SENTENCES` sentences of the top passages nearest the question (sentence index)."""
    scores = sorted(((c, k) for p in passages for k, c in p.sentence_scores.items()), reverse=True)
    return frozenset(k for _, k in scores[:CLOSEST_SENTENCES])


def _topical(
    question: Question, stats: TermStats | None, closest: frozenset[str] = frozenset()
) -> Callable[[str], bool]:
    """Whether a sentence is about the question's topic: it has one of the question's rarer terms
    (those in at most `TOPIC_SHARE` of the chunks; with no statistics, any of its terms), or it is
    one of the sentences nearest the question in meaning (`closest`: a paraphrase shares no word)."""
    terms = list(question.terms)
    if stats is not None and stats.n:
        used = [t for t in terms if _used(t, stats)]  # a word the material never uses names no topic of it
        rare = [t for t in used if min((stats.df.get(s, 0) for s in t), default=0) <= TOPIC_SHARE * stats.n]
        terms = rare or used or terms

    def about(sentence: str) -> bool:  # a heading may run into the first sentence: the key is inside it
        key = sentence_key(sentence)
        return any(near in key for near in closest) or any(t.found_in(text_stems(sentence)) for t in terms)

    return about
