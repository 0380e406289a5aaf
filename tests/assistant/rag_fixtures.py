"""Hand-made chunks and a real (tmp_path) index for retrieval and answering tests.

The chunks paraphrase the PM closely enough that questions about it behave as on the real
material; ingest is not needed: chunks go straight into Chroma, the registry and a
LexicalIndex, exactly as `metodstod ingest` would leave them.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.index.documents import DocumentInfo, DocumentRegistry
from assistant.index.embeddings import HashEmbeddings
from assistant.index.lexical import LexicalCache, index_text
from assistant.index.vector_store import ChromaStore
from assistant.protocols import Embedder
from assistant.retrieval.hybrid import HybridRetriever
from assistant.settings import Settings
from assistant.types import Chunk, Passage
from assistant.wiring import compose_retriever
from ingest.sentences import embed_rows, sentence_rows

PM = "slutrapport-suo-2024"
EST = "est-metod"
ALLA = "Göteborg Sydväst;Linköping;Sigtuna;Södertälje;Trollhättan"
CRIME = "Projektets genomförande > Fokusområde 4: Välfärdsbrottslighet > Modellen Crimeproofing"

# (section, text, kommuner, fokusomraden)
PM_CHUNKS: list[tuple[str, str, str, str]] = [
    (
        "Sammanfattning",
        "Brå fick i mars 2022 i uppdrag av regeringen att utveckla stödet till kommuner med utsatta områden. "
        "Med anledning av regeringsuppdraget startade Brå ett projekt där fem kommuner har medverkat: "
        "Linköping, Södertälje, Sigtuna, Trollhättan och Göteborg Sydväst.",
        ALLA,
        "",
    ),
    (
        "Sammanfattning > Satsningar inom sex fokusområden",
        "Under projekttiden har en mängd aktiviteter genomförts i kommunerna. "
        "Samtliga aktiviteter ryms inom sex stycken fokusområden:\n"
        "- kunskapsbaserat brottsförebyggande arbete\n"
        "- barn och unga som rekryteras till kriminalitet\n"
        "- parallella samhällsstrukturer och otillåten påverkan\n"
        "- välfärdsbrottslighet\n"
        "- situationellt och platsbaserat brottsförebyggande arbete\n"
        "- våldsbejakande extremism",
        "",
        "1;2;3;4;5;6",
    ),
    (
        CRIME,
        "Crime proofing är en analysmodell som kan användas för att förebygga fel och brott mot välfärdssystemen. "
        "Modellen användes ursprungligen inom EU för att upptäcka risker för organiserad brottslighet.",
        "",
        "4",
    ),
    (
        CRIME,
        "Modellen användes ursprungligen inom EU för att upptäcka risker för organiserad brottslighet. "
        "Fyra kommuner deltog i arbetet: Sigtuna, Göteborg, Linköping och Trollhättan.",
        "Göteborg Sydväst;Linköping;Sigtuna;Trollhättan",
        "4",
    ),
    (
        "Projektets genomförande > Fokusområde 2: Barn och unga > Linköping och Trollhättan startar SSPF",
        "Linköping valde att initiera SSPF i bostadsområdena Skäggetorp, Berga och Ryd. "
        "I Trollhättan inleddes också arbetet med SSPF och en SSPF-koordinator anställdes under hösten 2023.",
        "Linköping;Trollhättan",
        "2",
    ),
    (
        "Uppföljning och resultat > Uppföljande enkätundersökning",
        "I slutet av projektet skickades en enkät ut till personer som arbetar i de fem kommunerna. "
        "Totalt skickades enkäten ut till 30 respondenter och 27 svar kom in.",
        ALLA,
        "",
    ),
    (
        "Beskrivning av projektet > Projektets organisation och resurser",
        "Projektet Stöd till kommuner med utsatta områden startade i augusti år 2022 och avslutades i maj år 2024. "
        "Brå har haft en intern projektgrupp med medarbetare från flera av myndighetens enheter.",
        "",
        "",
    ),
]
EST_TEXT = (
    "Effektiv samordning för trygghet (EST) är en modell för samverkan mellan kommun, polis och "
    "fastighetsägare i utsatta områden. Arbetet utgår från en gemensam lägesbild som uppdateras varje vecka."
)


def make_chunk(
    doc_id: str,
    position: int,
    section: str,
    text: str,
    doc_hash: str = "h1",
    doc_type: str = "pm",
    kommuner: str = "",
    fokusomraden: str = "",
) -> Chunk:
    return Chunk(
        id=f"{doc_id}:{doc_hash}:{position:05d}",
        doc_id=doc_id,
        title=f"Titel {doc_id}",
        doc_type=doc_type,
        section=section,
        page_start=position + 3,
        page_end=position + 3,
        position=position,
        text=text,
        content_hash=f"c{position}",
        doc_hash=doc_hash,
        kommuner=kommuner,
        fokusomraden=fokusomraden,
    )


def pm_chunks(doc_hash: str = "h1") -> list[Chunk]:
    return [
        make_chunk(PM, i, section, text, doc_hash, "pm", kommuner, fokus)
        for i, (section, text, kommuner, fokus) in enumerate(PM_CHUNKS)
    ]


def est_chunks() -> list[Chunk]:
    return [make_chunk(EST, 0, "EST", EST_TEXT, "e1", "metodstod")]


def passage(chunk: Chunk, score: float = 1.0, dense: float | None = 0.9, context: str | None = None) -> Passage:
    return Passage(chunk=chunk, score=score, dense_score=dense, lexical_score=1.0, context=context)


def register(registry: DocumentRegistry, doc_id: str, doc_hash: str, doc_type: str, chunks: int) -> None:
    registry.put(
        DocumentInfo(
            doc_id=doc_id,
            title=f"Titel {doc_id}",
            doc_type=doc_type,
            source_path=f"/corpus/{doc_id}.md",
            doc_hash=doc_hash,
            chunk_count=chunks,
            embedder="fake",
        )
    )


def build_index(
    settings: Settings, chunks: Sequence[Chunk], embedder: Embedder | None = None, lexical: bool = True
) -> tuple[ChromaStore, DocumentRegistry]:
    """Write `chunks` to Chroma, register their documents and save the lexical index."""
    embedder = embedder or HashEmbeddings()
    store = ChromaStore(settings)
    store.add(list(chunks), embedder.embed_documents([index_text(c) for c in chunks]))
    rows = sentence_rows(list(chunks))  # the sentence index, as ingest writes it
    vectors = embed_rows(rows, embedder, 16)
    store.add_sentences([r.id for r in rows], [r.text for r in rows], vectors, [r.metadata for r in rows])
    registry = DocumentRegistry(settings.records_url)
    for doc_id in dict.fromkeys(c.doc_id for c in chunks):
        first = next(c for c in chunks if c.doc_id == doc_id)
        register(registry, doc_id, first.doc_hash, first.doc_type, sum(c.doc_id == doc_id for c in chunks))
    if lexical:
        save_lexical(settings, store, registry)
    return store, registry


def save_lexical(settings: Settings, store: ChromaStore, registry: DocumentRegistry) -> None:
    """What ingest does after a change: build this host's lexical cache from the active chunks."""
    LexicalCache(settings.lexical_path).ensure(registry.active_versions(), store.chunks)


def make_retriever(settings: Settings, chunks: Sequence[Chunk] | None = None, **kw: object) -> HybridRetriever:
    chunks = list(chunks) if chunks is not None else [*pm_chunks(), *est_chunks()]
    embedder = HashEmbeddings()
    store, registry = build_index(settings, chunks, embedder, **kw)
    return compose_retriever(settings, store, embedder, registry)
