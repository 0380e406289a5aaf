"""Router decisions on a table of questions: Swedish, English, misspelled, follow-ups,
municipalities outside the material, and questions that need both records and prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.records.vocabulary import load_municipality_list, load_vocabulary
from assistant.router import Router

RECORDS = Path(__file__).resolve().parents[2] / "corpus" / "records"


@pytest.fixture(scope="module")
def router() -> Router:
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    return Router(vocabulary, load_municipality_list(RECORDS / "sveriges_kommuner.yaml"))


CASES: list[tuple[str, list[str], str]] = [
    # list and count questions about record entities
    ("Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?", [], "lookup"),
    ("Vilka kommuner använde Crime proofing?", [], "lookup"),
    # a partner alone: its activities are records, anything else about it is prose
    ("Vilka aktiviteter genomfördes tillsammans med Brå?", [], "lookup"),
    ("Vilka aktiviteter genomförde Sweco i projektet?", [], "lookup"),
    ("What did Brå learn about the project's time frame?", [], "rag"),
    ("Vilka nya kommuner får stöd från Brå från hösten 2024?", [], "rag"),
    # records hold no dates; outcomes are kept per municipality only
    ("Which municipality hired an SSPF coordinator, and when?", [], "both"),
    ("Hur stor andel av ungdomarna i Valsta deltog i SSPF?", [], "rag"),
    ("Hur stor andel svarade fyra eller fem i enkäten?", [], "lookup"),
    ("Hur stor andel av eleverna på Eddaskolan känner sig trygga?", [], "rag"),
    ("Var Crime proofing mer effektivt än SSPF?", [], "rag"),
    ("How many people live in Trollhättan?", [], "rag"),
    ("Hur många invånare har Sigtuna?", [], "rag"),
    # the records hold no amounts of money
    ("Hur många kronor fick Trollhättan av Brå för att fortsätta samarbetet med CVE?", [], "rag"),
    ("Hur många workshops om otillåten påverkan hölls i Göteborg Sydväst?", [], "lookup"),
    ("Vad visade den uppföljande CRM-mätningen för Trollhättan?", [], "lookup"),
    ("Vilka kommuner medverkade i projektet?", [], "lookup"),
    ("Vilket område i Sigtuna omfattades och hur klassas det?", [], "lookup"),
    ("Hur klassades Hovsjö i Polisens lägesbild 2023?", [], "lookup"),
    ("Hur många svarade på enkäten?", [], "lookup"),
    ("Vad gjorde MFoF i Trollhättan?", [], "lookup"),
    # English
    ("Which municipalities used Crime proofing?", [], "lookup"),
    ("How many workshops on unlawful influence were held in Göteborg Sydväst?", [], "lookup"),
    ("Which municipalities took part in the project?", [], "lookup"),
    ("What is Crime proofing?", [], "rag"),
    ("Why did the CRM results differ?", [], "both"),
    # misspelled, no å/ä/ö, no question mark
    ("otillaten paverkan goteborg hur manga workshops", [], "lookup"),
    ("hur manga svarade pa enkaten", [], "lookup"),
    ("Vilka aktiviteter genomförde Trolhättan?", [], "lookup"),
    ("sspf i linkoping?", [], "lookup"),
    # follow-ups fill the missing entity from the conversation
    ("Och inom välfärdsbrott?", ["Vilka aktiviteter genomförde Sigtuna?"], "lookup"),
    ("Vilka kommuner startade det?", ["Vad är SSPF?"], "lookup"),
    ("Hur många deltog i konferensen?", ["Vad är EST?"], "lookup"),
    ("Hur många svarade?", ["Berätta om enkätundersökningen i slutet av projektet."], "lookup"),
    ("Och vad tyckte kommunerna om metoden?", ["Vad är Crime proofing?", "Vilka kommuner använde det?"], "rag"),
    # municipalities outside the material
    ("Vilka aktiviteter genomförde Malmö?", [], "lookup"),
    ("Vilka aktiviteter genomfördes i Uppsala inom projektet?", [], "lookup"),
    ("Did Malmö use Crime proofing in the project?", [], "lookup"),
    ("Vilka aktiviteter genomförde Stockholm?", [], "lookup"),
    ("Vilka konferenser hölls i Stockholm?", [], "rag"),
    ("Hur många deltog i heldagskonferensen om EST i Stockholm?", [], "lookup"),
    # explanations and prose
    ("Vad är Crime proofing?", [], "rag"),
    ("Vad innebär välfärdsbrottslighet?", [], "rag"),
    ("Varför valdes Sigtuna?", [], "rag"),
    ("Hur fungerar SSPF?", [], "rag"),
    ("När fick Brå uppdraget?", [], "rag"),
    ("När anställde Trollhättan en SSPF-koordinator?", [], "rag"),
    ("Hur mycket pengar fick Brå för uppdraget?", [], "rag"),
    ("Vilket datum fick Brå regeringsuppdraget?", [], "rag"),
    ("Vilka sex fokusområden hade projektet?", [], "rag"),
    ("Vilka tre områden omfattade det situationella och platsbaserade brottsförebyggande arbetet?", [], "rag"),
    ("Är Crime proofing en bättre metod än SSPF?", [], "rag"),
    ("What will the weather be like in Stockholm tomorrow?", [], "lookup"),  # declined: Stockholm is not in it
    # both kinds
    ("Vad är Crime proofing och vilka kommuner använde det?", [], "both"),
    ("Varför skiljer sig CRM-resultaten för Sigtuna och Södertälje?", [], "both"),
    ("Vilket stöd fick Sigtuna med SSPF och varför?", [], "both"),
    ("Vad resulterade arbetet med Tryggare skola i Trollhättan i?", [], "both"),
    ("I vilka bostadsområden initierade Linköping SSPF?", [], "both"),
    # a summary of what a municipality did: the records' overview (the prose too where rows say less)
    ("Kan du ge en kort sammanfattning av vad Göteborg Sydväst gjorde?", [], "lookup"),
    ("Sammanfatta vad Sigtuna jobbade med under projektet", [], "lookup"),
]


@pytest.mark.parametrize(("question", "history", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_route(router: Router, question: str, history: list[str], expected: str) -> None:
    decision = router.route(question, history)
    assert decision.route == expected, decision.reason
    assert decision.reason.startswith(expected) and "\n" not in decision.reason


def test_followup_takes_the_municipality_from_history(router: Router) -> None:
    decision = router.route("Och inom välfärdsbrott?", ["Vilka aktiviteter genomförde Sigtuna?"])
    assert decision.query.kommuner == ["Sigtuna"] and decision.query.fokus == [4]
    assert "from history" in decision.reason


def test_followup_does_not_override_what_the_question_names(router: Router) -> None:
    decision = router.route("Vilka aktiviteter genomförde Linköping?", ["Vilka aktiviteter genomförde Sigtuna?"])
    assert decision.query.kommuner == ["Linköping"]


def test_a_pronoun_that_points_back_takes_the_partner_from_history(router: Router) -> None:
    """ "de" is the earlier question's MFoF (the prose's follow-up rule, `conversation.is_follow_up`)."""
    decision = router.route("Vad gjorde de i Linköping då?", ["Vilken roll hade MFoF i projektet?"])
    assert decision.query.kommuner == ["Linköping"] and decision.query.partner == ["MFoF"]
    alone = router.route("Vad gjorde Sigtuna i Linköping?", ["Vilken roll hade MFoF i projektet?"])
    assert alone.query.partner == []


def test_unknown_municipality_is_named_in_the_reason(router: Router) -> None:
    decision = router.route("Vilka aktiviteter genomförde Malmö?")
    assert decision.query.unknown == ["Malmö"] and "Malmö" in decision.reason


def test_stockholm_as_the_place_of_a_conference_is_not_an_unknown_municipality(router: Router) -> None:
    assert router.route("Vilka konferenser hölls i Stockholm?").query.unknown == []
    assert router.route("Vilka aktiviteter genomförde Stockholm?").query.unknown == ["Stockholm"]
    assert router.route("Vilka aktiviteter genomfördes med Region Stockholm?").query.unknown == []


def test_free_topic_municipality_question_uses_the_probe() -> None:
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    question = "I vilka kommuner bytte de lokala projektledarna tjänster?"
    assert Router(vocabulary, probe=lambda q: True).route(question).route == "lookup"
    assert Router(vocabulary, probe=lambda q: False).route(question).route == "rag"
    assert Router(vocabulary).route(question).route == "both"


def test_the_built_router_reads_the_corpus_vocabulary(fake_settings) -> None:
    from assistant.wiring import build_lookup, build_router, load_knowledge

    knowledge = load_knowledge(fake_settings)
    lookup = build_lookup(fake_settings, knowledge)
    assert lookup is not None
    router = build_router(knowledge, lookup)
    decision = router.route("Vilka kommuner använde Crime proofing?")
    assert decision.query.metoder == ["Crime proofing"]  # the method, from the corpus vocabulary
    assert decision.route in ("lookup", "both")  # both: these settings' records store holds no row


def test_rows_silent_on_the_question_s_own_topic_add_the_prose() -> None:
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    question = "Vilka satt i arbetsgruppen för Tryggare skola i Trollhättan?"
    assert Router(vocabulary, covers=lambda q: False).route(question).route == "both"
    assert Router(vocabulary, covers=lambda q: True).route(question).route == "lookup"
    assert Router(vocabulary).route(question).route == "lookup"


def test_a_place_the_documents_mention_is_part_of_the_material() -> None:
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    names = load_municipality_list(RECORDS / "sveriges_kommuner.yaml")
    question = "Vilka aktiviteter genomförde Kiruna?"
    assert Router(vocabulary, names).route(question).route == "lookup"  # declined: not in the records
    documented = Router(vocabulary, names, mentioned=lambda name: name == "Kiruna").route(question)
    assert documented.route == "rag" and documented.query.unknown == [] and not documented.note


def test_a_real_municipality_is_not_a_misspelling_of_another() -> None:
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    names = load_municipality_list(RECORDS / "sveriges_kommuner.yaml")
    question = "Ge en överblick över Lidköpings rotationsmodell."  # not Linköping
    documented = Router(vocabulary, names, mentioned=lambda name: name.startswith("Lidköping")).route(question)
    assert documented.route == "rag" and documented.query.kommuner == []
    assert Router(vocabulary, names).route("Vilka aktiviteter genomförde Linkping?").query.kommuner == ["Linköping"]


def test_names_the_rows_never_mention_send_the_question_to_the_prose() -> None:
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    question = "Hur många kommuner svarade på RLT:s enkät?"
    assert Router(vocabulary).route(question).route == "lookup"
    elsewhere = Router(vocabulary, elsewhere=lambda q: ["RLT"]).route(question)
    assert elsewhere.route == "rag" and "RLT" in elsewhere.reason


def test_a_question_nearest_to_a_document_no_row_comes_from_is_for_the_prose() -> None:
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    question = "How many answered the survey on school absence?"
    assert Router(vocabulary).route(question).route == "lookup"
    nearer = Router(vocabulary, nearer=lambda q: "Närvaro som skyddsfaktor").route(question)
    assert nearer.route == "rag" and "Närvaro som skyddsfaktor" in nearer.reason


def test_a_place_as_the_asker_s_context_is_declined_for_that_part_only(router: Router) -> None:
    decision = router.route("Jag jobbar i Borås. Hur kommer vi igång med SSPF?")
    assert decision.route == "rag" and "Borås" in decision.note
    assert router.route("Hur gick SSPF-arbetet i Örebro?").route == "lookup"  # about Örebro itself: declined
    for context in ("Hej från Malmö! Hur kom de igång med SSPF?", "Jobbar på Malmö stad och undrar hur SSPF började?"):
        decision = router.route(context)  # named before what it asks: where the asker is
        assert decision.route == "rag" and "Malmö" in decision.note
    assert router.route("Vilka aktiviteter genomförde Malmö?").route == "lookup"


def test_a_lookup_the_records_hold_no_row_for_also_asks_the_prose_unless_it_counts() -> None:
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    listed = "Vilka aktiviteter genomförde Linköping med SSPF tillsammans med MFoF?"
    assert Router(vocabulary, probe=lambda q: True).route(listed).route == "lookup"
    assert Router(vocabulary, probe=lambda q: False).route(listed).route == "both"
    counted = "Hur många aktiviteter genomförde Södertälje inom fokusområde 2?"  # none: 0 is the answer
    assert Router(vocabulary, probe=lambda q: False).route(counted).route == "lookup"


def test_a_follow_up_naming_only_a_new_one_asks_the_earlier_question_s_topic() -> None:
    """ "Och Trollhättan då?" after "Vad analyserade Linköping med Crime proofing?" asks what was
    analysed, which the rows do not mention: the prose answers it, as it does the whole question."""
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    rows_hold_no_topic = Router(vocabulary, covers=lambda query: not query.topic)
    earlier = "Vad analyserade Linköping med Crime proofing?"
    whole = rows_hold_no_topic.route("Vad analyserade Trollhättan med Crime proofing?")
    follow_up = rows_hold_no_topic.route("Och Trollhättan då?", [earlier])
    assert follow_up.query.topic == whole.query.topic == ["analyser"]
    assert whole.route == "both" and follow_up.route == "rag"  # before: the rows alone ("lookup")
    own = rows_hold_no_topic.route("Vilka aktiviteter genomförde Sigtuna?", [earlier])
    assert own.route == "lookup"  # a question with its own words takes no topic
