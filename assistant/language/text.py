"""Swedish-aware text utilities shared by retrieval, answering and evals.

Tokens are lower-cased words; stems come from the Snowball Swedish stemmer.
Compounds that matter in this material ("välfärdsbrottslighet", "SSPF-arbetet")
are split into known parts so that "välfärdsbrott" and "SSPF" still match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from assistant.errors import InputError
from assistant.language.words import load_words

_WORD_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)
FOOTNOTE_MARKS = "¹²³⁴⁵⁶⁷⁸⁹⁰"  # a footnote's mark may follow the full stop ("… trygga.³ Fler …")
_SENTENCE_END_RE = re.compile(
    rf"(?:(?<=[.!?])|(?<=[.!?][{FOOTNOTE_MARKS}])|(?<=[.!?][{FOOTNOTE_MARKS}]{{2}}))\s+(?=[\"”'(\[]?[A-ZÅÄÖ0-9])"
)

SWEDISH_STOPWORDS: frozenset[str] = load_words().stopwords  # data/words.yaml


def _abbreviation_re(abbreviations: frozenset[str]) -> re.Pattern[str]:
    """A whole abbreviation ("kl.", "t.ex.", also written "t. ex."), not the end of a longer word ("hus.")."""
    spaced = [r"\.\s?".join(map(re.escape, a.rstrip(".").split("."))) + r"\." for a in abbreviations]
    return re.compile(r"(?<![\w.])(?:" + "|".join(sorted(spaced, key=len, reverse=True)) + ")", re.IGNORECASE)


_ABBREVIATION_RE = _abbreviation_re(load_words().abbreviations)
_HIDDEN_STOP = "\x00"

_stemmer = None


def _get_stemmer():
    global _stemmer
    if _stemmer is None:
        import snowballstemmer

        _stemmer = snowballstemmer.stemmer("swedish")
    return _stemmer


def normalize(text: str) -> str:
    """NFC-normalise, fold whitespace and strip soft hyphens."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


EMPTY_QUESTION = "Skriv en fråga först, till exempel ”Vad är Crime proofing?”."
# Terminal escape sequences (colours, cursor moves, titles) as a whole, then single control characters:
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def strip_controls(text: str) -> str:
    """`text` without terminal escape sequences, control characters (null bytes included; tabs and
    line breaks become spaces), bidirectional overrides and lone surrogates: what user input may
    carry but no answer, page or log should ever see."""
    text = _ESCAPES.sub("", text)
    return "".join(
        " " if ch in "\t\n\r" else ch
        for ch in text
        if ch in "\t\n\r" or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _BIDI)
    )


def validate_question(question: object, max_chars: int) -> str:
    """The question as every stage reads it (controls stripped, NFC, whitespace folded). The one
    check of user input: an empty or too long question is an `InputError` with a message for the user."""
    text = normalize(strip_controls(question)) if isinstance(question, str) else ""
    if not text:
        raise InputError(EMPTY_QUESTION)
    if len(text) > max_chars:
        raise InputError(
            f"Frågan är för lång ({len(text)} tecken, högst {max_chars} går). Korta ner den och försök igen."
        )
    return text


_FOLD = str.maketrans("åäöéÅÄÖÉ", "aaoeAAOE")


def fold_letters(text: str) -> str:
    """`text` without Swedish letters, as typed on a keyboard without them ("problemträd" -> "problemtrad")."""
    return text.translate(_FOLD)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (numbers kept, punctuation dropped)."""
    return [w.lower() for w in _WORD_RE.findall(normalize(text))]


def content_words(text: str) -> list[str]:
    """Words that carry meaning: no stopwords, no one-letter tokens."""
    return [w for w in words(text) if w not in SWEDISH_STOPWORDS and (len(w) > 1 or w.isdigit())]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _get_stemmer().stemWord(word.lower())


def split_compound(word: str) -> list[str]:
    """The parts of a hyphenated word (besides the word itself): SSPF-arbetet -> sspf, arbetet. Other
    compounds are split by what the corpus knows (`terms.decompound`), not by a list."""
    return [piece for piece in word.split("-") if piece and piece != word] if "-" in word else []


def stems(text: str, *, compounds: bool = True) -> list[str]:
    """Stemmed content tokens with compound parts added; order preserved."""
    out: list[str] = []
    for word in re.findall(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+(?:-[^\W\d_]+)*", normalize(text).lower()):
        for token in [word, *split_compound(word)] if compounds else [word]:
            for sub in _WORD_RE.findall(token):
                if sub in SWEDISH_STOPWORDS or (len(sub) < 2 and not sub.isdigit()):
                    continue
                out.append(stem(sub))
    return out


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences without breaking at an abbreviation ("kl. 16", "t.ex. en", `data/words.yaml`)."""
    protected = _ABBREVIATION_RE.sub(lambda m: m.group(0).replace(".", _HIDDEN_STOP), normalize(text))
    parts = _SENTENCE_END_RE.split(protected)
    return [part.strip().replace(_HIDDEN_STOP, ".") for part in parts if part.strip()]


def question_language(text: str, names: Sequence[str] = ()) -> str:
    """ "sv" or "en" with a cheap, deterministic heuristic, judged without the names in the text
    ("Brå", "Linköping" say nothing about it): capitalised words after the first and the given
    `names` are left out. The one language detector of the assistant."""
    for name in names:
        text = text.replace(name, " ")
    tokens = re.findall(r"[^\W_]+(?:-[^\W_]+)*|[\W_]+", normalize(text))
    first_word = next((i for i, t in enumerate(tokens) if t[:1].isalnum()), -1)
    kept = "".join(t if i == first_word or not t[:1].isupper() else " " for i, t in enumerate(tokens))
    if any(ch in kept.lower() for ch in "åäö"):
        return "sv"
    lowered = words(kept)
    english = {"what", "which", "who", "how", "the", "did", "does", "is", "are", "many", "why", "when", "where"}
    swedish = {"vad", "vilka", "vilken", "hur", "och", "är", "det", "som", "har", "många", "varför", "när"}
    en = sum(w in english for w in lowered)
    sv = sum(w in swedish for w in lowered)
    return "en" if en > sv else "sv"


def is_english(text: str) -> bool:
    return question_language(text) == "en"


def names_in(text: str, name: str) -> bool:
    """Whether `text` mentions `name`, also in its base form when the question wrote the genitive
    ("Brås": "Brå", "Kristianstads": "Kristianstad")."""
    low, key = text.lower(), name.lower()
    return key in low or (len(key) > 3 and key.endswith("s") and key[:-1] in low)
