"""Tests for loading and validating evaluation datasets, including the shipped gold set."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.errors import DatasetError, MetodstodError
from evals.dataset import EvalItem, Turn, load_dataset
from evals.metrics import match_form

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "evals" / "datasets" / "gold.yaml"
PM_MARKDOWN = REPO / "corpus" / "documents" / "slutrapport-suo-2024.md"

GOOD_YAML = """\
- id: sam-01
  question: "Vilka kommuner medverkade?"
  facts: [["Sigtuna"], ["Göteborg", "Gothenburg"]]
  needle: "Fem kommuner valdes ut för att delta i projektet"
  route: lookup
  tags: [sammanfattning]
- id: dec-01
  question: "Vad är huvudstaden i Norge?"
  answerable: false
  facts: []
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    return str(info.value)


# --------------------------------------------------------------------------- loading


def test_load_yaml_normalises_needle_and_defaults(tmp_path: Path) -> None:
    items = load_dataset(_write(tmp_path, "set.yaml", GOOD_YAML))
    first, second = items
    assert first.needle == ["Fem kommuner valdes ut för att delta i projektet"]
    assert first.facts == [["Sigtuna"], ["Göteborg", "Gothenburg"]]
    assert first.answerable is True and first.route == "lookup" and first.history == []
    assert second.answerable is False and second.needle == [] and second.route is None
    assert second.tags == []


def test_load_jsonl_and_yml(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "question": "Vad är SSPF?", "facts": [["skola"]], "needle": ["x y z w v"]},
        {"id": "b", "question": "Och sen?", "history": ["Vad är SSPF?"], "facts": [["fritid"]]},
    ]
    jsonl = _write(tmp_path, "set.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n\n")
    items = load_dataset(jsonl)
    assert [i.id for i in items] == ["a", "b"]
    assert items[1].history == [Turn(role="user", content="Vad är SSPF?")]
    assert items[1].earlier_questions == ["Vad är SSPF?"]
    assert len(load_dataset(_write(tmp_path, "set.yml", GOOD_YAML))) == 2


def test_error_is_a_metodstod_error() -> None:
    assert issubclass(DatasetError, MetodstodError)


# --------------------------------------------------------------------------- file-level errors


def test_missing_file(tmp_path: Path) -> None:
    message = _error(tmp_path / "nope.yaml")
    assert "nope.yaml" in message and "not found" in message


def test_unsupported_suffix(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "set.csv", "id,question\n"))
    assert "set.csv" in message and "unsupported" in message


def test_bad_yaml_names_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", '- id: a\n  question: "oavslutad\n  facts: [["x"]\n')
    message = _error(path)
    assert "bad.yaml" in message and "invalid YAML" in message and "line" in message


def test_top_level_must_be_a_list(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "map.yaml", "id: a\nquestion: b\n"))
    assert "map.yaml" in message and "list" in message and "mapping" in message
    assert "empty" in _error(_write(tmp_path, "empty.yaml", ""))


def test_bad_json_line(tmp_path: Path) -> None:
    good = json.dumps({"id": "a", "question": "q", "facts": [["x"]]})
    message = _error(_write(tmp_path, "set.jsonl", good + "\n{not json\n"))
    assert "set.jsonl" in message and "line 2" in message and "invalid JSON" in message


# --------------------------------------------------------------------------- item errors


def test_bad_item_names_file_id_and_reason(tmp_path: Path) -> None:
    text = GOOD_YAML + '- id: bad-07\n  question: "q"\n  facts: [["x"]]\n  route: sql\n'
    message = _error(_write(tmp_path, "set.yaml", text))
    assert "set.yaml" in message
    assert "'bad-07'" in message
    assert "route: Input should be 'rag', 'lookup' or 'both'" in message


def test_missing_and_unknown_fields_are_readable(tmp_path: Path) -> None:
    text = '- id: x-1\n  facts: [["x"]]\n  colour: blue\n'
    message = _error(_write(tmp_path, "set.yaml", text))
    assert "'x-1'" in message
    assert "question: missing required field" in message
    assert "colour: unknown field" in message


