"""What kind of answer a question asks for ("Hur många …": a quantity, "Hur kan vi …": practical advice)."""

from __future__ import annotations

import re

from assistant.language.text import fold_letters, normalize

Kind = str  # "quantity" "time" "frequency" "who" "list" "definition" "reason" "howto" "overview" "total"
# "profile": an overview of a named one and nothing more ("Vad gjorde Gävle?")

_KIND_PATTERNS: dict[Kind, re.Pattern[str]] = {
    "quantity": re.compile(
        r"\b(hur\s+många|hur\s+mycket|hur\s+(?:stor|stort|stora|omfattande)|hur\s+(?:lång|långt|långa|gammal|gamla)|antal|"
        r"how\s+many|how\s+much|how\s+(?:big|large|extensive)|number\s+of)\b"
    ),
    "time": re.compile(
        r"\b(när|vilket\s+år|vilken\s+månad|vilken\s+period|vilken\s+tid|vilka\s+(?:tider|dagar|veckodagar|månader)|"
        r"vilken\s+(?:dag|veckodag|tidpunkt)|hur\s+länge|datum|when|what\s+year|what\s+times?|which\s+days|"
        r"which\s+year|how\s+long|what\s+period|(?:what|which)\s+(?:date|day))\b"
    ),
    "who": re.compile(r"\b(vem|vilka|vilken|vilket|who|whom|which)\b"),
    "list": re.compile(r"\b(vilka|lista|nämn|ange|räkna\s+upp|which|list|name\s+the|what\s+(?:are|were))\b"),
    "definition": re.compile(
        r"\b(vad\s+är|vad\s+innebär|vad\s+betyder|vad\s+menas|vad\s+står\s+(?:[\w-]+\s+){1,2}för|what\s+is|what\s+does|"
        r"vad\s+e\s+(?:[\w-]+\s+){1,2}för\s+(?:något|nåt|nånting))\b"  # "vad e EST för nåt"
    ),
    "reason": re.compile(
        r"\b(varför|av\s+vilken\s+anledning|av\s+vilka\s+skäl|vad\s+berodde|vad\s+beror|why|what\s+caused|how\s+come)\b"
    ),
    "frequency": re.compile(
        r"\b(hur\s+ofta|hur\s+många\s+gånger|med\s+vilk(?:et|en)\s+(?:intervall|frekvens|regelbundenhet)|"
        r"how\s+often|how\s+frequently)\b"
    ),
    # a total: the sum of a table or of several figures ("totalsumman", "vad kostade det totalt")
    "total": re.compile(r"\b(total\w*|summan|summa|sammanlag\w*|in\s+total|altogether)\b"),
    # practical questions: what to do, how others did it
    "howto": re.compile(
        r"\b(hur\s+(?:kan|ska|skall|bör|borde|kommer|får|gör|gjorde|gick|lade|la|jobbade|arbetade|fick)\s+"
        r"(?:vi|man|jag|ni|de|dom|kommunen|kommunerna|en\s+kommun)|vad\s+(?:ska|bör|behöver)\s+(?:vi|man|jag)\s+"
        r"(?:tänka|göra|ha)|tips|hur\s+(?:kommer|kom|kommit)\s+(?:\w+\s+){1,3}igång|hur\s+gick\s+(?:\w+\s+){1,3}tillväga|how\s+(?:can|should|do|did|could)\s+"
        r"(?:we|i|you|they|one|the\s+municipalities)|what\s+should\s+(?:we|i)|any\s+advice)\b"
    ),
    # summaries: an overview of a section, a municipality, the results
    "overview": re.compile(
        r"\b(sammanfatt\w*|summer\w*|i\s+korthet|kortfattat|översikt|överblick|vad\s+kom\s+(?:man|de|ni|brå|\w+)\s+fram\s+till|"
        r"berätta\s+(?:om|kort)|vad\s+gick\s+.{0,40}\s+ut\s+på|summari[sz]e|overview|in\s+short|what\s+came\s+out)\b"
    ),
}


# The same patterns without Swedish letters, for questions typed without them ("nar", "hur manga").
_FOLDED_PATTERNS = {kind: re.compile(fold_letters(p.pattern)) for kind, p in _KIND_PATTERNS.items()}


# "Vad gjorde Alingsås?", "What did Falun do?" and nothing more: a summary of what a town did.
_DID_ALONE = re.compile(
    r"^\W*(?:(?:och\s+)?vad\s+(?:gjorde|har)\s+\w+(?:\s+gjort)?|what\s+did\s+\w+\s+do)\W*$", re.IGNORECASE
)


# "Vad gjorde Piteå för elever som …?", "… kring våldsbejakande extremism?": a summary of that work
# (sixteen sets +3 -1: one answer loses a result figure to the section's own sentences).
_DID_ABOUT = re.compile(
    r"^\W*(?:och\s+)?vad\s+gjorde\s+[a-zåäö]+(?:\s+\w+)?\s+(?:för|kring|med|inom|mot|åt)\s", re.IGNORECASE
)


# "Vad gjorde Vara kommun?", "Vad gjorde Södertälje i projektet?": a name (capitalised, so "vad gjorde
# de sen?" is none), one more word of it at most, and where at most: a summary of what it did
# (nineteen sets +1, nothing else changes; "Vara" is also a stopword, so the name is read by its case).
# With a short clause on how it went ("Vad gjorde Härnösand, och hur gick det?"): nine sets +1, two
# more answers are the town's section instead of sentences from four chapters, nothing lost.
_DID_NAMED = re.compile(
    r"^\W*(?i:och\s+)?(?i:vad)\s+(?i:gjorde|har)\s+[A-ZÅÄÖ][\w-]*(?:\s+[\w-]+)?(?:\s+(?i:gjort))?"
    r"(?:\s+(?i:i|under|inom)\s+[\w-]+)?(?:,?\s+(?i:och|samt)\s+(?i:hur|vad|vilka|vilket)(?:\s+[\w-]+){1,3})?\W*$"
    r"|^\W*(?i:what\s+did)\s+[A-Z][\w-]*(?:\s+[\w-]+)?\s+(?i:do)(?:\s+(?i:in|during)\s+(?:the\s+)?[\w-]+)?"
    r"(?:,?\s+(?i:and)\s+(?i:how|what)(?:\s+[\w-]+){1,3})?\W*$"
)


def question_kinds(question: str) -> set[Kind]:
    """The kinds of answer a question asks for, e.g. {"quantity"} for "Hur många ...?"."""
    lowered = normalize(question).lower()
    folded = fold_letters(lowered)
    kinds = {kind for kind, pattern in _KIND_PATTERNS.items() if pattern.search(lowered)}
    if _DID_ALONE.match(lowered) or _DID_NAMED.match(normalize(question)):
        kinds |= {"overview", "profile"}
    elif _DID_ABOUT.match(lowered):
        kinds.add("overview")
    kinds |= {kind for kind, pattern in _FOLDED_PATTERNS.items() if pattern.search(folded)}
    if "time" in kinds:
        kinds.discard("who")  # "vilket år" asks for a year, not a name
    if "howto" in kinds:
        kinds.discard("time")  # "Vad ska vi tänka på när ...?": "när" joins a clause, it asks no time
    return kinds


def kind_cues(question: str) -> set[str]:
    """The words that tell a question's kind ("sammanfatta", "hur många", "vilka steg" is not one):
    they say what kind of answer is wanted, not what it is about."""
    lowered = normalize(question).lower()
    words: set[str] = set()
    for pattern in _KIND_PATTERNS.values():
        for match in pattern.finditer(lowered):
            words.update(re.findall(r"\w+", match.group(0)))
    return words
