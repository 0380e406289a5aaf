"""HybridRetriever over a real Chroma in tmp_path, a real LexicalIndex and the hash embedder."""

from __future__ import annotations

import sys

import pytest

from assistant.errors import IndexMissingError, InputError, MissingDependencyError
from assistant.index.documents import DocumentRegistry
from assistant.index.embeddings import HashEmbeddings
from assistant.index.lexical import TOKENISATION, LexicalCache
from assistant.index.vector_store import ChromaStore
from assistant.retrieval.context import merge_texts
from assistant.retrieval.corpus_view import CorpusView
from assistant.retrieval.filters import parse_filters
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.search import DenseSearch, SentenceSearch
from assistant.settings import Settings
from assistant.wiring import compose_retriever
from tests.assistant.rag_fixtures import (
    CRIME,
    EST,
    PM,
    build_index,
    est_chunks,
    make_chunk,
    make_retriever,
    pm_chunks,
    register,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def settings_for(fake_settings: Settings, **changes: object) -> Settings:
    return fake_settings.model_copy(update=changes)


def test_hybrid_finds_the_defining_passage(fake_settings: Settings) -> None:
    retriever = make_retriever(fake_settings)
    passages = retriever.retrieve("Vad är Crime proofing?", 3)
    assert passages[0].chunk.section == CRIME
    assert passages[0].chunk.text.startswith("Crime proofing är en analysmodell")
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_hybrid_keeps_both_scores(fake_settings: Settings) -> None:
    top = make_retriever(fake_settings).retrieve("Hur många svarade på enkäten?", 2)[0]
    assert "27 svar" in top.chunk.text
    assert top.dense_score is not None and -1.0 <= top.dense_score <= 1.0
    assert top.lexical_score is not None and top.lexical_score > 0


def test_rrf_score_is_the_weighted_sum_of_reciprocal_ranks(fake_settings: Settings) -> None:
    settings = settings_for(fake_settings, rrf_k=10, dense_weight=2.0, lexical_weight=0.5, sentence_weight=0.7)
    retriever = make_retriever(settings)
    query = "Vilka kommuner deltog i Crime proofing?"
    dense = [p.chunk.id for p in make_mode(retriever, "dense").retrieve(query, 8)]
    lexical = [p.chunk.id for p in make_mode(retriever, "lexical").retrieve(query, 8)]
    snapshot = retriever.view.snapshot()
    index = snapshot.lexical
    allowed = {c.id for c in index.chunks}
    by_sentence = [c.id for c, _ in retriever.sentence_search.search(query, 30, index, snapshot.active, allowed)]
    assert by_sentence  # the sentence index answers
    for p in retriever.retrieve(query, 8):
        expected = 0.0
        if p.chunk.id in dense:
            expected += 2.0 / (10 + dense.index(p.chunk.id) + 1)
        if p.chunk.id in lexical:
            expected += 0.5 / (10 + lexical.index(p.chunk.id) + 1)
        if p.chunk.id in by_sentence:
            expected += 0.7 / (10 + by_sentence.index(p.chunk.id) + 1)
        assert p.score == pytest.approx(expected)
    for p in retriever.retrieve(query, 8, by_sentence=False):  # a records answer's sources: two lists
        expected = 2.0 / (10 + dense.index(p.chunk.id) + 1) if p.chunk.id in dense else 0.0
        expected += 0.5 / (10 + lexical.index(p.chunk.id) + 1) if p.chunk.id in lexical else 0.0
        assert p.score == pytest.approx(expected)


def test_sentence_search_is_exact_over_every_sentence(fake_settings: Settings) -> None:
    """The approximate index returned other neighbours from run to run: the search ranks every sentence."""
    import numpy as np

    retriever = make_retriever(fake_settings)
    snapshot = retriever.view.snapshot()
    search = retriever.sentence_search
    chunk_ids, vectors = search.store.sentence_vectors_of(snapshot.active)
    assert len(chunk_ids) > len(snapshot.lexical.chunks)  # several sentences per chunk
    query = "Hur många svarade på enkäten om projektet?"
    cosines = np.asarray(vectors) @ np.asarray(search.embedder.embed_query(query))
    expected = list(dict.fromkeys(chunk_ids[i] for i in np.argsort(-cosines, kind="stable")))[:5]
    allowed = {c.id for c in snapshot.lexical.chunks}
    found = [c.id for c, _ in search.search(query, 5, snapshot.lexical, snapshot.active, allowed)]
    assert found == expected
    assert found == [c.id for c, _ in search.search(query, 5, snapshot.lexical, snapshot.active, allowed)]


def test_sentence_search_without_sentence_vectors_finds_nothing(fake_settings: Settings) -> None:
    """An index written before sentence vectors existed: the other two lists still answer."""
    retriever = make_retriever(fake_settings)
    snapshot = retriever.view.snapshot()

    class NoSentences:
        def sentence_vectors_of(self, active: frozenset[str]) -> tuple[list[str], list[list[float]]]:
            return [], []

    search = SentenceSearch(NoSentences(), retriever.sentence_search.embedder)  # type: ignore[arg-type]
    allowed = {c.id for c in snapshot.lexical.chunks}
    assert search.search("Vad är Crime proofing?", 5, snapshot.lexical, snapshot.active, allowed) == []


def test_sentence_search_ranks_chunks_by_their_best_sentence(fake_settings: Settings) -> None:
    """A chunk whose one sentence is the question's nearest ranks first, each chunk once, only allowed ones."""
    retriever = make_retriever(fake_settings)
    snapshot = retriever.view.snapshot()
    index = snapshot.lexical
    target = next(c for c in index.chunks if "27 svar" in c.text)
    sentence = next(s for s in target.text.split(". ") if "27 svar" in s)
    allowed = {c.id for c in index.chunks}
    hits = retriever.sentence_search.search(sentence, 5, index, snapshot.active, allowed)
    assert hits[0][0].id == target.id and hits[0][1] == pytest.approx(1.0, abs=1e-3)
    assert len({c.id for c, _ in hits}) == len(hits)
    assert [c.id for c, _ in hits] == [c.id for c, _ in sorted(hits, key=lambda h: -h[1])]
    without = retriever.sentence_search.search(sentence, 5, index, snapshot.active, allowed - {target.id})
    assert target.id not in {c.id for c, _ in without}


def make_mode(retriever: HybridRetriever, mode: str) -> HybridRetriever:
    settings = retriever.settings.model_copy(update={"mode": mode})
    return HybridRetriever(
        settings, retriever.view, retriever.dense, retriever.reranker, None, retriever.sentence_search
    )


def test_modes_fill_only_their_own_score(fake_settings: Settings) -> None:
    retriever = make_retriever(fake_settings)
    dense = make_mode(retriever, "dense").retrieve("enkät svar", 3)
    lexical = make_mode(retriever, "lexical").retrieve("enkät svar", 3)
    assert all(p.dense_score is not None and p.lexical_score is None for p in dense)
    assert all(p.lexical_score is not None and p.dense_score is None for p in lexical)
    assert "27 svar" in lexical[0].chunk.text


def test_k_limits_and_must_be_positive(fake_settings: Settings) -> None:
    retriever = make_retriever(settings_for(fake_settings, candidate_k=2))
    assert len(retriever.retrieve("kommuner", 2)) == 2
    assert len(retriever.retrieve("kommuner arbete projekt", 5)) == 5  # k above candidate_k still gets k
    with pytest.raises(InputError):
        retriever.retrieve("kommuner", 0)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_filters_on_document_and_type(fake_settings: Settings, mode: str) -> None:
    retriever = make_retriever(settings_for(fake_settings, retrieval_mode=mode))
    only_est = retriever.retrieve("samverkan kommun polis", 5, {"doc_id": EST})
    assert only_est and {p.chunk.doc_id for p in only_est} == {EST}
    pm_only = retriever.retrieve("samverkan kommun polis", 5, {"doc_type": ["pm"]})
    assert pm_only and {p.chunk.doc_type for p in pm_only} == {"pm"}


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_filters_on_municipality_and_focus_area(fake_settings: Settings, mode: str) -> None:
    retriever = make_retriever(settings_for(fake_settings, retrieval_mode=mode, candidate_k=2, filter_overfetch=2))
    sigtuna = retriever.retrieve("arbete kommuner projekt", 8, {"kommun": "sigtuna"})
    assert sigtuna and all("Sigtuna" in p.chunk.kommuner.split(";") for p in sigtuna)
    fokus = retriever.retrieve("arbete kommuner", 8, {"fokusomrade": 4})
    assert fokus and all("4" in p.chunk.fokusomraden.split(";") for p in fokus)
    both = retriever.retrieve("arbete", 8, {"kommun": ["Linköping"], "fokusomrade": "2"})
    assert [p.chunk.position for p in both] == [4]


def test_unknown_filter_is_an_input_error() -> None:
    with pytest.raises(InputError, match="kommun"):
        parse_filters({"municipality": "Sigtuna"})
    where, predicates = parse_filters({"doc_id": ["a", "b"], "kommun": "Sigtuna", "doc_type": None})
    assert where == {"doc_id": {"$in": ["a", "b"]}}
    assert len(predicates) == 2


def test_nothing_indexed_raises_index_missing(fake_settings: Settings) -> None:
    retriever = compose_retriever(
        fake_settings, ChromaStore(fake_settings), HashEmbeddings(), DocumentRegistry(fake_settings.records_url)
    )
    with pytest.raises(IndexMissingError, match="metodstod ingest corpus/"):
        retriever.retrieve("Vad är SSPF?", 3)


def test_a_host_without_a_lexical_cache_builds_the_same_index_from_chroma(fake_settings: Settings) -> None:
    """A host that never ran ingest (its own data dir, the shared stores): its first query builds
    the lexical index from the chunks in Chroma and caches it; the ranking is the ingest host's."""
    ingest_host = make_retriever(fake_settings)
    other = settings_for(fake_settings, data_dir=fake_settings.data_dir / "host-b")
    other_host = compose_retriever(other, ingest_host.dense.store, HashEmbeddings(), ingest_host.view.registry)
    assert not other.lexical_path.exists()
    for question in ("Vad är Crime proofing?", "Hur många svarade på enkäten?", "samverkan kommun polis"):
        mine = [(p.chunk.id, p.lexical_score, p.score) for p in ingest_host.retrieve(question, 6)]
        theirs = [(p.chunk.id, p.lexical_score, p.score) for p in other_host.retrieve(question, 6)]
        assert theirs == mine and any(score for _, score, _ in theirs)
    key = DocumentRegistry(fake_settings.records_url).stamp()
    assert [p.name for p in other.lexical_path.iterdir()] == [f"index-{TOKENISATION}-{key}"]


def test_only_active_document_versions_are_seen(fake_settings: Settings) -> None:
    stale = make_chunk(PM, 0, "Gammalt", "SSPF betydde något annat i den gamla versionen.", doc_hash="old")
    retriever = make_retriever(fake_settings, [*pm_chunks(), stale])
    for mode in ("hybrid", "dense", "lexical"):
        hashes = {p.chunk.doc_hash for p in make_mode(retriever, mode).retrieve("SSPF gamla versionen", 8)}
        assert hashes == {"h1"}


def test_reloads_when_the_generation_moves_but_checks_at_most_once_per_interval(fake_settings: Settings) -> None:
    clock = Clock()
    embedder = HashEmbeddings()
    store, registry = build_index(fake_settings, pm_chunks(), embedder)
    cache = LexicalCache(fake_settings.lexical_path)
    view = CorpusView(registry, store, cache, check_seconds=1.0, clock=clock)
    retriever = HybridRetriever(fake_settings.retrieval, view, DenseSearch(store, embedder, 4))
    assert {p.chunk.doc_id for p in retriever.retrieve("samordning trygghet fastighetsägare", 8)} == {PM}
    before = view.current

    est = est_chunks()
    store.add(est, embedder.embed_documents([c.text for c in est]))
    register(registry, EST, "e1", "metodstod", 1)  # a committed registry change moves the generation
    calls = []
    original = registry.generation
    registry.generation = lambda: calls.append(1) or original()  # type: ignore[method-assign]

    clock.now += 0.5
    assert EST not in {p.chunk.doc_id for p in retriever.retrieve("samordning trygghet fastighetsägare", 8)}
    assert calls == []  # no check inside the interval

    clock.now += 1.0
    found = retriever.retrieve("samordning trygghet fastighetsägare", 8)
    assert found[0].chunk.doc_id == EST
    assert len(view.current.lexical.chunks) == len(pm_chunks()) + 1  # built from Chroma: no ingest ran
    assert view.current.generation == before.generation + 1 and view.current.key != before.key
    assert len(calls) == 1

    clock.now += 1.0
    retriever.retrieve("samordning", 3)
    assert len(calls) == 2 and view.current.lexical is not None  # the same generation: nothing rebuilt


def test_a_short_index_is_used_but_not_cached(fake_settings: Settings) -> None:
    """Chunks missing from Chroma (deleted under the build, or a lost store): the index serves,
    is not cached under the corpus key, and is built again later."""
    store, registry = build_index(fake_settings, pm_chunks(), lexical=False)
    register(registry, PM, "h1", "pm", len(pm_chunks()) + 5)  # the registry counts more than Chroma has
    view = CorpusView(registry, store, LexicalCache(fake_settings.lexical_path), check_seconds=0)
    snapshot = view.snapshot()
    assert not snapshot.complete and len(snapshot.lexical.chunks) == len(pm_chunks())
    assert LexicalCache(fake_settings.lexical_path).load(snapshot.key) is None


def test_with_context_joins_same_section_neighbours_without_repeats(fake_settings: Settings) -> None:
    retriever = make_retriever(fake_settings)
    crime = next(p for p in retriever.retrieve("Vad är Crime proofing?", 3) if p.chunk.position == 2)
    (with_ctx,) = retriever.with_context([crime], window=1)
    assert with_ctx.context is not None
    assert with_ctx.context.startswith("Crime proofing är en analysmodell")
    assert "Fyra kommuner deltog i arbetet" in with_ctx.context
    assert with_ctx.context.count("Modellen användes ursprungligen") == 1
    assert "SSPF" not in with_ctx.context  # the next section is not pulled in
    assert retriever.with_context([crime], window=0)[0].context is None


def test_merge_texts_drops_repeated_sentences_and_keeps_lists() -> None:
    merged = merge_texts(["Ett. Två är här.", "Två är här. Tre kommer sen:\n- a\n- b", "Fyra."])
    assert merged == "Ett. Två är här.\nTre kommer sen:\n- a\n- b\nFyra."


def test_term_stats_weigh_rare_terms_higher(fake_settings: Settings) -> None:
    stats = make_retriever(fake_settings).term_stats
    assert stats is not None
    assert stats.weight("sspf") > stats.weight("kommun")
    assert stats.weight("huvudstad") > stats.weight("sspf")


def test_reranker_reorders_and_its_dependency_is_optional(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = make_retriever(settings_for(fake_settings, reranker_model="some/cross-encoder"))

    class Reversed:
        def predict(self, pairs: list[tuple[str, str]]) -> list[float]:
            return [float(i) for i in range(len(pairs))]

    plain = make_retriever(settings_for(fake_settings, data_dir=fake_settings.data_dir / "b"))
    expected = [p.chunk.id for p in plain.retrieve("Crime proofing kommuner", 4)]
    retriever.reranker.scorer = Reversed()
    reranked = retriever.retrieve("Crime proofing kommuner", 4)
    assert reranked[0].score >= reranked[-1].score
    assert reranked[0].chunk.id != expected[0]

    retriever.reranker.scorer = None
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(MissingDependencyError, match="pip install"):
        retriever.retrieve("Crime proofing", 3)


def test_compounds_split_into_parts_the_material_uses() -> None:
    from assistant.language.terms import TermStats, decompound, lexical_query, question_terms, text_stems
    from assistant.language.text import stems

    material = ["Brå fick i uppdrag av regeringen att stödja kommunerna.", "Enkäten fick många svar."]
    stats = TermStats(stems(t) for t in material)
    assert decompound("regeringsuppdraget", stats) == ("regering", "uppdrag")
    assert decompound("enkätsvaren", stats) == ("enkät", "svar")
    assert decompound("kommunerna", stats) == ()  # "kommun|erna": no known second part
    assert decompound("regeringsuppdraget", None) == ()
    term = question_terms("Vilket datum fick Brå regeringsuppdraget?", stats)[-1]
    assert term.found_in(text_stems(material[0]))
    assert not term.found_in(text_stems("Regeringen beslutade om kommunerna."))  # one part is not enough
    assert "uppdrag" in stems(lexical_query("När kom regeringsuppdraget?", stats))
    common = TermStats(stems(t) for t in [*material, "Regeringsuppdraget.", "Regeringsuppdraget gavs."])
    assert "uppdrag" not in stems(lexical_query("När kom regeringsuppdraget?", common))  # the material says it so


def test_a_compound_the_material_never_uses_stands_for_its_last_part() -> None:
    from assistant.language.terms import TermStats, decompound, question_terms, text_stems
    from assistant.language.text import stems

    material = ["Total budget för året.", "Summa | 444 400", "Belysningens styrka och ljus vid hållplatsen."]
    stats = TermStats(stems(t) for t in material)
    assert decompound("totalsumman", stats) == ("total", "summ")  # "summan" is read as the material's "Summa"
    total = question_terms("Vad blir totalsumman i budgeten?", stats)[0]
    assert total.found_in(text_stems(material[1]))  # the table's sum row
    strength = question_terms("Vilken ljusstyrka rekommenderas?", stats)[0]
    assert strength.found_in(text_stems(material[2]))
    known = TermStats(stems(t) for t in [*material, "Totalsumman blev hög."])
    assert not question_terms("Vad blir totalsumman?", known)[0].found_in(text_stems(material[1]))  # it is used
    summary = question_terms("Sammanfatta stegen.", TermStats(stems(t) for t in ["Fatta beslut samman."]))[0]
    assert summary == {"sammanfat"}  # a particle verb is no kind of "fatta"


def test_building_the_lexical_index_keeps_bm25s_quiet() -> None:
    import logging

    from assistant.index.lexical import LexicalIndex
    from tests.assistant.index.test_vector_store import make_chunks

    logging.getLogger("bm25s").setLevel(logging.DEBUG)  # what bm25s does to itself on import
    LexicalIndex(make_chunks("a", "h" * 32, ["Trygghetsvandring i området."]), "stamp")
    assert logging.getLogger("bm25s").getEffectiveLevel() >= logging.WARNING


@pytest.mark.parametrize(
    ("question", "word", "material"),
    [
        (
            "Under vilken period pågick projektet?",
            "pågick",
            "Projektet startade i augusti 2022 och avslutades i maj 2024.",
        ),
        ("Vad kostade de lokala projektledarna?", "kostade", "Lokala projektledare, sammanlagt 2 miljoner kronor."),
        ("Vilken lägesbild utgick urvalet från?", "utgick", "Urvalet gjordes med utgångspunkt i lägesbilden."),
        ("Vilken lärdom drog Brå?", "drog", "Brå har dragit lärdomen att tiden var kort."),
        ("Vad tyckte de om satsningen?", "satsningen", "Respondenterna var nöjda med projektet."),
        ("Vad stod i frågeformuläret?", "frågeformuläret", "Enkäten skickades till 30 respondenter."),
        # any inflection of a listed word: found by its stem
        ("Hur mycket av pengarna gick till kommunerna?", "pengarna", "Sammanlagt 2 miljoner kronor."),
        ("Vad jobbade Södertälje med?", "jobbade", "Södertälje arbetade med en styrmodell."),
        ("Vad blev bättre i kommunerna?", "bättre", "Samverkan har förbättrats i kommunerna."),
    ],
)
def test_question_words_the_material_puts_otherwise_are_matched(question: str, word: str, material: str) -> None:
    from assistant.language.terms import lexical_query, question_terms, text_stems
    from assistant.language.text import stem

    present = text_stems(material)
    term = next(t for t in question_terms(question) if stem(word) in t)
    assert term.found_in(present)
    assert text_stems(lexical_query(question)) - text_stems(question) & present  # the lexical query says it too


def test_english_domain_words_reach_the_swedish_text_and_no_report_s_own_phrasing() -> None:
    from assistant.language.glossary import translate

    words = translate("Which consultancy did Brå hire to support urban planning?")
    assert {"uppdrag", "samhällsplanering"} <= set(words)
    assert "extern aktör" not in words  # one report's phrasing, not a translation


@pytest.mark.parametrize(
    ("question", "swedish"),
    [
        ("Which police assessment was used to select the municipalities?", {"lägesbild", "urval"}),
        ("What did the respondents say about Brå's practical support?", {"praktisknära"}),
        ("What was the deadline for reporting the assignment?", {"senast", "uppdrag"}),
        ("How was the project organised?", {"organisation"}),
    ],
)
def test_everyday_english_reaches_the_swedish_wording(question: str, swedish: set[str]) -> None:
    from assistant.language.glossary import translate

    assert swedish <= set(translate(question))


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("nar tog projektet slut egentligen", "time"),
        ("hur manga kommuner var med?", "quantity"),
        ("Varför valde Södertälje ett fokusområde?", "reason"),
        ("Vilka kommuner deltog?", "list"),
        ("hur lange pagick det?", "time"),  # any question word without its letters, not a list of them
        ("vad ar crime proofing for nagot?", "definition"),
        ("hej! vad står SSPF för egentligen?", "definition"),
        ("och hur ofta ska gruppen ses?", "frequency"),
        ("med vilket intervall ska utbildningen goras om?", "frequency"),
    ],
)
def test_question_kinds_also_without_swedish_letters(question: str, kind: str) -> None:
    from assistant.language.kinds import question_kinds
    from assistant.language.terms import question_terms

    assert kind in question_kinds(question)
    found = {s for t in question_terms(question) for s in t}
    assert not {"nar", "manga", "lang", "nagot", "ar"} & found  # question words, not topics