def test_item_without_id_is_named_by_index_and_line(tmp_path: Path) -> None:
    text = GOOD_YAML + '- question: "utan id"\n  facts: [["x"]]\n'
    message = _error(_write(tmp_path, "set.yaml", text))
    assert "index 2, line 11" in message  # GOOD_YAML has 10 lines
    assert "id: missing required field" in message


def test_jsonl_item_error_names_line(tmp_path: Path) -> None:
    text = json.dumps({"question": "q", "facts": [["x"]]}) + "\n"
    assert "line 1" in _error(_write(tmp_path, "set.jsonl", text))


def test_answerable_item_needs_facts(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "set.yaml", '- id: a-1\n  question: "q"\n  facts: []\n'))
    assert "'a-1'" in message and "needs at least one fact group" in message


def test_declined_item_cannot_have_facts(tmp_path: Path) -> None:
    text = '- id: d-1\n  question: "q"\n  answerable: false\n  facts: [["x"]]\n'
    assert "cannot have facts" in _error(_write(tmp_path, "set.yaml", text))


def test_empty_fact_group_rejected(tmp_path: Path) -> None:
    text = '- id: e-1\n  question: "q"\n  facts: [["x"], []]\n'
    assert "fact group 1 is empty" in _error(_write(tmp_path, "set.yaml", text))


def test_duplicate_id(tmp_path: Path) -> None:
    text = GOOD_YAML + '- id: sam-01\n  question: "igen"\n  facts: [["x"]]\n'
    message = _error(_write(tmp_path, "set.yaml", text))
    assert "duplicate id 'sam-01'" in message and "first at index 0" in message


def test_item_must_be_a_mapping(tmp_path: Path) -> None:
    assert "expected a mapping" in _error(_write(tmp_path, "set.yaml", "- just a string\n"))


# --------------------------------------------------------------------------- what evaluators write

EVALUATOR_YAML = """\
- id: f-1
  question: "Och vem kan påverka platsen?"
  history:
    - "Vad är en brottstriangel?"
    - {"role": "assistant", "content": "En modell med tre delar."}
    - {role: user, content: "Vad är det tredje?"}
  facts: [["platsansvarig"]]
  needle: ["till exempel en fastighetsägare", "en krögare eller kommunens gatuavdelning"]
  kind: followup
  tags: [users-words]
  note: "Platsansvariga: fastighetsägare, krögare."
- id: o-1
  question: "Hur gjorde Västervik?"
  facts: []
  answerable: false
  kind: outofscope
"""


def test_history_as_strings_or_messages_kind_needles_and_note(tmp_path: Path) -> None:
    followup, declined = load_dataset(_write(tmp_path, "set.yaml", EVALUATOR_YAML))
    assert followup.history == [
        Turn(role="user", content="Vad är en brottstriangel?"),
        Turn(role="assistant", content="En modell med tre delar."),
        Turn(role="user", content="Vad är det tredje?"),
    ]
    # the assistant is given what the chat gives it: the user's earlier questions
    assert followup.earlier_questions == ["Vad är en brottstriangel?", "Vad är det tredje?"]
    assert followup.needle == ["till exempel en fastighetsägare", "en krögare eller kommunens gatuavdelning"]
    assert (followup.kind, followup.tags, followup.note) == (
        "followup",
        ["users-words"],
        "Platsansvariga: fastighetsägare, krögare.",
    )
    assert (declined.kind, declined.note, declined.answerable) == ("outofscope", None, False)


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        ('{role: system, content: "x"}', "history.0.role: Input should be 'user' or 'assistant'"),
        ('{role: user, content: "x", when: today}', "history.0.when: unknown field"),
        ("{role: user}", "history.0.content: missing required field"),
        ('"   "', "history.0.content: String should have at least 1 character"),
    ],
)
def test_bad_history_turns_are_named(tmp_path: Path, turn: str, message: str) -> None:
    text = f'- id: h-1\n  question: "q"\n  facts: [["x"]]\n  history: [{turn}]\n'
    assert message in _error(_write(tmp_path, "set.yaml", text))


def test_unknown_fields_are_still_errors_named_by_field(tmp_path: Path) -> None:
    text = '- id: k-1\n  question: "q"\n  facts: [["x"]]\n  kind: direct\n  knid: direct\n  notes: "x"\n'
    message = _error(_write(tmp_path, "set.yaml", text))
    assert "'k-1'" in message and "knid: unknown field" in message and "notes: unknown field" in message
    assert "kind: String should have at least 1" in _error(
        _write(tmp_path, "blank.yaml", '- id: k-2\n  question: "q"\n  facts: [["x"]]\n  kind: ""\n')
    )


