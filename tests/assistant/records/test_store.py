"""SqlRecordStore on a real SQLite file: filters, counts, list matching, replacement."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.records.schema import ActivityRow, AreaRow, read_records_dir
from assistant.records.store import SqlRecordStore
from tests.assistant.records.records_helpers import count_activities, load_records

REPO = Path(__file__).resolve().parents[3]
RECORDS = REPO / "corpus" / "records"
FIVE = {"Linköping", "Göteborg Sydväst", "Trollhättan", "Sigtuna", "Södertälje"}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    return request.getfixturevalue("pg_database")  # a fresh database on the shared server (conftest)


@pytest.fixture
def store(url: str) -> SqlRecordStore:
    s = SqlRecordStore(url)
    s.create_schema()
    load_records(s, RECORDS)
    return s


def _activity(id_: str, **extra: object) -> ActivityRow:
    fields = {
        "id": id_,
        "kommun": "Linköping",
        "fokusomrade": int(id_.split("-")[1]),
        "aktivitet": f"Aktivitet {id_}",
        "format": "workshop",
        "kalla": "bilaga2",
        "section": "A > B",
        "page": 1,
        "quote": "Citat.",
    }
    fields.update(extra)
    return ActivityRow.model_validate(fields)


# -- the questions staff ask ---------------------------------------------------------------
def test_which_municipalities_used_crime_proofing(store: SqlRecordStore) -> None:
    expected = {"Sigtuna", "Göteborg Sydväst", "Linköping", "Trollhättan"}
    (method,) = store.methods(name="Crime proofing")
    assert set(method.anvandare) == expected
    assert {a.kommun for a in store.activities(metod="Crime proofing")} == expected


def test_how_many_workshops_on_undue_influence_in_goteborg_sydvast(store: SqlRecordStore) -> None:
    rows = store.activities(kommun="Göteborg Sydväst", format="workshop", text="otillåten påverkan")
    assert sum(r.antal or 0 for r in rows) == 6
    assert all(r.fokusomrade == 3 for r in rows)


def test_sigtuna_welfare_crime_activities(store: SqlRecordStore) -> None:
    rows = store.activities(kommun="Sigtuna", fokusomrade=4)
    assert len(rows) == 3
    assert count_activities(store, kommun="Sigtuna", fokusomrade=4) == 3
    assert {r.format for r in rows} == {"kunskapshöjande insats", "workshop"}


def test_linkoping_workshops_on_undue_influence_count_four(store: SqlRecordStore) -> None:
    rows = store.activities(kommun="Linköping", text="halvdags workshops")
    assert [r.antal for r in rows] == [4]


def test_south_tälje_worked_only_in_focus_area_1(store: SqlRecordStore) -> None:
    (sod,) = [m for m in store.municipalities() if m.kommun == "Södertälje"]
    assert sod.fokusomraden == [1]
    assert {a.fokusomrade for a in store.activities(kommun="Södertälje")} == {1}


def test_areas_and_hovsjo_reclassified(store: SqlRecordStore) -> None:
    areas = {a.omrade: a for a in store.areas(kommun="Södertälje")}
    assert set(areas) == {"Ronna", "Geneta", "Lina", "Fornhöjden", "Hovsjö"}
    assert (areas["Hovsjö"].klass_2021, areas["Hovsjö"].klass_2023) == ("riskområde", "särskilt utsatt område")
    changed = [a for a in store.areas() if a.klass_2021 != a.klass_2023]
    assert [a.omrade for a in changed] == ["Hovsjö"]


def test_survey_and_crm_outcomes(store: SqlRecordStore) -> None:
    values = {o.enhet: o.varde for o in store.outcomes(uppfoljning="enkat") if o.varde is not None}
    assert values == {"respondenter": 30, "svar": 27, "procent": 63}
    improved = {o.kommun for o in store.outcomes(uppfoljning="crm_uppfoljning") if "förbättrats" in o.resultat}
    assert improved == {"Linköping", "Trollhättan", "Göteborg Sydväst"}
    sig = store.outcomes(kommun="Sigtuna", uppfoljning="crm_uppfoljning")
    sod = store.outcomes(kommun="Södertälje", uppfoljning="crm_uppfoljning")
    assert sig and sod and all(o.forklaring for o in sig + sod)
    assert {o.forklaring for o in sig}.isdisjoint({o.forklaring for o in sod})
    first = store.outcomes(uppfoljning="crm_forsta")
    assert any("A och F" in o.resultat for o in first) and any("C och E" in o.resultat for o in first)


def test_outcomes_can_include_rows_about_all(store: SqlRecordStore) -> None:
    only = store.outcomes(kommun="Sigtuna")
    with_general = store.outcomes(kommun="Sigtuna", include_general=True)
    assert len(with_general) > len(only)
    assert all(o.kommun in (None, "Sigtuna") for o in with_general)


# -- filters -------------------------------------------------------------------------------
def test_rows_round_trip_with_traceability(store: SqlRecordStore) -> None:
    shipped = read_records_dir(RECORDS)
    assert store.activities() == shipped["activities"]
    assert store.outcomes() == shipped["outcomes"]
    assert store.methods() == shipped["methods"]
    row = store.activities(kommun="Linköping")[0]
    assert row.doc_id == "slutrapport-suo-2024" and row.section and row.page >= 1 and row.quote


def test_list_filters_match_whole_canonical_names(store: SqlRecordStore) -> None:
    cve = store.activities(partner="CVE")
    assert cve and all("CVE" in r.partner for r in cve)
    assert store.activities(partner="cve") == []
    assert store.activities(partner="Region") == []
    region = store.activities(partner="Region Stockholm")
    assert region and all(r.partner == ["Brå", "Region Stockholm"] for r in region)
    assert {m.metod for m in store.methods(used_by="Södertälje")} >= {"Övergripande styrmodell", "CRM"}


def test_filters_combine_with_and(store: SqlRecordStore) -> None:
    rows = store.activities(kommun="Trollhättan", fokusomrade=5, metod="EST", format="workshop")
    assert [r.id for r in rows] == ["thn-5-02"]
    assert count_activities(store, kommun="Trollhättan", fokusomrade=5, metod="EST") == 2


def test_text_filter_is_case_insensitive_for_swedish_letters(store: SqlRecordStore) -> None:
    upper = store.activities(text="VÄLFÄRDSBROTTSLIGHET")
    lower = store.activities(text="välfärdsbrottslighet")
    assert upper == lower and len(upper) >= 4
    assert store.activities(text="100%_") == []


def test_distinct_values_for_cli_checks(store: SqlRecordStore) -> None:
    assert set(store.distinct_values("kommun")) == FIVE
    assert store.distinct_values("fokusomrade") == ["1", "2", "3", "4", "5", "6"]
    assert {"Brå", "CVE", "MFoF", "Sweco"} <= set(store.distinct_values("partner"))
    assert set(store.distinct_values("format")) == {"kunskapshöjande insats", "workshop", "nytt arbetssätt"}
    with pytest.raises(InputError):
        store.distinct_values("färg")


# -- writing -------------------------------------------------------------------------------
def test_replace_file_replaces_only_that_files_rows(store: SqlRecordStore) -> None:
    store.replace_file("activities", [_activity("lkp-1-01", partner="Brå;CVE")], "activities.csv")
    assert count_activities(store) == 1
    store.replace_file("activities", [_activity("lkp-2-01"), _activity("lkp-2-02")], "activities.csv")
    assert [r.id for r in store.activities()] == ["lkp-2-01", "lkp-2-02"]
    assert store.activities(partner="Brå") == []  # old link rows are gone too
    store.replace_file("activities", [_activity("lkp-3-01", partner="Sweco")], "other.csv")
    assert count_activities(store) == 3
    assert [r.id for r in store.activities(partner="Sweco")] == ["lkp-3-01"]


def test_replace_file_is_one_transaction(store: SqlRecordStore, monkeypatch: pytest.MonkeyPatch) -> None:
    before = count_activities(store)
    original = SqlRecordStore._insert
    calls = {"n": 0}

    def failing_insert(self: SqlRecordStore, *args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(self, *args)

    monkeypatch.setattr(SqlRecordStore, "_insert", failing_insert)
    with pytest.raises(RuntimeError):
        store.replace_file("activities", [_activity("lkp-1-01"), _activity("lkp-1-02")], "activities.csv")
    assert count_activities(store) == before


def test_replace_file_checks_row_type_and_stem(store: SqlRecordStore) -> None:
    area = AreaRow.model_validate(
        {
            "kommun": "Sigtuna",
            "omrade": "Valsta",
            "klass_2021": "riskområde",
            "klass_2023": "riskområde",
            "section": "A",
            "page": 9,
            "quote": "Valsta (riskområde)",
        }
    )
    with pytest.raises(InputError):
        store.replace_file("activities", [area], "activities.csv")
    with pytest.raises(InputError):
        store.replace_file("colours", [], "colours.csv")
    assert count_activities(store) > 0


def test_empty_store_answers_with_nothing(url: str) -> None:
    s = SqlRecordStore(url)
    s.create_schema()
    assert s.activities() == [] and count_activities(s) == 0 and s.municipalities() == []
    assert s.distinct_values("kommun") == []
