"""Metric tests; every expected value is computed by hand in the comment next to it."""

from __future__ import annotations

import math

import pytest

from evals.metrics import (
    aggregate,
    answer_units,
    citation_coverage,
    citation_precision,
    exact_correct,
    fact_recall,
    hit_at,
    markers_in,
    ndcg_at_5,
    needle_rank,
    percentile,
    reciprocal_rank,
    refusal_scores,
    route_accuracy,
    supports,
)

CRIME_PROOFING = "Fyra kommuner deltog i arbetet: Sigtuna, Göteborg, Linköping och Trollhättan."
TRYGGARE_SKOLA = "Två kommuner, Sigtuna och Trollhättan, har arbetat med verktyget Tryggare Skola."


# --------------------------------------------------------------------------- retrieval


def test_needle_rank_first_matching_source_is_one_based() -> None:
    sources = ["inget här", "Fem kommuner valdes ut för att delta", "Fem kommuner valdes ut igen"]
    assert needle_rank(sources, ["fem kommuner valdes ut"]) == 2


def test_needle_rank_ignores_whitespace_case_and_emphasis_differences() -> None:
    source = "Modellen *Crime\n   proofing* är en\tANALYSMODELL som kan användas"
    assert needle_rank([source], ["crime proofing är en analysmodell"]) == 1


def test_needle_rank_any_of_several_needles_counts() -> None:
    assert needle_rank(["a", "b c d"], ["x y", "c d"]) == 2


def test_needle_rank_none_without_sources_or_match_or_needles() -> None:
    assert needle_rank([], ["något"]) is None
    assert needle_rank(["annat"], ["något"]) is None
    assert needle_rank(["något"], []) is None


def test_hit_at_and_reciprocal_rank() -> None:
    assert hit_at(3, 3) is True
    assert hit_at(4, 3) is False
    assert hit_at(None, 5) is False
    assert reciprocal_rank(4) == 0.25
    assert reciprocal_rank(None) == 0.0


def test_ndcg_single_relevant_at_rank_two() -> None:
    # DCG = 1/log2(3); ideal (one relevant) = 1/log2(2) = 1
    value = ndcg_at_5(["x", "needle här", "y"], ["needle"])
    assert value == pytest.approx(1 / math.log2(3))


def test_ndcg_two_relevant_at_ranks_one_and_three() -> None:
    # DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.6309...
    value = ndcg_at_5(["needle", "x", "needle", "y"], ["needle"])
    assert value == pytest.approx(1.5 / (1 + 1 / math.log2(3)))


def test_ndcg_relevant_beyond_five_counts_only_for_ideal() -> None:
    # relevant at ranks 1 and 6: DCG = 1; IDCG = 1 + 1/log2(3)
    sources = ["needle", "a", "b", "c", "d", "needle"]
    assert ndcg_at_5(sources, ["needle"]) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_ndcg_edges() -> None:
    assert ndcg_at_5([], ["needle"]) == 0.0
    assert ndcg_at_5(["needle"], []) is None
    assert ndcg_at_5(["needle"] * 6, ["needle"]) == pytest.approx(1.0)


# --------------------------------------------------------------------------- answers


def test_fact_recall_counts_groups_with_any_alternative() -> None:
    facts = [["Sigtuna"], ["Göteborg", "Gothenburg"], ["Malmö"]]
    answer = "Kommunerna var SIGTUNA och\n gothenburg."
    assert fact_recall(answer, facts) == pytest.approx(2 / 3)
    assert exact_correct(answer, facts) is False


def test_fact_recall_normalises_whitespace_in_alternatives() -> None:
    assert fact_recall("Crime\nproofing testades", [["crime proofing"]]) == 1.0


def test_fact_recall_empty_facts_and_empty_answer() -> None:
    assert fact_recall("vad som helst", []) == 1.0
    assert exact_correct("", []) is True
    assert fact_recall("", [["63"]]) == 0.0


def test_exact_correct_all_groups() -> None:
    assert exact_correct("30 fick enkäten och 27 svarade", [["27"], ["30"]]) is True


# --------------------------------------------------------------------------- citations


def test_markers_in_lists_and_adjacent_markers() -> None:
    assert markers_in("Text [1, 3] mer [3][2] och [4;5].") == [1, 3, 2, 4, 5]
    assert markers_in("Ingen markör [a] här") == []


def test_supports_needs_half_of_the_stems() -> None:
    # sentence stems: fyr, kommun, använd, crim, proofing -> only "använd" is missing: 4/5
    assert supports("Fyra kommuner använde Crime proofing.", CRIME_PROOFING + " Crime proofing.") is True
    # "Malmö deltog i Tryggare skola": malmö, deltog, trygg, skol; the passage has trygg and
    # skol -> 2/4 = 0.5 -> supported (the threshold is inclusive)
    assert supports("Malmö deltog i Tryggare skola.", TRYGGARE_SKOLA) is True
    assert supports("Malmö fick pengar från Sweco.", TRYGGARE_SKOLA) is False


