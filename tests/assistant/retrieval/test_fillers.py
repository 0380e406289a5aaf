"""Words a question means the same without (`retrieval.fillers`), decided by an embedder."""

from __future__ import annotations

from assistant.language.terms import TermStats, question_terms, text_stems
from assistant.retrieval.fillers import filler_terms, unused_words

MATERIAL = ["Samordnaren i Sundsvall var Lena Åkerlund.", "Kommunen valde kameror vid torget."]
STATS = TermStats([text_stems(t) for t in MATERIAL])


def meaning(text: str) -> list[float]:
    """A stand-in embedder: one axis per content word, a chat word weighing almost nothing."""
    axes = ["samordn", "sundsvall", "snabbfråg", "kameramodell", "kommun"]
    weights = {"snabbfråg": 0.05}
    stems = text_stems(text)
    return [weights.get(a, 1.0) * (a in stems) for a in axes] + [0.1]


def test_only_words_the_material_never_uses_are_tried() -> None:
    query = "snabbfråga: vem samordnade i Sundsvall, och vilka kameramodeller valdes?"
    found = unused_words(query, question_terms(query, STATS), STATS)
    assert sorted(found) == ["kameramodeller", "snabbfråga"]


def test_a_word_the_question_means_the_same_without_is_filler() -> None:
    query = "snabbfråga: vem samordnade i Sundsvall, och vilka kameramodeller valdes?"
    candidates = unused_words(query, question_terms(query, STATS), STATS)
    fillers = filler_terms(query, candidates, meaning, 0.99)
    assert [sorted(t) for t in fillers] == [["snabbfråg"]]  # the camera models are what is asked
    assert filler_terms(query, candidates, meaning, 1.01) == set()  # a limit above 1: nothing is filler


def test_the_retriever_tries_words_at_the_edges_never_names_and_can_be_switched_off(fake_settings) -> None:
    from tests.assistant.rag_fixtures import make_retriever

    def retriever(limit: float):
        retrieval = fake_settings.retrieval.model_copy(update={"filler_min_cosine": limit})
        return make_retriever(fake_settings.model_copy(update={"retrieval": retrieval}))

    query = "Hörru snabbfråga: vad är Crime proofing, Zoltan?"
    terms = question_terms(query, retriever(1.0).term_stats)
    everything = retriever(0.0)  # every cosine passes: each word tried is filler
    found = {w for t in everything.fillers(query, terms, {"zoltan"}) for w in t}
    assert found == {"hörru", "snabbfråg"}  # "Zoltan" is a name; "Crime proofing" is the material's
    assert retriever(1.0).fillers(query, terms, set()) == set()