# --------------------------------------------------------------------------- the shipped gold set


@pytest.fixture(scope="module")
def gold_all() -> list[EvalItem]:
    return load_dataset(GOLD)


@pytest.fixture(scope="module")
def gold(gold_all: list[EvalItem]) -> list[EvalItem]:
    """The original section (written mostly in the PM's words)."""
    return [item for item in gold_all if "users-words" not in item.tags]


@pytest.fixture(scope="module")
def users_words(gold_all: list[EvalItem]) -> list[EvalItem]:
    return [item for item in gold_all if "users-words" in item.tags]


def test_gold_coverage_counts(gold: list[EvalItem]) -> None:
    tags = Counter(tag for item in gold for tag in item.tags)
    assert len(gold) == 198 and all(item.kind is None for item in gold)
    assert sum(item.route in ("lookup", "both") for item in gold) >= 28
    assert tags["english"] >= 10
    assert sum(bool(item.history) for item in gold) >= 6 and tags["followup"] >= 6
    assert sum(not item.answerable for item in gold) >= 10 and tags["decline"] >= 10
    assert tags["misspelling"] >= 5


def test_gold_tags_are_consistent(gold: list[EvalItem]) -> None:
    for item in gold:
        assert ("decline" in item.tags) == (not item.answerable), item.id
        assert ("followup" in item.tags) == bool(item.history), item.id
        assert ("lookup" in item.tags) == (item.route == "lookup"), item.id
        if item.answerable:
            assert item.needle, item.id


def test_gold_covers_every_municipality_and_method(gold: list[EvalItem]) -> None:
    for town in ("linkoping", "goteborg", "trollhattan", "sigtuna", "sodertalje"):
        assert any({"bilaga2", town} <= set(i.tags) for i in gold), town
    definitions = " ".join(i.question.lower() for i in gold if "definition" in i.tags)
    for method in (
        "crime proofing",
        "sspf",
        "community readiness",
        "est",
        "tryggare skola",
        "botryggt 2030",
        "lst",
        "fft",
        "ung i sydväst",
    ):
        assert method in definitions, method


def test_gold_needles_have_five_to_twelve_words(gold: list[EvalItem]) -> None:
    for item in gold:
        for needle in item.needle:
            assert 5 <= len(needle.split()) <= 12, (item.id, needle)


def test_gold_needles_and_facts_occur_in_the_pm(gold_all: list[EvalItem]) -> None:
    pm = match_form(PM_MARKDOWN.read_text(encoding="utf-8"))
    for item in gold_all:
        for needle in item.needle:
            assert match_form(needle) in pm, (item.id, needle)
        for group in item.facts:
            assert any(match_form(alt) in pm for alt in group), (item.id, group)


USERS_KINDS = {"paraphrase", "informal", "typo", "english", "howto", "summary", "followup", "outofscope"}


def test_users_words_section_has_every_kind(users_words: list[EvalItem]) -> None:
    kinds = Counter(item.kind for item in users_words)
    assert len(users_words) >= 60
    assert set(kinds) == USERS_KINDS and min(kinds.values()) >= 8
    assert all(item.id.startswith("u-") for item in users_words)


def test_users_words_items_are_consistent(users_words: list[EvalItem]) -> None:
    for item in users_words:
        assert (item.kind == "outofscope") == (not item.answerable), item.id
        assert (item.kind == "followup") == bool(item.history), item.id
        if item.history:  # follow-ups carry the assistant's turn, as a user's chat would
            assert [t.role for t in item.history] == ["user", "assistant"], item.id
        if item.answerable:
            assert item.needle and all(8 <= len(n.split()) <= 20 for n in item.needle), item.id
        else:
            assert item.note, item.id  # why the PM does not answer it


def test_users_words_do_not_repeat_the_original_questions(gold: list[EvalItem], users_words: list[EvalItem]) -> None:
    original = {match_form(item.question) for item in gold}
    assert not [item.id for item in users_words if match_form(item.question) in original]