def test_citation_precision_single_supported_marker() -> None:
    answer = "Fyra kommuner deltog: Sigtuna, Göteborg, Linköping och Trollhättan [1]."
    assert citation_precision(answer, {1: CRIME_PROOFING}) == 1.0


def test_citation_precision_marker_after_full_stop_belongs_to_sentence() -> None:
    answer = "Sigtuna och Trollhättan arbetade med Tryggare skola. [2] Fyra kommuner deltog i Crime proofing [1]."
    # pair 1: sentence 1 with [2] (supported), pair 2: sentence 2 with [1] (supported)
    assert citation_precision(answer, {1: CRIME_PROOFING, 2: TRYGGARE_SKOLA}) == 1.0


def test_citation_precision_multiple_markers_and_missing_citation() -> None:
    answer = "Sigtuna och Trollhättan arbetade med Tryggare skola [1, 2][3]."
    # stems: sigtun, trollhättan, arbet, trygg, skol. [1] (Crime proofing text) has sigtun,
    # trollhättan, arbet (arbetet -> arbet): 3/5 supported; [2] supported; [3] missing -> 2/3
    assert citation_precision(answer, {1: CRIME_PROOFING, 2: TRYGGARE_SKOLA}) == pytest.approx(2 / 3)


def test_citation_precision_unsupported_pair() -> None:
    answer = "Malmö fick pengar från Sweco [1]. Fyra kommuner deltog i arbetet [1]."
    assert citation_precision(answer, {1: CRIME_PROOFING}) == 0.5


def test_citation_precision_none_without_markers_or_answer() -> None:
    assert citation_precision("Sigtuna deltog i projektet.", {1: CRIME_PROOFING}) is None
    assert citation_precision("", {}) is None


def test_citation_precision_all_markers_missing() -> None:
    assert citation_precision("Sigtuna deltog i projektet [7].", {}) == 0.0


def test_citation_coverage_counts_factual_sentences_only() -> None:
    answer = "Ja. Sigtuna deltog i Crime proofing-arbetet [1]. Trollhättan genomförde tre analyser inom föreningsstöd."
    # "Ja." has no content words; two factual sentences, one cited -> 0.5
    assert citation_coverage(answer) == 0.5


def test_citation_coverage_marker_on_own_line_joins_previous_sentence() -> None:
    answer = "Sigtuna deltog i Crime proofing-arbetet.\n[1]"
    assert citation_coverage(answer) == 1.0


def test_bullet_holding_only_a_marker_joins_previous_line() -> None:
    answer = "- Linköping analyserade föreningsstöd med metoden\n- [2]"
    units = answer_units(answer)
    assert len(units) == 1 and units[0]["markers"] == [2]
    assert citation_coverage(answer) == 1.0


def test_citation_coverage_ignores_sources_list_and_headings() -> None:
    answer = (
        "## Crime proofing i kommunerna\n"
        "Fyra kommuner deltog i arbetet med Crime proofing [1].\n\n"
        "Källor:\n"
        "[1] Slutrapport, Fokusområde 4: Välfärdsbrottslighet, sidan 18\n"
        "Fyra kommuner deltog i arbetet med metoden utan markör\n"
    )
    assert citation_coverage(answer) == 1.0


def test_citation_coverage_table_rows_need_markers_header_skipped() -> None:
    answer = (
        "Aktiviteter inom välfärdsbrott per kommun:\n"
        "| Kommun | Aktivitet | Antal |\n"
        "|---|---|---:|\n"
        "| Linköping | Handledningstillfällen Crime proofing | 4 | [1] |\n"
        "| Sigtuna | Halvdagskonferens med Skatteverket | 1 |\n"
        "| Trollhättan | Handledningstillfällen | 4 | [2] |\n"
    )
    units = answer_units(answer)
    assert [u["table_row"] for u in units] == [False, True, True, True]
    # intro sentence (4 content words, uncited) + 3 rows, 2 cited -> 2/4
    assert citation_coverage(answer) == 0.5


def test_citation_coverage_empty_answer_is_none() -> None:
    assert citation_coverage("") is None
    assert citation_coverage("   \n ") is None


# --------------------------------------------------------------------------- refusal, routing, percentiles


def test_refusal_scores_mixed() -> None:
    pairs = [(True, True), (True, False), (False, True), (False, False), (True, True)]
    # tp=2 fp=1 fn=1 -> p=2/3 r=2/3 f1=2/3
    scores = refusal_scores(pairs)
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(2 / 3)


