"""What a sentence of the material says by its form: a number, a date, names, a definition,
a reason, an enumeration, a reference to the sentence before or after it, or an announcement
of things it does not name ("ytterligare några hinder", "på tre sätt").

The extractive generator (`assistant.answering.extractive`) scores and links sentences with these cues;
`assistant.answering.demands.vague_answer` uses the announcements.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.answering.citations import strip_markers
from assistant.language.terms import Term, TermStats, text_stems
from assistant.language.text import stem, stems, words
from assistant.language.words import load_words

NAMED_KIND_MIN = 4  # letters of a kind's stem in a name of that kind; the part before it: one fewer ("Lextorpsskolan")
DEFINITION_WINDOW = 8  # a definition names its subject within the first words of the sentence

NUMBER_WORDS = load_words().number_words  # data/words.yaml
_MARKERS, _PERIODS = "|".join(sorted(load_words().frequency_markers)), "|".join(sorted(load_words().period_words))
# How often: a marker before a period, a word between allowed ("två gånger per år", "var tredje månad").
FREQUENCY_RE = re.compile(
    rf"\b(?:{_MARKERS})\s+(?:\w+\s+)?(?:{_PERIODS})\b|\b(?:{'|'.join(sorted(load_words().frequency_adverbs))})\b",
    re.IGNORECASE,
)
TIME_WORDS = load_words().time_words
ADVICE_WORDS = load_words().advice  # "bör", "rekommenderar", "lärdomen", "fungerade"
# A table's sum row: its first cell says it sums ("| **Summa** | | 1 370 000 |", "| Totalt | 700 000 |").
SUM_ROW_RE = re.compile(r"^\W*(?:summa|totalt?|sammanlagt|sum)\b[^|]*\|", re.IGNORECASE)
COPULA_RE = re.compile(r"\b(är|innebär|avser|betyder|handlar om|syftar till|is|means)\b", re.IGNORECASE)
EXPANSION_RE = re.compile(r"(\b[\w-]+(?:\s+[\w-]+){0,3}\s*\([^)]{3,}\))")
MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
FULL_DATE_RE = re.compile(rf"\b(\d{{1,2}}\s+(?:{MONTHS})(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})\b", re.IGNORECASE)
# Openings of a sentence that continues the one before it (its examples, its list, its instances).
CONTINUES_RE = re.compile(
    r"^(?:exempel\s+på\s+(?:sådana|dessa|detta)|sådana\s|dessa\s+(?:är|var)\b|det\s+gäller\s|bland\s+dessa\b|"
    r"det\s+handlar\s+om\s)",
    re.IGNORECASE,
)
# A sentence that gives a reason ("... på grund av personalförändringar", "Därför ...", "Dels ...").
REASON_RE = re.compile(
    r"\b(eftersom|därför|därav|på\s+grund\s+av|berodde|beror|bero\s+på|ledde\s+till|orsak\w*|anledning\w*|skäl\w*|"
    r"till\s+följd\s+av|dels|hindrade|because|due\s+to)\b",
    re.IGNORECASE,
)
# Openings of a sentence that concludes from the one before it: the reason is there.
CONCLUDES_RE = re.compile(r"^(?:därför|därav|av\s+den\s+anledningen|av\s+det\s+skälet|följaktligen)\b", re.IGNORECASE)
# The same adverb after the verb and subject ("Inom projektet valde vi därför att testa …").
CONCLUDES_LATER_RE = re.compile(r"^(?:[^\W\d_]+,?\s+){1,4}(?:därför|därav|följaktligen)\b", re.IGNORECASE)
# A consequence of the sentence before, told early ("Det ledde till att …", "Ingen skadades, men händelsen
# ledde till att …"): for a why-question its reason is the sentence before.
CONSEQUENCE_RE = re.compile(
    r"^(?:[^\W\d_]+,?\s+){0,4}(?:ledde|leder|resulterade|resulterar|medförde|medför)\s+(?:till|i)\b", re.IGNORECASE
)
# An enumeration in a sentence: "...: A, B och C", "A, B samt C".
ITEM = r"[\w()-]+(?:\s[\w()-]+){0,2}"  # an enumerated item: up to three words
ENUMERATION_RE = re.compile(rf":\s*\w|{ITEM},\s{ITEM}\s(?:och|samt|eller)\s\w", re.IGNORECASE)
# Openings that refer to the sentence before ("Dessa rapporter har ...", "Detta innebär ..."):
# quoted alone they would not say what they are about.
REFERS_BACK_RE = re.compile(
    r"^(?:detta|dessa|denna|därmed|det\s+innebär|det\s+inkluderar|(?:den|det|de)\s+här|med\s+det)\b"
    r"|^(?:[\w-]+\s+){0,3}(?:av|i|inom|under|för|med|från)\s+(?:dessa|detta|denna|de\s+här|den\s+här|det\s+här)\b",
    re.IGNORECASE,
)
# A sentence in which the material says what it does not cover (a guide's "Avgränsningar"): its name
# for itself, a verb in the present and a negation ("Vi redovisar inte heller vad ... kostar", "Guiden
# tar inte upp ...", "Guiden redogör alltså inte för ..."); the negation may be emphasised ("**inte**").
SELF_NAMES: frozenset[str] = load_words().self_names  # and each document's own (`language.self_names`)
# Words ending in -r that are no verb ("när vi inte hinner"): the stopwords but the auxiliaries ("har").
_NOT_VERBS = "|".join(sorted(load_words().stopwords - load_words().auxiliaries))
_VERB, _NEGATION = r"\w+[^\W\d_]r", r"(?:alltså\s+|därför\s+|heller\s+)?[*_]{0,2}(?:inte|ingen|inga|inget|ej)\b"


@lru_cache(maxsize=16)
def scope_statement_re(learnt: frozenset[str] = frozenset()) -> re.Pattern[str]:
    """The scope statement in the material's general names for itself and the `learnt` ones."""
    names = "|".join(re.escape(name) for name in sorted(SELF_NAMES | learnt))
    return re.compile(
        rf"\b(?:{names})\b[^.:;]{{0,40}}?\b{_VERB}\s+(?:vi\s+)?{_NEGATION}"  # "Guiden tar inte upp …"
        rf"|\b(?!(?:{_NOT_VERBS})\s){_VERB}\s+(?:{names})\s+{_NEGATION}"  # "… tar guiden inte upp"
        # a relative or interrogative clause: "Vad guiden inte tar upp", "frågor som vi inte behandlar"
        rf"|\b(?:vad|som|det)\s+(?:{names})\s+(?:inte|ej)\s+(?:heller\s+)?{_VERB}\b"
        r"|\b(?:does|do)\s+not\s+cover\b|\boutside\s+(?:the|its)\s+scope\b",
        re.IGNORECASE,
    )


