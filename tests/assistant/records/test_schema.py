"""The hand-extracted records: they validate, and every quote traces back to the PM."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from assistant.errors import RecordsFileError
from assistant.records.schema import (
    RECORD_FILES,
    ActivityRow,
    MethodRow,
    MunicipalityRow,
    read_records_dir,
    read_records_file,
)
from tests.assistant.records.records_trace import MarkdownTrace, normalise

REPO = Path(__file__).resolve().parents[3]
RECORDS = REPO / "corpus" / "records"
PM_MARKDOWN = REPO / "corpus" / "documents" / "slutrapport-suo-2024.md"


@pytest.fixture(scope="module")
def records() -> dict[str, list]:
    return read_records_dir(RECORDS)


@pytest.fixture(scope="module")
def trace() -> MarkdownTrace:
    if not PM_MARKDOWN.exists():
        pytest.skip("PM Markdown not converted yet")
    return MarkdownTrace.from_file(PM_MARKDOWN)


# -- the shipped files ---------------------------------------------------------------------
def test_every_records_file_is_shipped_and_validates(records: dict[str, list]) -> None:
    assert set(records) == set(RECORD_FILES)
    assert {r.kommun for r in records["municipalities"]} == PM_KOMMUNER
    assert len(records["areas"]) >= 13
    assert len(records["activities"]) >= 80
    assert len(records["methods"]) >= 14
    assert len(records["outcomes"]) >= 30


@pytest.mark.parametrize("stem", sorted(RECORD_FILES))
def test_every_quote_occurs_in_the_pm_at_the_stated_page_and_section(
    stem: str, records: dict[str, list], trace: MarkdownTrace
) -> None:
    problems = []
    for n, row in enumerate(records[stem], start=2):
        found = {(loc.page, loc.section) for loc in trace.locate(row.quote)}
        if not found:
            problems.append(f"{stem}.csv line {n}: quote not in the PM: {row.quote[:70]!r}")
        elif (row.page, row.section) not in found:
            problems.append(f"{stem}.csv line {n}: stated p.{row.page} {row.section!r}, found at {sorted(found)}")
    assert not problems, "\n".join(problems)


def test_sections_are_heading_paths_of_the_pm(records: dict[str, list], trace: MarkdownTrace) -> None:
    sections = set(trace.sections())
    bad = {row.section for rows in records.values() for row in rows} - sections
    assert not bad


def test_activity_text_is_verbatim_from_its_quote(records: dict[str, list]) -> None:
    for row in records["activities"]:
        assert normalise(row.aktivitet) in normalise(row.quote), row.id


def test_ids_are_unique(records: dict[str, list]) -> None:
    for stem in ("activities", "outcomes"):
        ids = [r.id for r in records[stem]]
        assert len(ids) == len(set(ids)), stem


def test_methods_named_by_activities_are_described(records: dict[str, list]) -> None:
    described = {m.metod for m in records["methods"]}
    used = {name for a in records["activities"] for name in a.metod}
    assert used <= described


def test_municipality_focus_areas_match_their_activities(records: dict[str, list]) -> None:
    by_kommun: dict[str, set[int]] = defaultdict(set)
    for a in records["activities"]:
        by_kommun[a.kommun].add(a.fokusomrade)
    for m in records["municipalities"]:
        assert set(m.fokusomraden) == by_kommun[m.kommun], m.kommun


def test_every_bilaga2_focus_area_has_activities(records: dict[str, list]) -> None:
    from_bilaga = {(a.kommun, a.fokusomrade) for a in records["activities"] if a.kalla == "bilaga2"}
    for m in records["municipalities"]:
        for focus in m.fokusomraden:
            assert (m.kommun, focus) in from_bilaga


PM_KOMMUNER = {"Linköping", "Göteborg Sydväst", "Trollhättan", "Sigtuna", "Södertälje"}


# -- validation of bad files ---------------------------------------------------------------
ACTIVITY_HEADER = "id,kommun,fokusomrade,aktivitet,format,partner,metod,antal,tid,kalla,section,page,quote\n"
GOOD = 'lkp-1-01,Linköping,1,Något,workshop,Brå;CVE,,2,,bilaga2,A > B,35,"Ett citat, med komma."\n'


def _write(tmp_path: Path, body: str, name: str = "activities.csv") -> Path:
    path = tmp_path / name
    path.write_text(ACTIVITY_HEADER + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad_row", "field"),
    [
        ("lkp-7-01,Linköping,7,X,workshop,,,,,bilaga2,A > B,35,Citat.\n", "fokusomrade"),
        ("mal-1-01,Malmö,1,X,workshop,,,,,bilaga2,A > B,35,Citat.\n", "kommun"),
        ("lkp-1-02,Linköping,1,X,workshop,,,,,bilaga2,A > B,35,\n", "quote"),
        ("lkp-1-02,Linköping,1,X,möte,,,,,bilaga2,A > B,35,Citat.\n", "format"),
        ("lkp-1-02,Linköping,1,X,workshop,,,0,,bilaga2,A > B,35,Citat.\n", "antal"),
        ("lkp-1-02,Linköping,1,X,workshop,,,,,bilaga2,A > B,0,Citat.\n", "page"),
        ("lkp-2-02,Linköping,1,X,workshop,,,,,bilaga2,A > B,3,Citat.\n", "id"),
        ("lkp-1-02,Sigtuna,1,X,workshop,,,,,bilaga2,A > B,3,Citat.\n", "prefix of Linköping"),
    ],
)
def test_a_bad_row_raises_naming_file_and_line(tmp_path: Path, bad_row: str, field: str) -> None:
    path = _write(tmp_path, GOOD + bad_row)
    with pytest.raises(RecordsFileError) as info:
        read_records_file(path, PM_KOMMUNER)
    assert info.value.line == 3
    assert "activities.csv:3" in str(info.value)
    assert field in str(info.value)


def test_every_bad_row_is_reported_and_nothing_is_returned(tmp_path: Path) -> None:
    body = (
        GOOD
        + "lkp-1-02,Linköping,9,X,workshop,,,,,bilaga2,A > B,35,Citat.\n"
        + GOOD.replace("lkp-1-01", "lkp-1-03")
        + "lkp-1-04,Oslo,1,X,workshop,,,,,bilaga2,A > B,35,Citat.\n"
    )
    with pytest.raises(RecordsFileError) as info:
        read_records_file(_write(tmp_path, body), PM_KOMMUNER)
    assert info.value.line == 3
    assert "rad 3" in str(info.value) and "rad 5" in str(info.value)


def test_municipalities_come_from_the_vocabulary_not_the_code(tmp_path: Path) -> None:
    row = "mal-1-01,Malmö,1,Trygghetsvandring,workshop,,,,,bilaga2,A > B,3,Citat.\n"
    path = _write(tmp_path, GOOD + row)
    with pytest.raises(RecordsFileError, match="okänd kommun 'Malmö'"):
        read_records_file(path, PM_KOMMUNER)
    rows = read_records_file(path, {*PM_KOMMUNER, "Malmö"})  # a guide about Malmö: vocabulary.yaml names it
    assert [r.kommun for r in rows] == ["Linköping", "Malmö"]


def test_line_numbers_count_physical_lines_of_multiline_cells(tmp_path: Path) -> None:
    multiline = 'lkp-1-02,Linköping,1,"två\nrader",workshop,,,,,bilaga2,A > B,35,Citat.\n'
    bad = "lkp-1-03,Linköping,1,X,workshop,,,,,bilaga2,A > B,35,\n"
    with pytest.raises(RecordsFileError) as info:
        read_records_file(_write(tmp_path, GOOD + multiline + bad))
    assert info.value.line == 5


def test_header_problems_are_reported_on_line_1(tmp_path: Path) -> None:
    path = tmp_path / "activities.csv"
    path.write_text(ACTIVITY_HEADER.replace("quote", "citat") + GOOD, encoding="utf-8")
    with pytest.raises(RecordsFileError) as info:
        read_records_file(path)
    assert info.value.line == 1
    assert "citat" in str(info.value)


def test_unknown_records_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RecordsFileError, match="okänd registerfil"):
        read_records_file(_write(tmp_path, GOOD, name="other.csv"))


def test_list_and_optional_cells_are_parsed(tmp_path: Path) -> None:
    body = GOOD + 'lkp-1-02,Linköping,1,X,nytt arbetssätt," Brå ; MFoF ;",,,,brödtext,A > B,12,Citat.\n'
    rows = read_records_file(_write(tmp_path, body))
    assert isinstance(rows[0], ActivityRow)
    assert rows[0].partner == ["Brå", "CVE"] and rows[0].metod == [] and rows[0].antal == 2
    assert rows[1].partner == ["Brå", "MFoF"] and rows[1].antal is None and rows[1].tid is None
    assert rows[0].doc_id == "slutrapport-suo-2024"


def test_list_fields_of_other_files() -> None:
    muni = MunicipalityRow.model_validate(
        {"kommun": "Sigtuna", "fokusomraden": "1;2;5", "section": "A", "page": "3", "quote": "Q."}
    )
    assert muni.fokusomraden == [1, 2, 5]
    method = MethodRow.model_validate(
        {
            "metod": "CRM",
            "beskrivning": "B",
            "fokusomrade": "",
            "anvandare": "Sigtuna;Linköping",
            "section": "A",
            "page": 1,
            "quote": "Q.",
        }
    )
    assert method.fokusomrade is None and method.anvandare == ["Sigtuna", "Linköping"]
    with pytest.raises(ValueError):
        MunicipalityRow.model_validate(
            {"kommun": "Sigtuna", "fokusomraden": "1;8", "section": "A", "page": 3, "quote": "Q."}
        )


# -- the tracer itself ---------------------------------------------------------------------
SAMPLE = """# Titel

<!-- page: 3 -->

## Kapitel

Första meningen. Andra meningen som
fortsätter på nästa rad.

<!-- page: 4 -->

### Avsnitt

- En **punkt** i en lista.

Ett stycke som börjar här
<!-- page: 5 -->
och slutar på nästa sida.

## Nästa kapitel

Andra meningen som fortsätter.
"""


def test_trace_gives_page_and_section_in_force_where_the_quote_starts() -> None:
    trace = MarkdownTrace(SAMPLE)
    (loc,) = trace.locate("Andra meningen som  fortsätter på nästa rad.")
    assert (loc.page, loc.section) == (3, "Kapitel")
    (loc,) = trace.locate("En punkt i en lista.")
    assert (loc.page, loc.section) == (4, "Kapitel > Avsnitt")
    (loc,) = trace.locate("Ett stycke som börjar här och slutar på nästa sida.")
    assert loc.page == 4
    pages = sorted((loc.page, loc.section) for loc in trace.locate("Andra meningen som"))
    assert pages == [(3, "Kapitel"), (5, "Nästa kapitel")]
    assert trace.locate("Titel") == [] and trace.locate("   ") == []
    assert trace.sections() == ["Kapitel", "Kapitel > Avsnitt", "Nästa kapitel"]
