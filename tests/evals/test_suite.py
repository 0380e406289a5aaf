"""Dataset files as evaluators write them: lists, mappings that bring documents, dataset folders."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from assistant.errors import DatasetError
from evals.suite import load_suite, load_suites

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "dev-material"
ITEM = '- id: a1\n  question: "Vad är en lägesbild?"\n  facts: [["lägesbild"]]\n'
ITEMS_INLINE = '  - id: a1\n    question: "Vad är en lägesbild?"\n    facts: [["lägesbild"]]\n'


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(DatasetError) as info:
        load_suite(path)
    return str(info.value)


def test_a_list_is_asked_against_the_configured_index(tmp_path: Path) -> None:
    path = _write(tmp_path / "gold.yaml", ITEM)
    suite = load_suite(path)
    assert (suite.name, suite.path, [i.id for i in suite.items]) == ("gold", path, ["a1"])
    assert not suite.isolated and suite.documents == [] and suite.include_corpus
    assert suite.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    jsonl = _write(tmp_path / "set.jsonl", json.dumps({"id": "j", "question": "q", "facts": [["x"]]}) + "\n")
    assert load_suite(jsonl).items[0].id == "j"


def test_a_mapping_brings_documents_relative_to_itself(tmp_path: Path) -> None:
    guide = _write(tmp_path / "material" / "guide.md", "# Guide\n\nText.\n")
    path = _write(
        tmp_path / "sets" / "guide.yaml",
        "name: my-guide\ndescription: a guide\ndocuments:\n  - ../material/guide.md\n"
        "  - {path: ../material/guide.md, title: Guiden, publisher: Någon, year: 2025, type: metodstod}\n"
        f"items:\n{ITEMS_INLINE}",
    )
    suite = load_suite(path)
    assert suite.name == "my-guide" and suite.description == "a guide" and suite.isolated
    assert [d.path.resolve() for d in suite.documents] == [guide.resolve(), guide.resolve()]
    assert (suite.documents[0].title, suite.documents[1].title, suite.documents[1].year) == (None, "Guiden", 2025)
    assert suite.include_corpus is True


def test_items_may_live_in_their_own_file(tmp_path: Path) -> None:
    items = _write(tmp_path / "shared" / "questions.yaml", ITEM)
    _write(tmp_path / "shared" / "doc.md", "# D\n")
    path = _write(tmp_path / "set.yaml", "documents: [shared/doc.md]\nitems: shared/questions.yaml\n")
    suite = load_suite(path)
    assert [i.id for i in suite.items] == ["a1"] and suite.name == "set"
    # the recorded hash changes when either file changes
    assert suite.sha256 == hashlib.sha256(path.read_bytes() + items.read_bytes()).hexdigest()


def test_a_folder_with_a_dataset_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "lagesbild"
    _write(folder / "guide.md", "# Guide\n")
    _write(folder / "dataset.yaml", f"documents: [guide.md]\ninclude_corpus: false\nitems:\n{ITEMS_INLINE}")
    suite = load_suite(folder)
    assert suite.name == "lagesbild" and suite.path == folder / "dataset.yaml"
    assert suite.isolated and suite.include_corpus is False
    assert "needs a dataset.yaml" in _error(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"colour: blue\nitems:\n{ITEMS_INLINE}", "colour: unknown field"),
        ("documents: [x.md]\n", "items: missing required field"),
        (f"documents: [missing.md]\nitems:\n{ITEMS_INLINE}", "documents: document not found: "),
        (f"documents: [{{path: d.md, pages: 3}}]\nitems:\n{ITEMS_INLINE}", "documents.0.pages: unknown field"),
        (f"documents: [{{path: d.md, type: roman}}]\nitems:\n{ITEMS_INLINE}", "documents.0.type: Input should be"),
        (f"include_corpus: false\nitems:\n{ITEMS_INLINE}", "include_corpus is false, so the dataset must bring"),
        (f"name: 'two words'\nitems:\n{ITEMS_INLINE}", "name: String should match pattern"),
        ("items: []\n", "the dataset has no items"),
        ("items: nowhere.yaml\n", "nowhere.yaml: dataset file not found"),
        ("items: 3\n", "items"),
        ("just text\n", "found a single value"),
    ],
)
def test_mistakes_name_the_file_and_the_field(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path / "d.md", "# D\n")
    path = _write(tmp_path / "set.yaml", text)
    error = _error(path)
    assert str(path) in error and message in error


def test_an_item_error_in_a_mapping_names_item_and_line(tmp_path: Path) -> None:
    text = f'items:\n{ITEMS_INLINE}  - id: a2\n    question: "q"\n    facts: [["x"]]\n    colour: red\n'
    error = _error(_write(tmp_path / "set.yaml", text))
    assert "item 'a2' (index 1, line 5)" in error and "colour: unknown field" in error


def test_documents_from_the_command_line_and_unique_names(tmp_path: Path) -> None:
    doc = _write(tmp_path / "doc.md", "# D\n")
    first = _write(tmp_path / "a" / "gold.yaml", ITEM)
    second = _write(tmp_path / "b" / "gold.yaml", ITEM)
    suites = load_suites([first, second], [doc])
    assert [s.name for s in suites] == ["gold", "gold-2"]
    assert all(s.isolated and [d.path for d in s.documents] == [doc] for s in suites)
    with pytest.raises(DatasetError, match=r"--document: document not found: .*nope\.md"):
        load_suites([first], [tmp_path / "nope.md"])


def test_the_shared_dev_questions_load_as_they_are() -> None:
    """The shared development set (kind, messages as history) is valid as written."""
    suite = load_suite(SHARED / "questions.yaml")
    assert len(suite.items) == 50 and not suite.isolated
    assert {i.kind for i in suite.items} >= {"direct", "paraphrase", "followup", "outofscope", "english"}
    followups = [i for i in suite.items if i.kind == "followup"]
    assert followups and all(i.history and i.history[-1].role == "assistant" for i in followups)


def test_the_dev_guide_dataset_brings_the_shared_guide() -> None:
    suite = load_suite(REPO / "evals" / "datasets" / "dev-guide.yaml")
    assert suite.name == "dev-guide" and suite.isolated and suite.include_corpus
    assert [d.path.resolve() for d in suite.documents] == [(SHARED / "metodguide-lagesbild.md").resolve()]
    assert suite.items == load_suite(SHARED / "questions.yaml").items
    # test material only: never part of the shipped corpus
    assert not list((REPO / "corpus").rglob("metodguide-lagesbild*"))
