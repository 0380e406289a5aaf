"""The eval runner with a scripted fake assistant; every expected metric is worked out by hand."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.errors import DatasetError, IndexMissingError, InputError
from assistant.types import Answer, Citation
from evals.dataset import load_dataset
from evals.runner import RunOptions, run_eval, select_items

DATASET = """
- id: a1
  question: "Vilka kommuner arbetade med alpha?"
  facts: [["Sigtuna"]]
  needle: "alpha beta"
  route: rag
  tags: [x, retrieval]
- id: a2
  question: "När startade Göteborg?"
  history: ["Vilka kommuner deltog?"]
  facts: [["Göteborg"], ["2022"]]
  needle: "delta epsilon"
  route: lookup
  tags: [x]
- id: d1
  question: "Vem vinner fotbolls-VM?"
  answerable: false
  tags: [decline]
- id: d2
  question: "Vad kostar en kaffe i Paris?"
  answerable: false
  tags: [decline]
- id: e1
  question: "TOO LONG"
  facts: [["något"]]
  needle: "zeta"
  route: rag
  tags: [x]
"""


def _cite(n: int, text: str) -> Citation:
    return Citation(n=n, doc_id="pm", title="PM", section="Sammanfattning", page=3, text=text, score=0.9)


SCRIPT: dict[str, Answer] = {
    # needle "alpha beta" is in the 2nd source -> rank 2; the one cited sentence is supported and covered.
    "a1": Answer(
        question="q",
        text="Sigtuna deltog i arbetet med alpha. [1]",
        citations=[_cite(1, "Sigtuna deltog i arbetet med alpha beta gamma.")],
        sources=[_cite(1, "Något helt annat om skolor."), _cite(2, "Sigtuna deltog i arbetet med alpha beta gamma.")],
        route="rag",
        timings={"total": 100.0},
    ),
    # no source has the needle; one of two fact groups; no markers; only 1 content word -> no factual unit.
    "a2": Answer(
        question="q",
        text="Göteborg var med.",
        sources=[_cite(1, "Inget om saken.")],
        route="rag",
        timings={"total": 300.0},
    ),
    "d1": Answer(
        question="q", text="Det kan jag inte svara på utifrån underlaget.", refused=True, timings={"total": 200.0}
    ),
    "d2": Answer(question="q", text="En kaffe kostar fyra euro.", timings={"total": 400.0}),
}


class FakeAssistant:
    """Answers by script; question "TOO LONG" is rejected like an over-long question."""

    def __init__(self, items: dict[str, str]) -> None:
        self.by_question = {question: item_id for item_id, question in items.items()}
        self.calls: list[tuple[str, list[str]]] = []

    def ask(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: dict | None = None
    ) -> Answer:
        self.calls.append((question, list(history)))
        if question == "TOO LONG":
            raise InputError("The question is too long")
        return SCRIPT[self.by_question[question]]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "gold.yaml"
    path.write_text(DATASET, encoding="utf-8")
    return path


@pytest.fixture
def fake(dataset: Path) -> FakeAssistant:
    return FakeAssistant({item.id: item.question for item in load_dataset(dataset)})


def _run(dataset: Path, out: Path, fake: FakeAssistant, settings, **options):
    return run_eval(
        RunOptions(dataset=dataset, out=out, progress=False, **options),
        settings,
        assistant_factory=lambda _settings: fake,
    )


def test_metrics_json_has_the_hand_computed_values(
    dataset: Path, fake: FakeAssistant, fake_settings, tmp_path: Path
) -> None:
    outcome = _run(dataset, tmp_path / "run", fake, fake_settings)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    overall = metrics["overall"]
    assert overall["n"] == 5
    assert overall["n_answerable"] == 3  # a1, a2, e1
    # ranks of the answerable items with needles: a1 = 2, a2 = None, e1 = None (error)
    assert overall["hit_at_1"] == 0.0
    assert overall["hit_at_3"] == pytest.approx(1 / 3)
    assert overall["hit_at_5"] == pytest.approx(1 / 3)
    assert overall["mrr"] == pytest.approx((1 / 2) / 3)
    assert overall["ndcg_at_5"] == pytest.approx((1 / 1.5849625) / 3, rel=1e-6)  # a1: 1/log2(3); others 0
    assert overall["fact_recall"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert overall["exact"] == pytest.approx(1 / 3)
    assert overall["citation_precision"] == 1.0  # only a1 has markers: its one sentence is supported
    assert overall["citation_coverage"] == 1.0  # only a1 has a factual unit, and it is cited
    # should decline: d1 (declined), d2 (answered) -> tp 1, fp 0, fn 1
    assert overall["refusal_precision"] == 1.0
    assert overall["refusal_recall"] == 0.5
    assert overall["refusal_f1"] == pytest.approx(2 / 3)
    # gold routes: a1 rag = rag, a2 lookup != rag, e1 rag != None (error)
    assert overall["route_accuracy"] == pytest.approx(1 / 3)
    # latencies 100, 200, 300, 400 (the error has none): p50 = 250, p95 = 300 + 0.85 * 100
    assert overall["latency_p50_ms"] == pytest.approx(250.0)
    assert overall["latency_p95_ms"] == pytest.approx(385.0)
    assert overall["n_errors"] == 1
    assert overall["n_failed"] == 3  # a2 (not exact, route), d2 (refusal), e1 (error)
    # answered answerable items: a1 (39 characters) and a2 (17); the error has no answer -> median 28
    assert overall["answer_chars_p50"] == 28.0
    assert metrics["by_tag"]["decline"]["refusal_recall"] == 0.5
    assert metrics["by_tag"]["retrieval"]["hit_at_3"] == 1.0
    assert metrics["by_tag"]["x"]["n"] == 3
    assert outcome.product.overall == overall


def test_run_config_records_dataset_hash_settings_and_timing(
    dataset: Path, fake: FakeAssistant, fake_settings, tmp_path: Path
) -> None:
    import hashlib

    _run(dataset, tmp_path / "run", fake, fake_settings)
    config = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))["config"]
    assert config["dataset"]["sha256"] == hashlib.sha256(dataset.read_bytes()).hexdigest()
    assert config["dataset"]["path"] == str(dataset)
    assert config["generator"] == "extractive"
    assert config["embedder"] == "fake"
    assert config["settings"]["retrieval"]["top_k"] == fake_settings.retrieval.top_k
    assert config["settings"]["llm"]["openai"]["api_key"] == "**********"
    assert config["seconds"] >= 0 and config["started"] <= config["finished"]
    assert "run_seconds" in config


def test_results_jsonl_rows_carry_answer_sources_and_metrics(
    dataset: Path, fake: FakeAssistant, fake_settings, tmp_path: Path
) -> None:
    _run(dataset, tmp_path / "run", fake, fake_settings)
    lines = (tmp_path / "run" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    rows = {row["id"]: row for row in map(json.loads, lines)}
    assert list(rows) == ["a1", "a2", "d1", "d2", "e1"]
    a1 = rows["a1"]
    assert a1["answer"] == "Sigtuna deltog i arbetet med alpha. [1]"
    assert a1["sources"][1] == {
        "n": 2,
        "doc_id": "pm",
        "title": "PM",
        "section": "Sammanfattning",
        "page": 3,
        "score": 0.9,
        "text": "Sigtuna deltog i arbetet med alpha beta gamma.",
    }
    assert (a1["rank"], a1["hit@1"], a1["hit@3"], a1["hit@5"], a1["mrr"]) == (2, False, True, True, 0.5)
    assert a1["ndcg@5"] == pytest.approx(0.63093, abs=1e-5)
    assert (a1["fact_recall"], a1["exact"], a1["citation_precision"], a1["citation_coverage"]) == (1, True, 1, 1)
    assert a1["failures"] == [] and a1["route"] == a1["expected_route"] == "rag"
    assert rows["a2"]["failures"] == ["not exact", "wrong route"]
    assert rows["d1"]["refused"] is True and rows["d1"]["rank"] is None and rows["d1"]["exact"] is None
    assert rows["d2"]["failures"] == ["wrong refusal"]
    assert rows["e1"]["error"].startswith("InputError") and rows["e1"]["exact"] is False
    assert set(rows["e1"]["failures"]) == {"error", "not exact", "wrong route"}


def test_history_is_passed_to_the_assistant(dataset: Path, fake: FakeAssistant, fake_settings, tmp_path: Path) -> None:
    _run(dataset, tmp_path / "run", fake, fake_settings)
    assert ("När startade Göteborg?", ["Vilka kommuner deltog?"]) in fake.calls


def test_tag_and_limit_select_items(dataset: Path, fake: FakeAssistant, fake_settings, tmp_path: Path) -> None:
    outcome = _run(dataset, tmp_path / "run", fake, fake_settings, tags=["decline"], limit=1)
    assert [row["id"] for row in outcome.product.rows] == ["d1"]
    assert outcome.product.metrics["config"]["selected"] == 1
    assert outcome.product.metrics["config"]["dataset"]["items"] == 5


def test_select_items_without_a_match_is_a_dataset_error(dataset: Path) -> None:
    with pytest.raises(DatasetError, match="no items to evaluate with tag"):
        select_items(load_dataset(dataset), ["nope"])


def test_errors_other_than_bad_questions_stop_the_run(dataset: Path, fake_settings, tmp_path: Path) -> None:
    class NoIndex:
        def ask(self, question: str, history: Sequence[str] = (), k=None, filters=None) -> Answer:
            raise IndexMissingError("No index found")

    with pytest.raises(IndexMissingError):
        run_eval(
            RunOptions(dataset=dataset, out=tmp_path / "run", progress=False),
            fake_settings,
            assistant_factory=lambda _settings: NoIndex(),
        )


def test_default_run_dir_is_timestamp_and_generator(
    dataset: Path, fake: FakeAssistant, fake_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = run_eval(
        RunOptions(dataset=dataset, progress=False, limit=1), fake_settings, assistant_factory=lambda _settings: fake
    )
    assert outcome.run_dir.parent == Path("runs")
    assert outcome.run_dir.name.endswith("-extractive")
    assert (tmp_path / outcome.run_dir / "report.html").is_file()


def test_rerun_into_the_same_dir_drops_stale_baselines(
    dataset: Path, fake: FakeAssistant, fake_settings, tmp_path: Path
) -> None:
    stale = tmp_path / "run" / "baselines" / "bm25"
    stale.mkdir(parents=True)
    (stale / "metrics.json").write_text('{"overall": {}}', encoding="utf-8")
    (stale / "results.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "run" / "notes.txt").write_text("mine", encoding="utf-8")
    _run(dataset, tmp_path / "run", fake, fake_settings, limit=1)
    assert not (tmp_path / "run" / "baselines").exists()
    assert (tmp_path / "run" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert "bm25" not in (tmp_path / "run" / "report.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- several datasets, kinds, own documents

GUIDE = "# Guiden\n\n<!-- page: 1 -->\n\n## Trädet\n\nOrsakerna placeras som rötter under stammen i problemträdet.\n"
GUIDE_SET = """\
name: guide
documents: [guide.md]
items:
  - id: g1
    question: "Var placeras orsakerna?"
    history:
      - {role: user, content: "Vad är ett problemträd?"}
      - {role: assistant, content: "Ett verktyg för orsaksanalys."}
    facts: [["rötter"]]
    needle: "Orsakerna placeras som rötter"
    kind: followup
    note: "Rötterna."
  - id: g2
    question: "Vem uppfann trädet?"
    facts: []
    answerable: false
    kind: outofscope
