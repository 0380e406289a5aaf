"""The naive baselines on a tiny corpus with the fake (hash) embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.index.embeddings import HashEmbeddings
from evals.baselines import (
    CHUNK_SIZE,
    TOP_K,
    BM25Baseline,
    DenseBaseline,
    build_baselines,
    load_corpus_pages,
    split_corpus,
)
from evals.dataset import EvalItem
from evals.metrics import citation_precision
from evals.scoring import score_answer

TOPICS = {
    1: ("Kameraövervakning", "Kameraövervakning vid torget minskade skadegörelsen kraftigt enligt kommunens mätning."),
    2: ("Föreningsbidrag", "Föreningsbidrag granskades med Crime proofing för att hindra felaktiga utbetalningar."),
    3: ("Tryggare Skola", "Tryggare Skola infördes i Sigtuna och Trollhättan under hösten."),
    4: ("Medborgardialog", "Medborgardialog genomfördes i fyra bostadsområden med stöd av polisen."),
    5: ("Belysning", "Belysning i gångtunnlar byttes ut efter trygghetsvandringar i Linköping."),
}
FILLER = "Arbetet beskrevs i rapporten och följdes upp av projektledningen under året. "


def _page(number: int) -> str:
    title, key = TOPICS[number]
    return f"<!-- page: {number} -->\n\n## {title}\n\n{FILLER * 6}\n\n{key}\n\n{FILLER * 6}\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "documents").mkdir(parents=True)
    text = "# Liten rapport\n\n" + "\n".join(_page(n) for n in TOPICS)
    (root / "documents" / "rapport.md").write_text(text, encoding="utf-8")
    (root / "manifest.yaml").write_text(
        "documents:\n  - id: rapport\n    file: documents/rapport.md\n    title: Liten rapport\n    type: pm\n",
        encoding="utf-8",
    )
    return root


def _item(needle: str) -> EvalItem:
    return EvalItem(id="t", question="q", facts=[["x"]], needle=[needle])


def test_corpus_is_read_page_by_page_and_split_1000_200(corpus: Path) -> None:
    pages = load_corpus_pages(corpus)
    assert [p.metadata.get("page") for p in pages] == [None, 1, 2, 3, 4, 5]
    assert all("<!-- page" not in p.page_content for p in pages)
    splits = split_corpus(pages)
    assert len(splits) > TOP_K
    assert all(len(s.page_content) <= CHUNK_SIZE for s in splits)
    assert len({s.metadata["chunk_id"] for s in splits}) == len(splits)


@pytest.mark.parametrize("system", ["dense", "bm25"])
def test_baseline_answers_with_four_numbered_passages_and_ranks_the_needle_first(corpus: Path, system: str) -> None:
    splits = split_corpus(load_corpus_pages(corpus))
    baseline = DenseBaseline(splits, HashEmbeddings()) if system == "dense" else BM25Baseline(splits)
    try:
        answer = baseline.ask("tryggare skola infördes i sigtuna och trollhättan")
    finally:
        baseline.close()
    assert len(answer.citations) == len(answer.sources) == TOP_K
    assert [c.n for c in answer.citations] == [1, 2, 3, 4]
    assert all(f"[{n}]" in answer.text for n in range(1, 5))
    assert answer.citations[0].page == 3 and answer.citations[0].doc_id == "rapport"
    assert not answer.refused and answer.route == "rag" and answer.timings["total"] >= 0
    row = score_answer(_item("Tryggare Skola infördes i Sigtuna"), answer)
    assert row["rank"] == 1 and row["hit@1"] is True
    # each passage ends with its own marker, so the cited (last) sentence is always supported
    assert citation_precision(answer.text, {c.n: c.text for c in answer.citations}) == 1.0


def test_needle_on_another_page_gets_its_rank(corpus: Path) -> None:
    splits = split_corpus(load_corpus_pages(corpus))
    answer = BM25Baseline(splits).ask("kameraövervakning vid torget")
    row = score_answer(_item("Kameraövervakning vid torget"), answer)
    assert row["rank"] == 1
    assert score_answer(_item("Belysning i gångtunnlar"), answer)["rank"] is None


def test_bm25_with_only_unknown_words_still_returns_four_passages(corpus: Path) -> None:
    answer = BM25Baseline(split_corpus(load_corpus_pages(corpus))).ask("xyzzy plugh")
    assert len(answer.citations) == TOP_K


def test_build_baselines_uses_the_corpus_dir_and_the_configured_embedder(corpus: Path, fake_settings) -> None:
    settings = fake_settings.model_copy(update={"corpus_dir": corpus})
    systems = build_baselines(settings)
    try:
        assert [s.name for s in systems] == ["langchain-dense", "bm25"]
        assert systems[0].describe()["embedder"] == "fake"
        assert systems[1].describe()["chunk_overlap"] == 200
    finally:
        for system in systems:
            system.close()


def test_missing_manifest_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="korpusens manifest finns inte"):
        load_corpus_pages(tmp_path)