def scope_re(stats: TermStats | None) -> re.Pattern[str]:
    """The scope statement of the material `stats` describe (with what its documents call themselves)."""
    return scope_statement_re(stats.self_names if stats is not None else frozenset())


SCOPE_STATEMENT_RE = scope_statement_re()
# A question that itself asks what is not done or covered ("Vad tar guiden inte upp?"): the
# material's scope statement is then its answer, not a reason to decline.
NEGATED_RE = re.compile(rf"\b(?:{'|'.join(sorted(load_words().negations))})\b", re.IGNORECASE)
# A sentence about the document's own structure, pointing at text the reader does not see
# ("I det här kapitlet följer ...", "... redovisas därför här", "Kapitel 4 beskriver ...", "se bilaga 2").
DOCUMENT_DEIXIS_RE = re.compile(
    r"\b(?:i|in)\s+(?:det\s+här|detta|denna|den\s+här|följande|nästa|this|the\s+next)\s+"
    r"(?:kapit|avsnitt|stycke|chapter|section)\w*"
    r"|\b(?:redovisas|beskrivs|presenteras|behandlas|sammanfattas)\s+(?:därför\s+|också\s+)?(?:här|nedan)\b"
    r"|\b(?:nedan|här\s+nedan|below)\b|\b(?:se|see)\s+(?:kapitel|avsnitt|bilaga|chapter|section|appendix)\b"
    r"|^(?:kapitel|avsnitt|chapter|section)\s+\d+",
    re.IGNORECASE,
)
# A question about the document's parts ("Vad handlar kapitel 4 om?"): then such sentences answer it.
DOCUMENT_PART_RE = re.compile(rf"\b(?:{'|'.join(sorted(load_words().part_nouns))})\w*", re.IGNORECASE)
# A sentence in the first person singular, in a report written in the third: a respondent's words.
FIRST_PERSON_RE = re.compile(r"\b(?:jag|mig|mitt|mina)\b", re.IGNORECASE)
# A sentence that carries its own speaker or is not someone's statement: it opens or closes a quotation
# ("– Vi fick ...", "... tillsammans\", säger Lena Forsgren.", "… stanna.” – Bussförare, Enköping"), names a
# speaker after a comma ("..., säger hon.")
# or asks ("... eller tar jag hellre bilen?"). Its first person is then not an unnamed respondent's.
OWN_SPEAKER_RE = re.compile(
    r"^\W*[–—”“\"«»]|[”\"»]\W*$|[”\"»]\s*[–—]\s*[^\W\d_]"  # opens, closes, closes before "– Bussförare"
    rf"|[,”\"]\s*(?:{'|'.join(sorted(load_words().speech_verbs))})\s+\w|\?\W*$",
    re.IGNORECASE,
)
LABELLED_RE = re.compile(r"^[^\W\d_][\w ]{2,30}:\s+[^\W\d_]")  # "Författare: Lisa Pedersen"


def specificity(text: str) -> int:
    """How precise a sentence is: its numbers, and full dates twice ("den 17 mars 2022")."""
    plain = strip_markers(text)
    return len(re.findall(r"\d+", plain)) + len(FULL_DATE_RE.findall(plain))