"""


class Recorder:
    """Answers every question the same way; records the settings it was built from and what it was asked."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.calls: list[tuple[str, list[str]]] = []

    def ask(self, question: str, history: Sequence[str] = (), k=None, filters=None) -> Answer:
        self.calls.append((question, list(history)))
        return Answer(
            question=question,
            text="Orsakerna placeras som rötter. [1]",
            citations=[_cite(1, "Orsakerna placeras som rötter under stammen.")],
            sources=[_cite(1, "Orsakerna placeras som rötter under stammen.")],
            route="rag",
            timings={"total": 10.0},
        )


@pytest.fixture
def guide_set(tmp_path: Path) -> Path:
    folder = tmp_path / "guide-set"
    folder.mkdir()
    (folder / "guide.md").write_text(GUIDE, encoding="utf-8")
    path = folder / "dataset.yaml"
    path.write_text(GUIDE_SET, encoding="utf-8")
    return path


def test_two_datasets_one_with_its_own_index(
    dataset: Path, guide_set: Path, fake: FakeAssistant, fake_settings, tmp_path: Path
) -> None:
    built: list[Recorder | FakeAssistant] = []

    def factory(settings):
        assistant = fake if settings.data_dir == fake_settings.data_dir else Recorder(settings)
        built.append(assistant)
        return assistant

    outcome = run_eval(
        RunOptions(dataset=[dataset, guide_set], out=tmp_path / "run", progress=False),
        fake_settings,
        assistant_factory=factory,
        echo=lambda _: None,
    )
    assert built[0] is fake and isinstance(built[1], Recorder)
    guide_assistant = built[1]
    assert guide_assistant.settings.data_dir != fake_settings.data_dir  # its own, temporary data dir
    assert not guide_assistant.settings.data_dir.exists()  # ... removed after the run
    # the assistant gets the user's earlier questions, as the chat gives them
    assert guide_assistant.calls[0] == ("Var placeras orsakerna?", ["Vad är ett problemträd?"])
    rows = outcome.product.rows
    assert [(r["dataset"], r["id"]) for r in rows][-2:] == [("guide", "g1"), ("guide", "g2")]
    assert rows[-2]["history"][1] == {"role": "assistant", "content": "Ett verktyg för orsaksanalys."}
    assert (rows[-2]["kind"], rows[-2]["note"]) == ("followup", "Rötterna.")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["by_dataset"]["gold"]["all"]["n"] == 5 and metrics["by_dataset"]["guide"]["all"]["n"] == 2
    assert set(metrics["by_dataset"]["guide"]["kinds"]) == {"followup", "outofscope"}
    assert metrics["by_dataset"]["gold"]["kinds"] == {"(no kind)": metrics["by_dataset"]["gold"]["all"]}
    assert metrics["by_kind"]["outofscope"]["refusal_recall"] == 0.0  # g2 was answered
    assert metrics["by_kind"]["followup"]["exact"] == 1.0
    config = metrics["config"]
    assert [d["name"] for d in config["datasets"]] == ["gold", "guide"]
    assert config["datasets"][0]["index"]["kind"] == "production"
    guide_index = config["datasets"][1]["index"]
    assert guide_index["kind"] == "isolated" and guide_index["documents"][0]["doc_id"] == "guide"
    assert guide_index["corpus"]["generation"]  # the bundled corpus was included
    assert config["dataset"]["path"] == f"{dataset} + {guide_set}" and config["dataset"]["items"] == 7
    report = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "| guide | followup |" in report and "asked against its own index" in report


