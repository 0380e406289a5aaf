"""Lookup answers on the shipped records (corpus/records/*.csv) in a temporary SQLite file:
the right rows and no others, the right counts, every table row cited, citations numbered
in reading order, answers in the question's language, honest empty and declined answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.index.manifest import load_manifest
from assistant.records.lookup import RecordLookup
from assistant.records.store import SqlRecordStore
from assistant.records.vocabulary import load_municipality_list, load_vocabulary
from assistant.types import Answer
from tests.assistant.records.records_helpers import load_records

REPO = Path(__file__).resolve().parents[3]
RECORDS = REPO / "corpus" / "records"
PM_TITLE = next(d.title for d in load_manifest(REPO / "corpus" / "manifest.yaml").documents)
FIVE = ["Linköping", "Göteborg Sydväst", "Trollhättan", "Sigtuna", "Södertälje"]
MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def lookup(tmp_path_factory: pytest.TempPathFactory) -> RecordLookup:
    path = tmp_path_factory.mktemp("records") / "records.db"
    store = SqlRecordStore(f"sqlite:///{path}")
    store.create_schema()
    load_records(store, RECORDS)
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    titles = {"slutrapport-suo-2024": PM_TITLE}
    return RecordLookup(store, vocabulary, load_municipality_list(RECORDS / "sveriges_kommuner.yaml"), titles.get)


def table_lines(answer: Answer) -> list[str]:
    """Body rows of every Markdown table in the answer (header and separator lines left out)."""
    lines = answer.text.splitlines()
    headers = {i for i, line in enumerate(lines[1:]) if line.startswith("|---")}
    return [line for i, line in enumerate(lines) if line.startswith("| ") and i not in headers]


def column(answer: Answer, name: str) -> list[str]:
    return [row[name] for row in answer.table or []]


def assert_well_cited(answer: Answer) -> None:
    """Every table row ends with markers; markers are the citations, numbered 1..n in reading order."""
    for line in table_lines(answer):
        assert re.search(r"\| (\[\d+\])+ \|$", line), line
    shown = answer.text if "|" in answer.text else answer.text + str(answer.table or "")  # a folded table reads last
    first_use = list(dict.fromkeys(int(n) for n in MARKER.findall(shown)))
    assert first_use == list(range(1, len(answer.citations) + 1))
    assert [c.n for c in answer.citations] == first_use
    for c in answer.citations:
        assert c.doc_id == "slutrapport-suo-2024" and c.title == PM_TITLE and c.score is None
        assert c.section and c.page and c.text


# -- activities ---------------------------------------------------------------------------------
def test_sigtuna_welfare_crime_activities(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?")
    assert answer.route == "lookup" and not answer.refused
    assert "3 aktiviteter för Sigtuna inom fokusområde 4" in answer.text
    assert set(column(answer, "Kommun")) == {"Sigtuna"}
    assert set(column(answer, "Fokusområde")) == {"4 – Välfärdsbrottslighet"}
    assert "En halvdagskonferens med Skatteverket" in answer.text
    assert len(table_lines(answer)) == 3
    assert_well_cited(answer)


def test_a_municipalitys_activities_narrow_to_the_topic_asked(lookup: RecordLookup) -> None:
    answer = lookup.answer("På vilka skolor i Sigtuna försökte man göra det säkrare för elever?")
    assert len(table_lines(answer)) == 1 and "Tryggare skola" in answer.text
    assert "1 aktivitet för Sigtuna som rör ”skolor”" in answer.text  # says what was counted
    everything = lookup.answer("Vilka aktiviteter genomförde Sigtuna?")
    assert len(everything.table or []) == 15  # no topic: every activity of the municipality
    assert_well_cited(answer)


def test_workshops_on_undue_influence_sum_the_stated_counts(lookup: RecordLookup) -> None:
    answer = lookup.answer("Hur många workshops om otillåten påverkan hölls i Göteborg Sydväst?")
    first = answer.text.split("\n")[0]
    assert first.startswith("Totalt 6 tillfällen") and "summan av angivet antal" in first
    assert column(answer, "Antal") == ["6"]
    assert_well_cited(answer)


def test_counts_say_when_some_rows_state_no_number(lookup: RecordLookup) -> None:
    answer = lookup.answer("Hur många workshops om otillåten påverkan hölls i Linköping?")
    assert "4 tillfällen" in answer.text and "för 1 anges inget antal" in answer.text
    assert "Tre stycken halvdags workshops" in answer.text


def test_counting_activities_counts_rows(lookup: RecordLookup) -> None:
    answer = lookup.answer("Hur många aktiviteter genomförde Sigtuna inom välfärdsbrott?")
    assert "3 aktiviteter" in answer.text and "poster" in answer.text


def test_occasions_per_municipality(lookup: RecordLookup) -> None:
    answer = lookup.answer("Hur många handledningstillfällen i Crime proofing fick varje kommun?")
    assert "Totalt 16 tillfällen" in answer.text
    assert "Linköping 4, Göteborg Sydväst 4, Trollhättan 4, Sigtuna 4" in answer.text


def test_participants_come_from_the_text(lookup: RecordLookup) -> None:
    answer = lookup.answer("Hur många deltog i heldagskonferensen om EST i Stockholm?")
    assert "cirka 60 representanter" in answer.text.split("\n")[0]
    assert_well_cited(answer)


def test_partner_and_subtopic_filters(lookup: RecordLookup) -> None:
    cve = lookup.answer("Vilka aktiviteter genomfördes tillsammans med CVE?")
    assert set(column(cve, "Partner")) == {"CVE"} and len(table_lines(cve)) == 6
    skatte = lookup.answer("Vilka aktiviteter genomfördes tillsammans med Skatteverket?")
    assert all("Skatteverket" in p for p in column(skatte, "Partner"))


# -- municipalities as the answer -----------------------------------------------------------------
def test_municipalities_that_used_crime_proofing(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka kommuner använde Crime proofing?")
    assert column(answer, "Kommun") == ["Linköping", "Göteborg Sydväst", "Trollhättan", "Sigtuna"]
    assert "Södertälje" not in answer.text
    assert_well_cited(answer)


def test_undue_influence_leaves_out_trollhattan(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka kommuner genomförde aktiviteter mot otillåten påverkan?")
    assert column(answer, "Kommun") == ["Linköping", "Göteborg Sydväst", "Sigtuna"]


def test_conference_place_is_not_a_filter_on_the_answer(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka kommuner deltog i konferensen om parallella samhällsstrukturer i Göteborg?")
    assert column(answer, "Kommun") == ["Göteborg Sydväst", "Trollhättan"]


def test_all_five_municipalities(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka kommuner medverkade i projektet?")
    assert column(answer, "Kommun") == FIVE
    assert_well_cited(answer)


def test_crm_improvement_by_municipality(lookup: RecordLookup) -> None:
    answer = lookup.answer("I vilka kommuner förbättrades resultatet i den uppföljande CRM-mätningen?")
    assert column(answer, "Kommun") == ["Linköping", "Göteborg Sydväst", "Trollhättan"]


# -- areas, outcomes, methods ---------------------------------------------------------------------
def test_areas_and_classification(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka områden i Södertälje klassas som särskilt utsatta områden eller riskområden?")
    assert column(answer, "Område") == ["Ronna", "Geneta", "Lina", "Fornhöjden", "Hovsjö"]
    hovsjo = lookup.answer("Hur klassades Hovsjö i Polisens lägesbild 2023?")
    assert "Hovsjö (riskområde 2021, särskilt utsatt område 2023)" in hovsjo.text
    assert_well_cited(hovsjo)


def test_crm_follow_up_for_one_municipality(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vad visade den uppföljande CRM-mätningen för Trollhättan?")
    assert "hade förbättrats" in answer.text and column(answer, "Kommun") == ["Trollhättan"]


def test_crm_difference_explained(lookup: RecordLookup) -> None:
    answer = lookup.answer("Varför skiljer sig CRM-resultaten för Sigtuna och Södertälje?")
    assert set(column(answer, "Kommun")) == {"Sigtuna", "Södertälje"}
    assert "arbetsgrupp på strategisk nivå" in answer.text and "omorganisation" in answer.text
    assert_well_cited(answer)


def test_survey_numbers(lookup: RecordLookup) -> None:
    both = lookup.answer("Hur många fick enkäten och hur många svarade?")
    assert "30 respondenter" in both.text and "27 svar" in both.text
    share = lookup.answer("Hur stor andel av respondenterna svarade att projektet förstärkt arbetet?")
    assert "63 procent" in share.text


def test_municipalities_counted_in_rows_of_no_municipality_are_counted_by_their_values(lookup: RecordLookup) -> None:
    answer = lookup.answer("Hur många kommuner svarade på enkäten?")  # the survey's rows name no municipality
    assert "27 svar" in answer.text and "0 kommuner" not in answer.text


def test_a_name_the_documents_mention_and_no_row_does_is_for_the_prose(tmp_path: Path) -> None:
    store = SqlRecordStore(f"sqlite:///{tmp_path / 'records.db'}")
    store.create_schema()
    load_records(store, RECORDS)
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    names = load_municipality_list(RECORDS / "sveriges_kommuner.yaml")
    in_guide, in_pm = {"RLT", "Community", "SUO-projektet"}, {"Community", "SUO-projektet"}

    def mentioned(name: str, doc_id: str | None = None) -> bool:
        return name in (in_guide if doc_id is None else in_pm)

    guide = RecordLookup(store, vocabulary, names, mentioned=mentioned)
    other_survey = guide.parse("Hur många kommuner svarade på RLT:s enkät om mobil teknik?")
    assert guide.names_elsewhere(other_survey) == ["RLT"]
    assert guide.names_elsewhere(guide.parse("Hur många svarade på enkäten?")) == []
    crm = guide.parse("Vad visade den första Community Readiness-mätningen?")  # inside the method's name
    assert guide.names_elsewhere(crm) == []
    own = guide.parse("Vilka aktiviteter genomförde Sigtuna inom SUO-projektet?")  # the rows' own document's name
    assert guide.names_elsewhere(own) == []


def test_a_question_nearest_to_another_document_is_for_the_prose(tmp_path: Path) -> None:
    store = SqlRecordStore(f"sqlite:///{tmp_path / 'records.db'}")
    store.create_schema()
    load_records(store, RECORDS)
    vocabulary = load_vocabulary(RECORDS / "vocabulary.yaml")
    nearest = {
        "How many answered the survey on school absence?": "guide",
        "How many answered the survey?": None,
        "Hur många deltagare bör det högst vara vid en walkshop?": "guide",
        "Hur många deltagare bör det högst vara vid en walkshop i Malmö?": "guide",
    }

    def near(question: str) -> str | None:
        return nearest.get(question, "slutrapport-suo-2024")

    guide = RecordLookup(store, vocabulary, load_municipality_list(RECORDS / "sveriges_kommuner.yaml"), nearest=near)
    assert guide.nearer_elsewhere(guide.parse("How many answered the survey on school absence?")) == "guide"
    assert guide.nearer_elsewhere(guide.parse("How many people answered the end-of-project survey?")) == ""
    assert guide.nearer_elsewhere(guide.parse("How many answered the survey?")) == ""  # search down: no reading
    assert guide.nearer_elsewhere(guide.parse("Hur många deltagare bör det högst vara vid en walkshop?")) == "guide"
    unknown = guide.parse("Hur många deltagare bör det högst vara vid en walkshop i Malmö?")
    assert guide.nearer_elsewhere(unknown) == ""  # a municipality the material does not know: the records decline


def test_methods_of_a_municipality(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka metoder användes i Södertälje?")
    assert set(column(answer, "Metod")) == {"CRM", "Digital basutbildning", "Övergripande styrmodell"}


def test_focus_areas_of_a_municipality(lookup: RecordLookup) -> None:
    answer = lookup.answer("Inom vilka fokusområden arbetade Sigtuna?")
    assert "Sigtuna: 1 – Kunskapsbaserat arbete, 2 – Barn och unga" in answer.text
    assert "5 – Situationellt och platsbaserat." in answer.text


# -- language, conversation, declining -------------------------------------------------------------
def test_english_question_gets_english_sentence_and_swedish_rows(lookup: RecordLookup) -> None:
    answer = lookup.answer("Which municipalities used Crime proofing?")
    assert answer.text.startswith("4 municipalities used the method Crime proofing")
    assert "| Municipality |" in answer.text
    workshops = lookup.answer("How many workshops on unlawful influence were held in Göteborg Sydväst?")
    assert workshops.text.startswith("In total 6 occasions") and "Sex stycken workshops" in workshops.text


def test_followup_uses_the_earlier_municipality(lookup: RecordLookup) -> None:
    answer = lookup.answer("Och inom välfärdsbrott?", ["Vilka aktiviteter genomförde Sigtuna?"])
    assert set(column(answer, "Kommun")) == {"Sigtuna"}
    assert set(column(answer, "Fokusområde")) == {"4 – Välfärdsbrottslighet"}


def test_municipality_outside_the_material_is_declined(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka aktiviteter genomförde Malmö?")
    assert answer.refused and answer.table is None
    assert answer.text.startswith("Malmö ingår inte i materialet.")
    assert all(name in answer.text for name in FIVE)
    english = lookup.answer("Did Malmö use Crime proofing in the project?")
    assert english.refused and english.text.startswith("Malmö is not part of the material.")


def test_valid_filters_without_rows_give_an_honest_empty_answer(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka aktiviteter genomförde Södertälje inom välfärdsbrott?")
    assert not answer.refused and answer.table is None
    assert answer.text.startswith("Materialet nämner inga aktiviteter för Södertälje inom fokusområde 4")
    assert "Södertälje arbetade inom fokusområde 1" in answer.text
    assert "enbart fokuserade på att bedriva utvecklingsarbete" in answer.text  # the passage, not a curation note
    assert_well_cited(answer)
    sigtuna = lookup.answer("Vilka aktiviteter genomförde Sigtuna inom fokusområde 6?")
    assert "Sigtuna arbetade inom fokusområdena 1, 2, 3, 4 och 5 [1]." in sigtuna.text


def test_known_and_unknown_municipality_together(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka aktiviteter genomförde Malmö och Sigtuna inom välfärdsbrott?")
    assert not answer.refused and set(column(answer, "Kommun")) == {"Sigtuna"}
    assert "Malmö ingår inte i materialet" in answer.text


QUESTIONS = [
    "Vilka SSPF-aktiviteter hade Linköping?",
    "Vad gjorde MFoF i Trollhättan?",
    "Vilka kommuner fick stöd inom fokusområdet barn och unga som rekryteras till kriminalitet?",
    "Vilka områden i Trollhättan ingick och hur klassas de?",
    "Hur många deltog i konferensen om våldsbejakande extremism i Linköping och vad visade uppföljningen?",
    "Vad är Crime proofing och vilka kommuner använde det?",
    "Vilka aktiviteter genomförde Trollhättan inom situationellt och platsbaserat brottsförebyggande arbete?",
    "I vilka kommuner bytte de lokala projektledarna tjänster under projektet?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_answer_is_cited(lookup: RecordLookup, question: str) -> None:
    answer = lookup.answer(question)
    assert answer.table and answer.citations
    assert len(table_lines(answer)) == len(answer.table)
    assert_well_cited(answer)


def test_the_built_lookup_takes_titles_from_the_manifest(fake_settings) -> None:
    from assistant.wiring import build_lookup

    lookup = build_lookup(fake_settings)
    assert lookup is not None
    load_records(lookup.store, RECORDS)
    answer = lookup.answer("Vilka kommuner använde Crime proofing?")
    assert answer.citations[0].title == PM_TITLE


def test_covers_topic_looks_for_the_question_s_own_nouns_in_the_rows(lookup: RecordLookup) -> None:
    from assistant.router import Router

    router = Router(load_vocabulary(RECORDS / "vocabulary.yaml"))
    silent = router.route("Vilka satt i arbetsgruppen för Tryggare skola i Trollhättan?").query
    spoken = router.route("Vilka handledningstillfällen hade Sigtuna med Crime proofing?").query
    assert not lookup.covers_topic(silent)
    assert lookup.covers_topic(spoken)


# -- focus areas by number, subtopics, what users see (issue 14) -----------------------------------
def test_focus_area_given_as_a_number_filters(lookup: RecordLookup) -> None:
    answer = lookup.answer("Hur många aktiviteter genomförde Trollhättan inom fokusområde 5?")
    assert "Materialet nämner 6 aktiviteter för Trollhättan inom fokusområde 5" in answer.text
    assert set(column(answer, "Fokusområde")) == {"5 – Situationellt och platsbaserat"}
    kommuner = lookup.answer("Vilka kommuner arbetade inom fokusområde 2?")
    assert column(kommuner, "Kommun") == ["Linköping", "Göteborg Sydväst", "Trollhättan", "Sigtuna"]
    two = lookup.answer("Vilka aktiviteter genomförde Trollhättan inom fokusområdena 3 och 4?")
    assert {row["Fokusområde"][0] for row in two.table or []} == {"3", "4"}


def test_one_half_of_a_focus_area_name_keeps_the_area_when_no_row_spells_it_out(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vad gjorde Linköping inom parallella samhällsstrukturer?")
    assert "2 aktiviteter för Linköping inom fokusområde 3" in answer.text
    assert "ingen av dem nämner ”parallella samhällsstrukturer” uttryckligen" in answer.text
    assert [r["Aktivitet"][:20] for r in answer.table or []] == ["Ett tiotal enskilda ", "Tre stycken halvdags"]
    narrowed = lookup.answer("Vilka kommuner genomförde aktiviteter mot otillåten påverkan?")
    assert "Trollhättan" not in column(narrowed, "Kommun")  # rows that spell it out narrow the answer


def test_tables_show_focus_area_names_and_no_curation_notes(lookup: RecordLookup) -> None:
    for question in ("Vilka aktiviteter genomförde Trollhättan?", "Vilka kommuner medverkade i projektet?"):
        answer = lookup.answer(question)
        shown = answer.text + str(answer.table)
        for note in ("Kommentar", "brödtext", "förd till fokusområde", "Finns inte i bilaga 2"):
            assert note not in shown, (question, note)
    rows = lookup.answer("Vilka aktiviteter genomförde Trollhättan inom välfärdsbrott?").table or []
    assert rows and all(r["Fokusområde"] == "4 – Välfärdsbrottslighet" for r in rows)


def test_an_overview_is_a_few_cited_lines_per_focus_area(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vilka aktiviteter genomförde Trollhättan?")
    lines = answer.text.splitlines()
    assert lines[0] == "Materialet nämner 21 aktiviteter för Trollhättan, inom 6 fokusområden:"
    assert len(lines) == 7 and all(line.startswith("- Fokusområde ") for line in lines[1:])
    assert lines[5].startswith("- Fokusområde 5 – Situationellt och platsbaserat brottsförebyggande arbete: 6 ")
    assert all(MARKER.search(line) for line in lines[1:])
    assert "|" not in answer.text and len(answer.table or []) == 21  # the full table goes with the answer
    assert_well_cited(answer)
    by_kommun = lookup.answer("Vilka aktiviteter genomfördes inom fokusområde 1?")
    assert by_kommun.text.splitlines()[1].startswith("- Linköping: ")


def test_details_the_notes_place_in_the_body_text_bring_the_prose(lookup: RecordLookup) -> None:
    from assistant.router import Router

    router = Router(load_vocabulary(RECORDS / "vocabulary.yaml"), probe=None, covers=lookup.covers_topic)
    schools = router.route("Vilka skolor i Sigtuna deltog i arbetet med Tryggare skola?")
    assert schools.route == "both"  # "Eddaskolan och Sagaskolan" is in a note, so the answer needs the prose
    assert "Eddaskolan" not in lookup.answer("Vilka skolor i Sigtuna deltog i arbetet med Tryggare skola?").text
    listing = router.route("Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?")
    assert listing.route == "lookup"  # a plain list: the rows are the answer


def test_area_rows_silent_on_the_question_s_own_topic_bring_the_prose(lookup: RecordLookup) -> None:
    from assistant.router import Router

    router = Router(load_vocabulary(RECORDS / "vocabulary.yaml"), probe=None, covers=lookup.covers_topic)
    association = "Vad var det för mammaförening i Sigtuna som fick stöd, och i vilket område?"
    assert router.route(association).route == "both"  # the areas table names no association: the prose does
    assert router.route("Vilka områden i Sigtuna var med i projektet?").route == "lookup"


def test_outcome_counts_say_what_they_count(lookup: RecordLookup) -> None:
    answer = lookup.answer("Vad visade den uppföljande CRM-mätningen?")
    assert answer.text.startswith("Materialet redovisar 6 uppgifter från uppföljande CRM-mätning om 5 kommuner:")


def test_a_follow_up_the_rows_do_not_answer_is_not_answered_from_the_records(lookup: RecordLookup) -> None:
    from assistant.router import Router

    router = Router(load_vocabulary(RECORDS / "vocabulary.yaml"), probe=None, covers=lookup.covers_topic)
    decision = router.route("Har områdets status förändrats?", ["Vilka aktiviteter genomförde Södertälje?"])
    assert decision.route == "rag"  # not "6 aktiviteter för Södertälje", which reads as an answer
    kept = router.route("Och inom välfärdsbrott?", ["Vilka aktiviteter genomförde Sigtuna?"])
    assert kept.route == "lookup"