def has_number(text: str, time: bool) -> bool:
    """Whether the sentence holds a number (digits or a number word), or with `time` a month or season."""
    lowered = text.lower()
    tokens = set(re.findall(r"[^\W\d_]+", lowered))
    return bool(re.search(r"\d", text)) or bool(tokens & NUMBER_WORDS) or (time and bool(tokens & TIME_WORDS))


def name_count(text: str, terms: list[Term]) -> int:
    """Names (capitalised, not sentence-initial) a sentence adds beyond those in the question."""
    names = set(_capitalised(text, first=False))
    return len([n for n in names if not any(t.found_in(frozenset(stems(n, compounds=False))) for t in terms)])


def _capitalised(text: str, first: bool = True) -> list[str]:
    """The capitalised words of a sentence (its first word too unless `first` is False)."""
    tokens = re.findall(r"[^\W\d_]+", strip_markers(text))
    return [t for t in (tokens if first else tokens[1:]) if t[:1].isupper()]


def named_as(text: str, kind: Term) -> bool:
    """Whether the sentence names one of the asked-for kind by a compound with it as its head
    ("Lextorpsskolan" for "Vilken skola …?", "Ekobrottsmyndigheten" for "vilken myndighet"):
    a capitalised word holding the kind's stem (of four letters or more) after a part of three or more."""
    names = {t.lower() for t in _capitalised(text)}
    return any(len(k) >= NAMED_KIND_MIN and k in n[NAMED_KIND_MIN - 1 :] for n in names for k in kind)


def type_credit(text: str, found: frozenset[str], is_list: bool, kind: Term, names: float) -> float:
    """How well a sentence gives the asked-for kind of thing ("Vilka kommuner …"): 1 for a list, an
    enumeration or a name of that kind ("Lextorpsskolan", `named_as`), the share of the names it
    adds (`names`) halved when it only uses the kind's word (stems `found`), else 0."""
    if named_as(text, kind):
        return 1.0
    if not kind.found_in(found, inflected=False):
        return 0.0
    return 1.0 if is_list or ENUMERATION_RE.search(text) else names / 2


def defines(text: str, terms: list[Term]) -> bool:
    """ "X är ...", "X (förkortning) ..." or "... förkortning (X)": the sentence says what a term is."""
    head = " ".join(text.split()[:DEFINITION_WINDOW])
    named = [t for t in terms if t.found_in(text_stems(head))]
    if named and COPULA_RE.search(head):
        return True
    return any(t.found_in(text_stems(m)) for t in terms for m in EXPANSION_RE.findall(text))


_VAGUE_QUANTIFIERS = (
    "ett antal",
    "ett par",
    "några",
    "flera",
    "vissa",
    "ett fåtal",
    "ytterligare",
    "a number of",
    "several",
    "some",
)
_ENGLISH_COUNTS = ("two", "three", "four", "five", "six")
_VAGUE_GAP = 2  # words (adjectives) allowed between the quantifier and the noun: "ett antal nya kommuner"
# What names examples after a mention ("... några hinder, bland annat ...", "...: ...").
EXAMPLES_RE = re.compile(
    r":|\b(?:bland\s+annat|bl\.\s?a\.|t\.\s?ex\.|exempelvis|såsom|till\s+exempel|nämligen|including|such\s+as|namely)\b",
    re.IGNORECASE,
)


def quantified_mention(sentence: str, asked: Term, counted: bool = False) -> bool:
    """Whether the sentence's first mention of `asked` follows a vague quantifier ("några
    hinder"), or with `counted` also a number ("tre sätt", "3 sätt"), and no enumeration follows
    in the sentence: it announces instances without naming them."""
    tokens = words(sentence.lower())
    quantifiers = (*_VAGUE_QUANTIFIERS, *NUMBER_WORDS, *_ENGLISH_COUNTS) if counted else _VAGUE_QUANTIFIERS
    for i, token in enumerate(tokens):
        if asked.found_in(frozenset({stem(token)})):
            before = tokens[max(0, i - _VAGUE_GAP - 2) : i]
            spaced = f" {' '.join(before)} "
            if not any(f" {q} " in spaced for q in quantifiers) and not (counted and any(t.isdigit() for t in before)):
                return False
            return not EXAMPLES_RE.search(sentence.lower().split(token, 1)[-1])
    return False


def advises(text: str) -> bool:
    """Whether a sentence says what to do or what was learnt ("Låt dem delta …" does not; "Det är
    avgörande att medlaren tar kontakt med den brottsutsatta först" does): words of `advice`."""
    return any(word in ADVICE_WORDS for word in words(text.lower()))


def concludes(text: str, why: bool = False) -> bool:
    """A sentence that concludes from the one before it ("Därför har det varit prioriterat …"); for a
    why-question also with the adverb after the verb and subject ("Inom projektet valde vi därför att
    testa …"), whose reason is then the sentence before. Reading that form back for every question
    lost two answers (a scope statement "Vi vill därför …", a figure pushed out), for why-questions
    it gained two and lost none."""
    return bool(CONCLUDES_RE.match(text) or (why and (CONCLUDES_LATER_RE.match(text) or CONSEQUENCE_RE.match(text))))
