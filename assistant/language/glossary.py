"""A small English -> Swedish glossary of the material's domain vocabulary.

No translation model exists offline, so English questions over the Swedish material are
bridged with this word list: the lexical retriever, the extractive answerer and the
refusal check see the Swedish words an English question most likely means. The dense
retriever needs none of this (multilingual-e5 is cross-lingual). Keys are lower-case
English words or short phrases; values are Swedish words as they occur in the material.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.language.text import stem

EN_SV: dict[str, tuple[str, ...]] = {
    "agency": ("myndighet",),
    "agencies": ("myndigheter",),
    "aim": ("mål", "syfte"),
    "area": ("område",),
    "assessment": ("bedömning", "lägesbild"),
    "association": ("förening", "föreningen"),
    "areas": ("områden",),
    "assignment": ("uppdrag", "regeringsuppdraget"),
    "author": ("författare",),
    "authority": ("myndighet",),
    "begin": ("startade", "inleddes"),
    "budget": ("medel", "kronor", "miljoner"),
    "challenge": ("utmaningar", "utmaning", "hinder"),
    "difficulty": ("utmaningar", "hinder"),
    "difficulties": ("utmaningar", "hinder"),
    "child": ("barn",),
    "children": ("barn",),
    "collaboration": ("samverkan",),
    "company": ("aktör", "företag"),
    "consultancy": ("extern aktör", "konsult"),
    "consultant": ("extern aktör", "konsult"),
    "consulting": ("extern aktör", "konsult"),
    "commission": ("uppdrag", "regeringsuppdraget"),
    "conference": ("konferens",),
    "cooperation": ("samverkan",),
    "coordinator": ("koordinator",),
    "cost": ("kostnader", "medel", "kronor"),
    "crime": ("brott", "brottslighet"),
    "criminal": ("kriminella", "kriminalitet"),
    "crime prevention": ("brottsförebyggande",),
    "decision": ("beslut",),
    "deadline": ("senast", "redovisas"),
    "dimension": ("dimensioner",),
    "duration": ("tid", "pågick"),
    "end": ("avslutades", "avslutning"),
    "evidence-based": ("kunskapsbaserat",),
    "extremism": ("extremism",),
    "finish": ("avslutades",),
    "focus area": ("fokusområde", "fokusområden"),
    "follow-up": ("uppföljning",),
    "format": ("format",),
    "fraud": ("välfärdsbrott", "felaktiga utbetalningar"),
    "funding": ("medel", "kronor", "ekonomiskt stöd"),
    "future": ("framöver", "fortsatt", "framtida"),
    "experience": ("erfarenheter", "erfarenhet"),
    "goal": ("mål", "målsättning"),
    "government": ("regeringen",),
    "swedish": ("svenska", "sverige"),
    "originally": ("ursprungligen",),
    "reference number": ("diarienummer",),
    "halfway": ("halvvägs", "halvtid"),
    "held": ("hölls", "genomfördes"),
    "used": ("använts", "användes", "använda"),
    "trained": ("utbildning", "utbildade"),
    "delivered": ("genomförde", "höll", "ledde"),
    "sweden": ("sverige",),
    "develop": ("utveckla",),
    "development": ("utveckling", "utveckla"),
    "signed": ("vägnar",),
    "hindrance": ("hinder",),
    "hire": ("anlita", "uppdrag"),
    "hired": ("anlitade", "uppdrag"),
    "housing": ("bostäder", "bostadsbolag"),
    "improper influence": ("otillåten påverkan",),
    "influence": ("påverkan",),
    "interview": ("intervjuer",),
    "knowledge": ("kunskap",),
    "knowledge-based": ("kunskapsbaserat",),
    "law": ("lag", "lagen"),
    "lecture": ("föreläsningar", "föreläsning"),
    "learn": ("lärdomar", "lärdom"),
    "lesson": ("lärdomar",),
    "lessons learned": ("lärdomar",),
    "manager": ("chefer",),
    "mother": ("mamma", "mammor"),
    "mothers": ("mamma", "mammor"),
    "measurement": ("mätning", "mätningar"),
    "method": ("metod", "metoder", "metodstöd"),
    "model": ("modell", "modellen"),
    "money": ("medel", "kronor", "miljoner"),
    "municipality": ("kommun", "kommuner"),
    "municipalities": ("kommuner",),
    "objective": ("mål", "målsättning"),
    "organise": ("organisation", "organiserat"),
    "organised": ("organisation", "organiserat"),
    "organize": ("organisation", "organiserat"),
    "organized": ("organisation", "organiserat"),
    "organisation": ("organisation",),
    "organization": ("organisation",),
    "obstacle": ("hinder",),
    "organised crime": ("organiserad brottslighet",),
    "organized crime": ("organiserad brottslighet",),
    "outcome": ("resultat",),
    "parallel societal structures": ("parallella samhällsstrukturer",),
    "parallel structures": ("parallella samhällsstrukturer",),
    "parent": ("föräldrar", "föräldraskapsstöd"),
    "parenting": ("föräldraskapsstöd",),
    "participant": ("deltagare",),
    "participate": ("deltog", "medverkat", "delta"),
    "percent": ("procent",),
    "practical": ("praktisknära", "praktiskt"),
    "problem": ("utmaningar", "hinder", "problem"),
    "problems": ("utmaningar", "hinder", "problem"),
    "planning": ("planering",),
    "police": ("polisen", "polismyndigheten"),
    "prevent": ("förebygga", "förebyggande"),
    "prevention": ("förebyggande", "förebygga"),
    "preventive": ("förebyggande",),
    "programme": ("program", "programmet"),
    "program": ("program", "programmet"),
    "project": ("projekt", "projektet"),
    "purpose": ("syfte",),
    "questionnaire": ("enkät",),
    "radicalisation": ("radikalisering",),
    "radicalization": ("radikalisering",),
    "recruit": ("rekryteras",),
    "recruitment": ("rekryteras",),
    "report": ("rapport",),
    "respond": ("svar", "respondenter"),
    "run into": ("stötte", "hinder"),
    "ran into": ("stötte", "hinder"),
    "respondent": ("respondenter", "svar"),
    "response": ("svar",),
    "receive": ("erhöll", "fick", "tilldelades"),
    "recommend": ("rekommendation", "rekommenderar", "lärdomar"),
    "recommendation": ("rekommendation", "lärdomar"),
    "result": ("resultat",),
    "safety": ("trygghet",),
    "school": ("skola", "skolor", "skolmiljöer"),
    "social services": ("socialtjänst", "socialtjänsten"),
    "security": ("säkerhet", "trygghet"),
    "select": ("urval", "valdes", "valde"),
    "selected": ("urval", "valdes", "valde"),
    "selection": ("urval", "valdes"),
    "staff": ("personal", "medarbetare"),
    "start": ("startade", "inleddes", "uppstart"),
    "support": ("stöd",),
    "survey": ("enkät", "enkätundersökning"),
    "teacher": ("lärare",),
    "time frame": ("tidsram",),
    "timeframe": ("tidsram",),
    "take part": ("deltog", "medverkat"),
    "took part": ("deltog", "medverkat"),
    "training": ("utbildning",),
    "urban planning": ("samhällsplanering", "samhällsbyggnadsprocessen"),
    "violent extremism": ("våldsbejakande extremism",),
    "voluntary": ("ideella", "ideell"),
    "vulnerable": ("utsatta",),
    "classified": ("klassificerats", "klassas", "klassade"),
    "welfare": ("välfärd", "välfärdssystemen"),
    "welfare fraud": ("välfärdsbrottslighet", "välfärdsbrott"),
    "workshop": ("workshop", "workshops"),
    "write": ("författare",),
    "wrote": ("författare",),
    "young": ("unga",),
    "youth": ("unga",),
}

# Swedish question words the material puts differently ("pengar" -> "medel", "kronor").
# Strong verbs are listed because the stemmer cannot relate their forms ("deltog" / "delta").
SV_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pengar": ("medel", "kronor", "miljoner"),
    # everyday words for the material's own terms
    "satsning": ("projekt", "projektet"),
    "satsningen": ("projekt", "projektet"),
    "frågeformulär": ("enkät", "enkäten"),
    "frågeformuläret": ("enkät", "enkäten"),
    "ort": ("kommun",),
    "orter": ("kommuner",),
    "orterna": ("kommunerna",),
    "partnervåld": ("våld", "nära", "relationer"),
    "hedersförtryck": ("hedersrelaterat", "förtryck"),
    "konsult": ("extern", "aktör"),
    "konsulter": ("extern", "aktör"),
    "konsultföretag": ("extern", "aktör"),
    "konsultföretaget": ("extern", "aktör"),
    "stadsplanering": ("samhällsplanering", "samhällsbyggnadsprocessen"),
    "stadsplaneringen": ("samhällsplanering", "samhällsbyggnadsprocessen"),
    "bidrag": ("medel", "anslag"),
    "bidraget": ("medel", "anslag"),
    "slut": ("avslutades", "avslut"),
    "koll": ("uppföljning", "följa"),
    "kostade": ("kronor", "miljoner", "medel"),
    "kostar": ("kronor", "miljoner", "medel"),
    "kostat": ("kronor", "miljoner", "medel"),
    "kostnad": ("kronor", "miljoner", "medel"),
    "kostnaden": ("kronor", "miljoner", "medel"),
    "kostnader": ("kronor", "miljoner", "medel"),
    "kostnaderna": ("kronor", "miljoner", "medel"),
    "utgick": ("utgå", "utgångspunkt"),
    "utgår": ("utgå", "utgångspunkt"),
    "utgått": ("utgå", "utgångspunkt"),
    "deltog": ("delta", "deltagit", "medverkat"),
    "deltar": ("delta", "deltog", "medverkat"),
    "deltagit": ("delta", "deltog", "medverkat"),
    "gjorde": ("göra", "gjort", "genomförde"),
    "gjordes": ("göra", "gjort", "genomfördes"),
    "fick": ("få", "fått", "erhöll"),
    "gick": ("gå", "gått"),
    "pågick": ("pågå", "pågått", "startade", "avslutades"),  # how long it went on: when it began and ended
    "pågått": ("pågå", "pågick", "startade", "avslutades"),
    "pågå": ("pågick", "pågått"),
    "pågår": ("pågick", "pågått"),
    "drog": ("dra", "dragit", "dras"),
    "drar": ("dra", "dragit", "drog"),
    "drogs": ("dra", "dragits", "dras"),
    "valde": ("välja", "valt", "valdes"),
    "skedde": ("ske", "skett"),
    "hände": ("hänt", "skedde"),
    "svårigheter": ("utmaningar", "hinder"),
    "svårighet": ("utmaning", "hinder"),
    "problem": ("utmaningar", "hinder"),
    "syftet": ("mål", "målsättning"),
    "författare": ("författare",),
    "skrev": ("författare", "vägnar"),  # wrote, or signed ("skrev under")
    "undertecknade": ("vägnar",),
    "bättre": ("förbättrats", "förbättring", "förstärkt"),  # "vad blev bättre": what improved
    "inget": ("inga", "ingen", "inte"),  # a negation in any of its forms
    "ingen": ("inga", "inget", "inte"),
    "inga": ("ingen", "inget", "inte"),
    "signerade": ("vägnar",),
    "skrivit": ("författare",),
    # everyday verbs and nouns (any inflection: looked up by stem too, see `synonyms`)
    "jobba": ("arbeta", "arbetade", "arbete"),
    "jobb": ("arbete",),
    "hjälpa": ("stöd", "stödja"),
    "hjälp": ("stöd",),
    "hjälpte": ("stöd", "stödde"),
    "började": ("startade", "inleddes", "påbörjades"),
    "slutade": ("avslutades", "avslut"),
    "anlita": ("upphandlat", "uppdrag"),
    "anlitade": ("upphandlat", "uppdrag"),
    "konsultbolag": ("extern", "aktör", "konsulttjänster"),
    "inbjuden": ("bjöds",),
    "inbjudna": ("bjöds",),
    "bjöd": ("bjöds",),
    "träff": ("möte", "tillfälle"),
    "träffar": ("möten", "tillfällen"),
    "ungdomar": ("unga",),
    "polisen": ("polismyndigheten",),
    "polis": ("polismyndigheten",),
    "gäng": ("kriminella", "nätverk"),
    "tänk": ("perspektiv",),
}

_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("ing", ""),
    ("ing", "e"),
)
_MAX_PHRASE = max(len(k.split()) for k in EN_SV)


def _lookup(phrase: str) -> tuple[str, ...]:
    if phrase in EN_SV:
        return EN_SV[phrase]
    head, _, last = phrase.rpartition(" ")
    for suffix, repl in _SUFFIXES:
        if last.endswith(suffix) and len(last) > len(suffix) + 2:
            base = f"{head} {last[: -len(suffix)] + repl}".strip()
            if base in EN_SV:
                return EN_SV[base]
    return ()


def translations(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(English word or phrase, Swedish alternatives) for the glossary entries in ``text``, longest first."""
    tokens = [w for w in re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()) if w]
    out: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(tokens):
        for size in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i : i + size])
            found = _lookup(phrase)
            if found:
                out.append((phrase, found))
                i += size
                break
        else:
            i += 1
    return out


def translate(text: str) -> list[str]:
    """Swedish glossary words for the English words and phrases of ``text``."""
    return list(dict.fromkeys(word for _, found in translations(text) for word in found))


def synonyms(word: str) -> tuple[str, ...]:
    """Words the material uses for a Swedish question word (empty when none are listed): the
    word itself is looked up, then its stem ("pengarna" finds "pengar", "jobbade" "jobba")."""
    word = word.lower()
    return SV_SYNONYMS.get(word) or _by_stem().get(stem(word), ())


@lru_cache(maxsize=1)
def _by_stem() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for word, found in SV_SYNONYMS.items():
        out[stem(word)] = tuple(dict.fromkeys([*out.get(stem(word), ()), *found]))
    return out


def expand_swedish(text: str) -> list[str]:
    """Listed synonyms of the Swedish words of ``text`` (for the lexical query)."""
    return list(dict.fromkeys(s for w in re.findall(r"[^\W\d_]+", text.lower()) for s in synonyms(w)))
