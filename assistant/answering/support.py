"""Does the retrieved material support an answer? Decided from real scores, before generating.

Two signals, both must pass:

* the best dense cosine similarity of the passages (e5 similarities are compressed: the
  material's own topics score roughly 0.83-0.92, unrelated questions 0.76-0.83; English
  questions over the Swedish text score lower, hence a separate threshold);
* the weighted coverage of the question's content stems by the best single top passage
  (with its neighbouring context): a rare term of the question that no top passage
  contains ("invånare", "huvudstaden", "kostade") pulls coverage below the threshold. A
  Swedish question with a strong dense match needs less coverage: it is a paraphrase.

Then the passages must be able to answer at all: a year the question names must occur in the
material; a name it asks about (that the material knows) and the thing a count question counts
must occur in the top passages; and they must hold the kind of evidence the question demands
(an amount of money, a comparison; an opinion is never in them; see `demands`).

The signals are returned so that `RagAnswerer` can expose them for calibration.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answering.demands import unmet_demand
from assistant.index.lexical import index_text
from assistant.language.terms import (
    YEAR_RE,
    Term,
    TermStats,
    counted_word,
    neutral_tokens,
    question_terms,
    text_stems,
    untranslated_words,
)
from assistant.language.text import stems
from assistant.settings import RefusalSettings
from assistant.types import Passage

SIGNAL = "signal:"  # prefix of the calibration flags; a front end may hide them
REFUSAL_TEXT = {
    "sv": "Det framgår inte av underlaget vad du frågar om. Här är de källor som ligger närmast:",
    "en": "The material does not say what you are asking about. Here are the closest sources:",
}


def refusal_text(language: str) -> str:
    return REFUSAL_TEXT.get(language, REFUSAL_TEXT["sv"])


@dataclass(frozen=True)
class Support:
    supported: bool
    dense: float | None
    coverage: float
    missing: tuple[str, ...] = ()
    reason: str = ""

    def flags(self) -> list[str]:
        """Calibration signals as answer flags ("signal:dense=0.861", "signal:coverage=0.67", ...)
        plus the reason of a refusal ("refused:low_coverage")."""
        out = [f"{SIGNAL}coverage={self.coverage:.2f}"]
        if self.dense is not None:
            out.insert(0, f"{SIGNAL}dense={self.dense:.3f}")
        if self.missing:
            out.append(f"{SIGNAL}missing=" + ",".join(self.missing))
        if self.reason:
            out.append(f"refused:{self.reason}")
        return out


def _coverage(
    terms: Sequence[Term],
    passage: Passage,
    weight: Callable[[str], float],
    known: Callable[[Term], float] | None = None,
) -> tuple[float, list[str]]:
    """Weighted share of the question's terms found in the passage (and its context).

    A missing term that the material uses elsewhere counts only at `known(term)` of its weight:
    the question then speaks the material's language (the passage may phrase it otherwise),
    while a term the material never uses ("invånare", "huvudstad") is the mark of a question
    the material cannot answer.
    """
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
    vocabulary = frozenset(stats.df)
    return lambda term: factor if term.found_in(vocabulary, inflected=False) else 1.0


def _with_unknown(
    coverage: float, terms: Sequence[Term], unknown: Sequence[str], weight: Callable[[str], float], factor: float
) -> float:
    """Coverage when untranslatable English words count as missing, at `factor` of their weight."""
    total = sum(t.weight(weight) for t in terms)
    extra = factor * sum(weight(w) for w in unknown)
    return coverage * total / (total + extra) if total + extra else 0.0


def assess(
    question: str,
    passages: Sequence[Passage],
    settings: RefusalSettings,
    stats: TermStats | None = None,
    language: str = "sv",
) -> Support:
    """Whether `passages` support answering `question`, with the signals that decided it."""
    if not passages:
        return Support(False, None, 0.0, reason="no_passages")
    dense_scores = [p.dense_score for p in passages if p.dense_score is not None]
    dense = max(dense_scores) if dense_scores else None
    terms = question_terms(question, stats)
    weight = stats.weight if stats is not None and stats.n else TermStats([]).weight
    best, missing = 0.0, [min(t) for t in terms]
    known = _known_discount(stats, settings.known_term_weight)
    for passage in passages[: settings.passages]:
        coverage, lacking = _coverage(terms, passage, weight, known)
        if coverage > best:
            best, missing = coverage, lacking
    unknown = untranslated_words(question, stats)
    if unknown:
        best = _with_unknown(best, terms, unknown, weight, settings.untranslated_term_weight)
        missing = [*missing, *unknown]
    floor = settings.min_dense_score_en if language == "en" else settings.min_dense_score
    if dense is not None and dense < floor:
        return Support(False, dense, best, tuple(missing), "low_dense")
    if not terms and not unknown and language == "en" and dense is not None:
        return Support(True, dense, best)  # nothing to compare across languages: the dense score decides
    if not terms or best < _needed_coverage(dense, settings, language):
        return Support(False, dense, best, tuple(missing), "low_coverage")
    unmet = _unmet(question, passages[: settings.passages], stats, language)
    if unmet:
        return Support(False, dense, best, tuple(missing), unmet)
    return Support(True, dense, best, tuple(missing))


def _needed_coverage(dense: float | None, settings: RefusalSettings, language: str) -> float:
    """The term coverage a question needs: less when its dense match is strong (a paraphrase,
    "Vad jobbade Södertälje med?"); measured, out-of-scope Swedish questions that share few of
    the material's words stay below 0.86 while paraphrases of it reach 0.87-0.93."""
    if language == "sv" and dense is not None and dense >= settings.strong_dense_score:
        return settings.min_term_coverage_strong
    return settings.min_term_coverage


def _unmet(question: str, passages: Sequence[Passage], stats: TermStats | None, language: str) -> str:
    """Why the top passages, though on the topic, cannot answer: a year the material never
    mentions; no passage mentions a name the question asks about (and the material knows), or
    what a count question counts; or they lack the evidence the question demands."""
    if stats is not None and stats.n and any(y not in stats for y in YEAR_RE.findall(question)):
        return "unknown_year"  # "... år 2026?": the material says nothing about that year
    evidence = [f"{index_text(p.chunk)}\n{p.context or ''}" for p in passages]
    present = frozenset().union(*(text_stems(text) for text in evidence))
    names = [t for t in neutral_tokens(question) if not t.isdigit()]
    known = [Term(stems(n)) for n in names if stats is not None and any(s in stats for s in stems(n))]
    if known and not any(term.found_in(present) for term in known):
        return "missing_name"
    counted = counted_word(question) if language == "sv" else None
    if counted and not any(term.found_in(present) for term in question_terms(counted, stats)):
        return "missing_counted"  # "Hur många skjutningar ...?" over passages without shootings
    demand = unmet_demand(question, evidence, names)
    return f"no_{demand}" if demand else ""
