"""Question cues of the record lookup: which words signal a list, a count, an explanation.

These are grammar words of Swedish and English questions, not entity vocabulary (the
entities live in ``corpus/records/vocabulary.yaml``). Every cue is matched on the
*folded* question (lower case, å/ä -> a, ö -> o, é -> e), so "hur manga" and "enkaten"
match too. A cue ending in "*" matches as a word prefix; other cues match whole words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.language.words import load_words

_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "æ": "a", "ø": "o"})


def fold(text: str) -> str:
    """Lower-case ASCII-folded text of the same length (so spans carry over)."""
    return "".join((ch.lower() or ch)[0] for ch in text).translate(_ASCII)


@lru_cache(maxsize=256)
def _pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for cue in sorted(cues, key=len, reverse=True):
        body = r"\s+".join(re.escape(fold(p)) for p in cue.rstrip("*").split())
        parts.append(body + (r"\w*" if cue.endswith("*") else r"(?!\w)"))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


def find_cue(folded: str, cues: tuple[str, ...]) -> re.Match[str] | None:
    """The first cue of ``cues`` in the folded text."""
    return _pattern(cues).search(folded)


def has_cue(folded: str, cues: tuple[str, ...]) -> bool:
    return find_cue(folded, cues) is not None


def all_cues(folded: str, cues: tuple[str, ...]) -> list[re.Match[str]]:
    return list(_pattern(cues).finditer(folded))


# fmt: off
# -- kinds of question --------------------------------------------------------------------
# Wh-words that take a noun: they ask for records only when one of the next words is a
# RECORD_NOUN ("Vilka aktiviteter", "Hur många workshops"), not for "Vilket datum".
ASKING = ("vilka", "vilken", "vilket", "lista", "visa", "rakna upp", "which", "list", "show", "name the",
          "hur manga", "antal", "antalet", "how many", "number of")
# Phrases that ask for records by themselves.
ASKING_PHRASES = ("vad gjorde", "vad gjordes", "vad analyserade", "vad fick", "vilket stod", "what did",
                  "what support", "what activities", "what municipalities", "hur stor andel", "vilken andel",
                  "what share", "what proportion", "what percentage", "hur stor del")
COUNT = ("hur manga", "antal", "antalet", "how many", "number of", "hur stor andel", "vilken andel", "what share",
         "what proportion", "what percentage", "hur stor del")
RECORD_NOUNS = (
    "aktivitet*", "insats", "insatser", "insatserna", "workshop*", "konferens*", "heldag*", "halvdag*", "seminari*",
    "forelasning*", "utbildning*", "dialog*", "mote", "moten", "motena", "traff*", "handledning*", "tillfalle*",
    "handledningstillfalle*", "kommun*", "omrade", "omradet", "omraden", "omradena", "bostadsomrade*", "stadsdel*",
    "riskomrade*",
    "metod", "metoden", "metoder", "metoderna", "modell", "modellen", "modeller", "fokusomrade*", "partner*",
    "samarbetspartner*", "skola", "skolan", "skolor", "skolorna", "arbetsgrupp*", "stod", "stodet", "deltagare",
    "respondent*", "svar", "andel", "resultat*", "fallstudie*", "analyser", "analyserna", "klassa*",
    "hinder", "hindren", "utmaning*", "planer*", "obstacle*", "challenge*", "plans",
    "activities", "activity", "conference*", "session*", "meeting*", "municipalit*", "area", "areas", "method",
    "methods", "school", "schools", "support", "result*", "participants", "people", "respondents", "share",
    "percentage", "training*", "lecture*", "seminar*", "attended", "answered", "responded",
)
# After "hur många"/"how many" these verbs ask for a number the records hold.
COUNT_VERBS = ("deltog", "deltagit", "svarade", "svarat", "fick", "attended", "answered", "responded", "came")
COUNT_WORDS = ("hur manga", "antal", "antalet", "how many", "number of")
# The question words of the language stage (`data/words.yaml`), and those asking where or whose.
QUESTION_WORDS = (*sorted(load_words().question_words), "var", "vems", "where", "whose")
# Questions about time or amounts of money the records do not hold.
NOT_RECORDS = ("nar", "when", "hur lange", "hur lang", "how long", "hur mycket", "how much", "vilket datum",
               "vilket ar", "what date", "what year")
# "Hur" opens a how-question (prose) unless it asks for a number or a classification.
HOW = re.compile(r"^\W*(?:hur|how)\s+(?!manga|many|stor\s+andel|stor\s+del|klassa\w*|classified|is\b.*classified)")
RESULT = ("vad visade", "vad visar", "visade", "resultat*", "resulterade", "utfall*", "ledde till", "blev resultatet",
          "show", "showed", "result*", "outcome*", "skiljer", "skillnad*", "differ*")
EXPLAIN = ("vad ar", "vad innebar", "vad betyder", "vad menas", "beskriv", "berätta om", "forklara", "varfor",
           "hur fungerar", "hur gar", "hur gick", "hur arbetar", "what is", "what are", "what does", "what do",
           "why", "how does", "how do", "how did", "explain", "describe", "tell me about", "meaning of")
# Questions that open with these ask where ("Var gjordes fallstudier i Sigtuna ...?").
WHERE_OPENERS = ("var", "where")

# -- what is asked for -------------------------------------------------------------------
KOMMUN_NOUN = ("kommun", "kommuner", "kommunerna", "kommunen", "municipality", "municipalities", "cities", "towns")
KOMMUN_ASKED = re.compile(
    r"(?<!\w)(?:vilka|vilken|which|what|hur\s+manga|how\s+many)(?:\s+(?:av|of\s+the))?\s+"
    r"(?:kommun(?:er|erna)?|municipalit(?:y|ies)|cities|towns)(?!\w)"
)
PARTICIPATION = ("medverka*", "deltog", "deltagit", "delta", "deltar", "ingick", "ingar", "var me", "var med",
                 "took part", "take part", "participat*", "involved", "part of", "were in", "suo", "suo-projektet",
                 "projekt", "projektet", "projektets", "project", "i projektet", "in the project")
AREA = ("omrade", "omradet", "omraden", "omradena", "bostadsomrade*", "stadsdel*", "area", "areas", "klassa*",
        "klassning*", "classified", "classification", "utsatt*", "riskomrade*", "vulnerable", "risk area*")
AREA_SUO = ("sarskilt utsatt*", "especially vulnerable", "particularly vulnerable", "severely vulnerable")
AREA_RISK = ("riskomrade*", "risk area*", "risk zone*")
METHOD = ("vilka metoder", "vilken metod", "vilka modeller", "which methods", "what methods", "which method",
          "metoder", "methods")
FOCUS_LIST = ("vilka fokusomraden", "vilket fokusomrade", "inom vilka fokusomraden", "which focus areas",
              "what focus areas")

# -- counts ----------------------------------------------------------------------------------
PARTICIPANTS = ("deltog", "deltagare", "deltagit", "narvarade", "kom dit", "attended", "attendees",
                "participants", "participated", "people", "personer", "representanter")
OCCASIONS = ("workshop*", "tillfall*", "handledningstillfall*", "konferens*", "seminari*", "forelasning*",
             "dialog*", "mote", "moten", "motena", "traff*", "gang", "ganger", "session*", "meeting*",
             "conference*", "lecture*", "occasion*", "times", "halvdag*", "heldag*")
PER_KOMMUN = ("varje kommun", "per kommun", "respektive kommun", "each municipality", "per municipality")

# -- outcome kinds (the ``uppfoljning`` column of outcomes.csv) ----------------------------------
OUTCOME_KINDS: dict[str, tuple[str, ...]] = {
    # "andel"/"procent" alone are no survey cue: "Hur stor andel av eleverna ...?" is about something else
    "enkat": ("enkat*", "survey*", "questionnaire*", "respondent*", "svarade", "svarat", "answered"),
    "crm": ("crm*", "community readiness", "matning*", "measurement*"),
    "hinder": ("hinder", "hindren", "utmaning*", "obstacle*", "challenge*", "svarighet*", "tappade fart"),
    "plan": ("planer*", "planen", "planerna", "fortsatt*", "framover", "plans", "planned", "continue*"),
    "kvartalsrapport": ("kvartal*", "quarterly"),
    "uppfoljning": ("uppfoljning", "uppfoljningen", "uppfoljningar*", "follow-up", "follow up", "followed up"),
    "resultat": ("resultat*", "resulterade", "utfall*", "ledde till", "effekt*", "result*", "outcome*"),
}
CRM_FIRST = ("forsta", "inledande", "initial", "first", "baseline", "start*", "borjan")
CRM_FOLLOWUP = ("uppfoljande", "uppfoljning*", "andra", "second", "follow-up", "follow up", "slut*", "senare", "later")
ENKAT_UNITS: dict[str, tuple[str, ...]] = {
    "respondenter": ("fick", "skickades", "skickats", "skickade", "mottagare", "sent", "received", "utskick*"),
    "svar": ("svarade", "svarat", "svar", "answered", "replied", "responded", "answers", "responses"),
    "procent": ("andel", "procent", "share", "percent*", "proportion", "hur stor del", "majoritet*", "majority"),
}

# -- conversation ---------------------------------------------------------------------------
FOLLOWUP_OPENERS = ("och", "men", "samt", "and", "what about", "how about", "and in", "och i", "och inom", "också",
                    "also")
REFERENCES = ("det", "den", "dessa", "denna", "detta", "dem", "dar", "metoden", "modellen", "konferensen",
              "konferenserna", "arbetet", "insatsen", "it", "that", "they", "them", "there", "this", "those",
              "the method", "the model", "the conference", "the school", "the area")

# -- places -------------------------------------------------------------------------------------
# A municipality outside the material after "i"/"in" in a question about an event is where
# the event was held ("konferensen i Stockholm"), not a municipality the question is about.
EVENTS = ("konferens*", "heldag*", "halvdag*", "tvadagars*", "natverksdag*", "natverksmote*", "seminari*",
          "forelasning*", "mote", "motet", "moten", "traff*", "utbildning*", "conference*", "seminar*",
          "meeting*", "lecture*", "hold", "held", "holls", "anordnades", "arrangerades")
PLACE_PREPOSITIONS = re.compile(r"(?:^|\W)(?:i|in|till|to|fran|from|at)\s+$")

# Words that say nothing about the topic: left out when rows are narrowed by topic words.
GENERIC = frozenset(
    fold(w)
    for w in """
    kommun kommuner kommunerna kommunen kommunens fokusområde fokusområdet fokusområden municipality municipalities
    aktivitet aktiviteter aktiviteterna aktiviteten genomförde genomfördes genomfört genomförts
    gjorde gjordes gjort hölls hålls hade har fick får
    stöd stödet arbete arbetet arbetade arbetat projekt projektet projektets suo inom under med mot för om
    vilka vilken vilket hur många antal vad visade visar resultat resultatet resultaten blev var vara
    deltog deltagit medverkade ingick klassas klassad klassat klassades
    which what how many did do does the in of for with about were was activities activity project show showed
    result results municipality took part brå brås enligt according involved rapporten report materialet
    tillsammans together used använde användes worked
    """.split()
)
# fmt: on