def test_a_phrase_with_av_matches_the_compound_the_material_writes() -> None:
    from assistant.language.terms import TermStats, question_terms, text_stems

    material = "Vissa andra brottstyper är inte huvudfokus. Projektet gällde organiserad brottslighet."
    stats = TermStats([text_stems(material)])
    terms = question_terms("Vilka typer av brott låg utanför fokus?", stats)
    head = next(t for t in terms if "typ" in t)
    assert head.found_in(text_stems(material))
    assert not next(t for t in question_terms("Vilka typer av brott?", TermStats([]))).found_in(text_stems(material))


def test_context_comes_only_from_the_passages_own_document_version() -> None:
    """A passage retrieved just before a new snapshot (a new version of its document) is never
    joined with the new version's neighbours: an answer mixes no versions."""
    from assistant.index.lexical import LexicalIndex
    from assistant.retrieval.context import with_context
    from assistant.types import Passage

    old = [make_chunk("doc", i, "Avsnitt", f"Gammal mening {i}.", doc_hash="v1") for i in range(3)]
    new = [make_chunk("doc", i, "Avsnitt", f"Ny mening {i}.", doc_hash="v2") for i in range(3)]
    newer_snapshot = LexicalIndex(new, "k2")
    passage = Passage(chunk=old[1], score=1.0)
    (joined,) = with_context(newer_snapshot, frozenset({"v1", "v2"}), [passage], window=1)
    assert joined.context == "Gammal mening 1."
    (current,) = with_context(newer_snapshot, frozenset({"v2"}), [Passage(chunk=new[1], score=1.0)], window=1)
    assert current.context == "Ny mening 0.\nNy mening 1.\nNy mening 2."


def test_the_snapshot_learns_what_each_document_calls_itself(fake_settings: Settings) -> None:
    """A guide titled "… en vägledning …" that says "den här vägledningen" calls itself "vägledningen":
    its scope statements ("Vägledningen tar inte upp …") are read as such (`sentence_cues.scope_re`)."""
    guide = [
        make_chunk("guide", 0, "En vägledning om kontroll", "I den här vägledningen finns tre exempel.", "h2", "guide"),
        make_chunk("guide", 1, "Avgränsningar", "Den här gången gick det fort.", "h2", "guide"),
    ]
    store, registry = build_index(fake_settings, [*pm_chunks(), *guide])
    snapshot = CorpusView(registry, store, LexicalCache(fake_settings.lexical_path), check_seconds=0).snapshot()
    assert snapshot.self_names == {"vägledningen"} and snapshot.named_by == {"vägledningen": {"guide"}}
    assert snapshot.term_stats is not None and snapshot.term_stats.self_names == {"vägledningen"}
