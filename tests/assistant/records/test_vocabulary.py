"""The entity vocabulary: matching questions, unknown municipalities, agreement with the CSVs."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.records.schema import read_records_dir
from assistant.records.vocabulary import Vocabulary, load_municipality_list, load_vocabulary

REPO = Path(__file__).resolve().parents[3]
RECORDS = REPO / "corpus" / "records"


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary(RECORDS / "vocabulary.yaml")


@pytest.fixture(scope="module")
def all_kommuner() -> list[str]:
    return load_municipality_list(RECORDS / "sveriges_kommuner.yaml")


def _found(vocab: Vocabulary, text: str) -> set[tuple[str, str]]:
    return {(m.kind, m.canonical) for m in vocab.find(text)}


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("Vad gjorde Sydväst?", "kommun", "Göteborg Sydväst"),
        ("Hur arbetade Göteborgs Stad med detta?", "kommun", "Göteborg Sydväst"),
        ("Vad gjorde Linköpings kommun?", "kommun", "Linköping"),
        ("Sigtunas arbete", "kommun", "Sigtuna"),
        ("Södertäljes styrmodell", "kommun", "Södertälje"),
        ("Vad hände med välfärdsbrott?", "fokusomrade", "4"),
        ("välfärdsbrottsligheten i kommunerna", "fokusomrade", "4"),
        ("What about welfare crime?", "fokusomrade", "4"),
        ("rekrytering av unga", "fokusomrade", "2"),
        ("våldsbejakande extremism", "fokusomrade", "6"),
        ("Hur gick SSPF-arbetet?", "metod", "SSPF"),
        ("SSPF:s styrgrupp", "metod", "SSPF"),
        ("Vilka använde Crime proofing?", "metod", "Crime proofing"),
        ("crimeproofing", "metod", "Crime proofing"),
        ("crime-proofing", "metod", "Crime proofing"),
        ("Myndigheten för familjerätt och föräldraskapsstöd", "partner", "MFoF"),
        ("Centrum mot våldsbejakande extremism", "partner", "CVE"),
        ("BRÅ:s basutbildning", "partner", "Brå"),
        ("workshopen", "format", "workshop"),
        ("Hur många föreläsningar?", "format", "kunskapshöjande insats"),
        ("i Hovsjö", "omrade", "Hovsjö"),
    ],
)
def test_find_recognises(vocab: Vocabulary, text: str, kind: str, canonical: str) -> None:
    assert (kind, canonical) in _found(vocab, text)


def test_longest_alias_wins_and_spans_point_into_the_text(vocab: Vocabulary) -> None:
    text = "Hur många workshops hölls i Göteborg Sydväst?"
    (kommun,) = [m for m in vocab.find(text) if m.kind == "kommun"]
    assert kommun.alias == "göteborg sydväst"
    assert text[kommun.start : kommun.end] == "Göteborg Sydväst"


def test_word_boundaries_are_respected(vocab: Vocabulary) -> None:
    assert not _found(vocab, "bråk om bästa testet")  # not Brå, not EST
    assert ("metod", "EST") in _found(vocab, "EST-arbetet i Trollhättan")


def test_matches_come_in_text_order(vocab: Vocabulary) -> None:
    kinds = [m.kind for m in vocab.find("SSPF i Sigtuna och Crime proofing i Linköping")]
    assert kinds == ["metod", "kommun", "metod", "kommun"]


def test_resolve_whole_values(vocab: Vocabulary) -> None:
    assert vocab.resolve("kommun", "sydväst") == "Göteborg Sydväst"
    assert vocab.resolve("metod", "crimeproofing") == "Crime proofing"
    assert vocab.resolve("kommun", "Malmö") is None
    assert vocab.resolve("kommun", "Sigtuna och Linköping") is None
    assert vocab.area_kommun("Hovsjö") == "Södertälje"


def test_unknown_municipalities(vocab: Vocabulary, all_kommuner: list[str]) -> None:
    assert vocab.unknown_municipalities("Vad gjorde Malmö inom SSPF?", all_kommuner) == ["Malmö"]
    assert vocab.unknown_municipalities("Malmös och Uppsalas arbete", all_kommuner) == ["Malmö", "Uppsala"]
    assert vocab.unknown_municipalities("Vad gjorde Göteborg och Göteborgs Stad?", all_kommuner) == []
    assert vocab.unknown_municipalities("Sigtuna, Linköping, Trollhättan, Södertälje", all_kommuner) == []
    assert vocab.unknown_municipalities("Konferensen i Stockholm", all_kommuner) == ["Stockholm"]
    assert vocab.unknown_municipalities("Vad gjorde Upplands Väsby?", all_kommuner) == ["Upplands Väsby"]


def test_ambiguous_municipality_names_need_to_look_like_places(vocab: Vocabulary, all_kommuner: list[str]) -> None:
    assert vocab.unknown_municipalities("Vad kan vara bra att veta om mark?", all_kommuner) == []
    assert vocab.unknown_municipalities("Vara med i projektet?", all_kommuner) == []
    assert vocab.unknown_municipalities("Deltog Vara kommun?", all_kommuner) == ["Vara"]
    assert vocab.unknown_municipalities("Hur gick det i Lund?", all_kommuner) == ["Lund"]


def test_municipality_list_has_all_290(all_kommuner: list[str]) -> None:
    assert len(all_kommuner) == len(set(all_kommuner)) == 290
    assert {"Linköping", "Göteborg", "Trollhättan", "Sigtuna", "Södertälje", "Malmö", "Stockholm"} <= set(all_kommuner)


def test_canonical_names_agree_with_the_records(vocab: Vocabulary) -> None:
    records = read_records_dir(RECORDS, vocab.kommuner)  # every municipality named is in the vocabulary
    assert {r.kommun for r in records["municipalities"]} == set(vocab.kommuner)
    assert {m.metod for m in records["methods"]} <= set(vocab.metoder)
    assert {p for a in records["activities"] for p in a.partner} <= set(vocab.partner)
    assert {a.format for a in records["activities"]} <= set(vocab.format)
    for area in records["areas"]:
        assert vocab.area_kommun(area.omrade) == area.kommun
    assert sorted(vocab.fokusomraden) == [1, 2, 3, 4, 5, 6]


def test_invalid_vocabulary_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yaml"
    path.write_text("kommuner:\n  Sigtuna: [sigtuna]\nomraden:\n  Valsta: {kommun: Uppsala}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Valsta"):
        load_vocabulary(path)
    path.write_text("kommuner:\n  A: [x]\nmetoder:\n  M: [dup]\n  N: [dup]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="dup"):
        load_vocabulary(path)
    path.write_text("kommuner: [", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_vocabulary(path)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Hur många aktiviteter genomförde Trollhättan inom fokusområde 5?", ["5"]),
        ("Vilka kommuner arbetade inom fokusområdet 2?", ["2"]),
        ("aktiviteter inom fokusområdena 2, 3 och 5", ["2", "3", "5"]),
        ("fokusomrade 6 utan prickar", ["6"]),
        ("activities in focus area 4", ["4"]),
        ("fokusområde 9 finns inte", []),
        ("5 aktiviteter 2023", []),  # a bare number is no focus area
    ],
)
def test_focus_areas_by_number(vocab: Vocabulary, text: str, numbers: list[str]) -> None:
    assert [m.canonical for m in vocab.find(text) if m.kind == "fokusomrade"] == numbers


def test_focus_labels_use_the_short_name(vocab: Vocabulary) -> None:
    assert vocab.focus_label(2) == "2 – Barn och unga"
    assert vocab.focus_label(2, short=False) == "2 – Barn och unga som rekryteras till kriminalitet"
    assert vocab.focus_label(None) == ""
