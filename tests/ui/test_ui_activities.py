"""The Aktiviteter tab's data, over the real records CSVs in a temporary SQLite database."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assistant.records.store import SqlRecordStore
from tests.assistant.records.records_helpers import load_records
from tests.conftest import REPO
from ui import activities as act


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> act.ActivityView:
    store = SqlRecordStore(f"sqlite:///{tmp_path_factory.mktemp('rec') / 'r.db'}")
    store.create_schema()
    load_records(store, REPO / "corpus" / "records")
    return act.ActivityView(store, {4: "Välfärdsbrottslighet", 2: "Barn och unga som rekryteras"}, {2: "Barn och unga"})


def test_choices_start_with_all(view: act.ActivityView) -> None:
    choices = view.choices()
    assert set(choices) == {"kommun", "fokusomrade", "metod", "partner"}
    assert all(values[0] == (act.ALL_LABEL, act.ALL) for values in choices.values())
    assert ("Sigtuna", "Sigtuna") in choices["kommun"]
    assert ("4 – Välfärdsbrottslighet", "4") in choices["fokusomrade"]
    assert ("Fokusområde 1", "1") in choices["fokusomrade"]


def test_filters_narrow_rows(view: act.ActivityView) -> None:
    everything = view.rows()
    sigtuna = view.rows(kommun="Sigtuna")
    welfare = view.rows(kommun="Sigtuna", fokusomrade="4")
    assert 0 < len(welfare) < len(sigtuna) < len(everything)
    assert {r["Kommun"] for r in sigtuna} == {"Sigtuna"}
    assert {r["Fokusområde"] for r in welfare} == {"Fokusområde 4"}  # no short name given for 4
    assert {r["Fokusområde"] for r in view.rows(kommun="Sigtuna", fokusomrade="2")} == {"2 – Barn och unga"}
    assert list(everything[0]) == list(act.COLUMNS.values())


def test_list_filters(view: act.ActivityView) -> None:
    partner = next(v for _, v in view.choices()["partner"] if v)
    rows = view.rows(partner=partner)
    assert rows and all(partner in r["Partner"].split("; ") for r in rows)


def test_chart_counts_per_kommun_and_focus(view: act.ActivityView) -> None:
    rows = view.rows()
    chart = view.chart(rows)
    assert list(chart.columns) == [act.CHART_X, act.CHART_COLOR, act.CHART_Y]
    assert int(chart[act.CHART_Y].sum()) == len(rows)
    assert "2 – Barn och unga" in set(chart[act.CHART_COLOR])  # the short name: a legend entry is not cut


def test_table_hides_quote_but_csv_keeps_it(view: act.ActivityView) -> None:
    rows = view.rows(kommun="Sigtuna")
    assert "Citat" not in view.table(rows).columns
    path = act.write_csv(rows, act.export_name("Sigtuna", "4", "", ""))
    assert path.name == "aktiviteter-sigtuna-fokus4.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.split(b"\r\n")[0].count(b";") == len(act.COLUMNS) - 1
    with path.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle, delimiter=";"))  # Excel with Swedish settings splits on ";"
    assert len(read) == len(rows) and read[0]["Citat"] == rows[0]["Citat"]


def test_export_name_is_safe() -> None:
    assert act.export_name("", "", "", "") == "aktiviteter.csv"
    assert "/" not in act.export_name("../../etc", "", "a/b", "")


def test_old_exports_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(act, "EXPORT_DIR", tmp_path)
    old = act.write_csv([], "a.csv").parent
    import os

    os.utime(old, (0, 0))
    act.write_csv([], "b.csv")
    assert not old.exists()