def test_refusal_scores_all_refused() -> None:
    scores = refusal_scores([(True, True), (False, True), (False, True), (False, True)])
    # tp=1 fp=3 fn=0 -> p=0.25 r=1 f1=2*0.25/1.25=0.4
    assert scores == pytest.approx({"precision": 0.25, "recall": 1.0, "f1": 0.4})


def test_refusal_scores_nothing_refused() -> None:
    scores = refusal_scores([(True, False), (False, False)])
    assert scores == {"precision": None, "recall": 0.0, "f1": None}


def test_refusal_scores_nothing_to_refuse() -> None:
    assert refusal_scores([(False, False)]) == {"precision": None, "recall": None, "f1": None}
    assert refusal_scores([(False, True)]) == {"precision": 0.0, "recall": None, "f1": None}


def test_refusal_scores_zero_precision_and_recall_gives_zero_f1() -> None:
    assert refusal_scores([(True, False), (False, True)]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_route_accuracy() -> None:
    pairs = [("rag", "rag"), ("lookup", "rag"), ("both", "both"), (None, "rag")]
    assert route_accuracy(pairs) == pytest.approx(2 / 3)
    assert route_accuracy([(None, "rag")]) is None
    assert route_accuracy([]) is None


def test_percentile_linear_interpolation() -> None:
    values = [40.0, 10.0, 30.0, 20.0]
    assert percentile(values, 50) == 25.0  # position 1.5 between 20 and 30
    assert percentile(values, 95) == pytest.approx(38.5)  # position 2.85: 30 + 0.85 * 10
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(values, 101)


# --------------------------------------------------------------------------- aggregation


def _results() -> list[dict]:
    return [
        {
            "id": "a",
            "tags": ["lookup", "numbers"],
            "answerable": True,
            "refused": False,
            "expected_route": "lookup",
            "route": "lookup",
            "rank": 1,
            "fact_recall": 1.0,
            "exact": True,
            "citation_precision": 1.0,
            "citation_coverage": 1.0,
            "latency_ms": 100.0,
        },
        {
            "id": "b",
            "tags": ["lookup"],
            "answerable": True,
            "refused": False,
            "expected_route": "lookup",
            "route": "rag",
            "rank": 4,
            "fact_recall": 0.5,
            "exact": False,
            "citation_precision": 0.5,
            "citation_coverage": None,
            "latency_ms": 300.0,
        },
        {
            "id": "c",
            "tags": ["decline"],
            "answerable": False,
            "refused": True,
            "expected_route": None,
            "route": None,
            "rank": None,
            "fact_recall": 1.0,
            "exact": True,
            "citation_precision": None,
            "citation_coverage": None,
            "latency_ms": 200.0,
        },
    ]


def test_aggregate_overall() -> None:
    overall = aggregate(_results())["overall"]
    assert overall["n"] == 3
    assert overall["n_answerable"] == 2
    assert overall["hit_at_1"] == 0.5  # ranks 1 and 4 (decline not counted)
    assert overall["hit_at_3"] == 0.5
    assert overall["hit_at_5"] == 1.0
    assert overall["mrr"] == pytest.approx((1 + 0.25) / 2)
    assert overall["fact_recall"] == 0.75
    assert overall["exact"] == 0.5
    assert overall["citation_precision"] == 0.75
    assert overall["citation_coverage"] == 1.0  # None ignored
    assert overall["refusal_precision"] == 1.0
    assert overall["refusal_recall"] == 1.0
    assert overall["route_accuracy"] == 0.5
    assert overall["latency_p50_ms"] == 200.0
    assert overall["latency_p95_ms"] == pytest.approx(290.0)  # position 1.9: 200 + 0.9 * 100
    assert overall["ndcg_at_5"] is None


def test_aggregate_by_tag() -> None:
    by_tag = aggregate(_results())["by_tag"]
    assert list(by_tag) == ["decline", "lookup", "numbers"]
    assert by_tag["lookup"]["n"] == 2
    assert by_tag["lookup"]["mrr"] == pytest.approx(0.625)
    assert by_tag["numbers"]["exact"] == 1.0
    assert by_tag["decline"]["n_answerable"] == 0
    assert by_tag["decline"]["fact_recall"] is None
    assert by_tag["decline"]["refusal_recall"] == 1.0


def test_aggregate_custom_tags_of_and_empty() -> None:
    grouped = aggregate(_results(), tags_of=lambda r: ["answerable" if r["answerable"] else "decline"])
    assert grouped["by_tag"]["answerable"]["n"] == 2
    empty = aggregate([])
    assert empty["overall"]["n"] == 0
    assert empty["overall"]["mrr"] is None
    assert empty["by_tag"] == {}