def test_tags_select_kinds_and_limit_applies_per_dataset(
    dataset: Path, guide_set: Path, fake: FakeAssistant, fake_settings, tmp_path: Path
) -> None:
    outcome = run_eval(
        RunOptions(dataset=[dataset, guide_set], out=tmp_path / "run", progress=False, tags=["outofscope", "x"]),
        fake_settings,
        assistant_factory=lambda s: fake if s.data_dir == fake_settings.data_dir else Recorder(s),
        echo=lambda _: None,
    )
    assert [r["id"] for r in outcome.product.rows] == ["a1", "a2", "e1", "g2"]
    said: list[str] = []
    only_gold = run_eval(
        RunOptions(dataset=[dataset, guide_set], out=tmp_path / "run3", progress=False, tags=["decline"]),
        fake_settings,
        assistant_factory=lambda s: fake,
        echo=said.append,
    )
    assert [r["id"] for r in only_gold.product.rows] == ["d1", "d2"]
    assert said == []  # no index was built for the guide, none of whose items was selected
    assert only_gold.product.metrics["config"]["datasets"][1]["selected"] == 0
    limited = run_eval(
        RunOptions(dataset=[dataset, guide_set], out=tmp_path / "run2", progress=False, limit=1),
        fake_settings,
        assistant_factory=lambda s: fake if s.data_dir == fake_settings.data_dir else Recorder(s),
        echo=lambda _: None,
    )
    assert [r["id"] for r in limited.product.rows] == ["a1", "g1"]


def test_baselines_read_the_documents_of_the_dataset_index(guide_set: Path, fake_settings, tmp_path: Path) -> None:
    seen: list[list[Path]] = []

    def baselines(settings, folders):
        seen.append(list(folders))
        assert (folders[-1] / "manifest.yaml").is_file()
        assert [p.name for p in folders[-1].iterdir() if p.suffix == ".md"] == ["01-guide.md"]
        from evals.baselines import build_baselines

        return build_baselines(settings, folders=folders)

    outcome = run_eval(
        RunOptions(dataset=guide_set, out=tmp_path / "run", progress=False, baselines=True),
        fake_settings,
        assistant_factory=Recorder,
        baseline_factory=baselines,
        echo=lambda _: None,
    )
    assert seen[0][0] == fake_settings.corpus_dir and len(seen[0]) == 2
    bm25 = next(run for run in outcome.baselines if run.path.name == "bm25")
    assert bm25.rows[0]["dataset"] == "guide" and bm25.rows[0]["rank"] == 1  # found in the brought guide
