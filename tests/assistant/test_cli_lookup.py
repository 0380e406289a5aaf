"""`metodstod lookup` through the real CLI (a subprocess) against a database made by the real
`metodstod ingest corpus/records/`; every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RECORDS = REPO / "corpus" / "records"

pytestmark = pytest.mark.integration


def _env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METODSTOD_")}
    env.update(
        METODSTOD_DATA_DIR=str(data_dir),
        METODSTOD_CONFIG=str(data_dir / "no-config.toml"),
        METODSTOD_EMBEDDER="fake",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    if database_url:
        env["METODSTOD_DATABASE_URL"] = database_url
    return env


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def cli_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of a data folder whose records were loaded by `metodstod ingest corpus/records/`."""
    url = request.getfixturevalue("pg_module_database") if request.param == "postgresql" else None
    env = _env(tmp_path_factory.mktemp(f"cli-{request.param}"), url)
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest", str(RECORDS), "--quiet"],
        env=env, capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "lookup", *args],
        env=env, capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip


def ok_json(env: dict[str, str], *args: str) -> list[dict]:
    done = run(env, *args, "--output", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_activities_of_a_municipality_in_a_focus_area(cli_env: dict[str, str]) -> None:
    rows = ok_json(cli_env, "--kommun", "Sigtuna", "--fokusomrade", "välfärdsbrott")
    assert [r["id"] for r in rows] == ["sig-4-01", "sig-4-02", "sig-4-03"]
    assert all(r["doc_id"] == "slutrapport-suo-2024" and r["quote"] and r["page"] == 38 for r in rows)
    assert rows[0]["title"].startswith("Slutrapportering av uppdraget")


def test_aliases_and_inflections_resolve(cli_env: dict[str, str]) -> None:
    rows = ok_json(cli_env, "--kommun", "Göteborg", "--format-typ", "workshops", "--text", "otillåten påverkan")
    assert [(r["id"], r["antal"]) for r in rows] == [("gbg-3-01", 6)]
    used = ok_json(cli_env, "--metod", "crimeproofing", "--fokusomrade", "4")
    assert {r["kommun"] for r in used} == {"Linköping", "Göteborg Sydväst", "Trollhättan", "Sigtuna"}


def test_repeated_values_are_alternatives(cli_env: dict[str, str]) -> None:
    rows = ok_json(cli_env, "--kommun", "Sigtuna", "--kommun", "Linköping", "--partner", "Skatteverket")
    assert {r["kommun"] for r in rows} == {"Sigtuna", "Linköping"}
    assert all("Skatteverket" in r["partner"] for r in rows)


def test_methods_as_csv(cli_env: dict[str, str]) -> None:
    done = run(cli_env, "--what", "methods", "--metod", "Crime proofing", "--output", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["metod"] for r in rows] == ["Crime proofing"]
    assert rows[0]["anvandare"] == "Sigtuna;Göteborg Sydväst;Linköping;Trollhättan"


def test_areas_outcomes_and_municipalities(cli_env: dict[str, str]) -> None:
    areas = ok_json(cli_env, "--what", "areas", "--kommun", "Södertälje")
    assert [a["omrade"] for a in areas] == ["Ronna", "Geneta", "Lina", "Fornhöjden", "Hovsjö"]
    crm = ok_json(cli_env, "--what", "outcomes", "--kommun", "Trollhättan", "--uppfoljning", "crm_uppfoljning")
    assert [o["id"] for o in crm] == ["crm-06"]
    municipalities = ok_json(cli_env, "--what", "municipalities", "--fokusomrade", "6")
    assert [m["kommun"] for m in municipalities] == ["Linköping", "Göteborg Sydväst", "Trollhättan"]


def test_table_output(cli_env: dict[str, str]) -> None:
    done = run(cli_env, "--kommun", "Södertälje")
    assert done.returncode == 0, done.stderr
    assert "sod-1-03" in done.stdout and "aktiviteter (6)" in done.stdout


def test_no_match_is_an_empty_result(cli_env: dict[str, str]) -> None:
    assert ok_json(cli_env, "--kommun", "Södertälje", "--fokusomrade", "4") == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--kommun", "Sigtnua"], "menade du 'Sigtuna'?"),
        (["--kommun", "Malmö"], "Malmö är inte en av kommunerna i materialet"),
        (["--metod", "crime proffing"], "menade du 'Crime proofing'?"),
        (["--fokusomrade", "9"], "Giltiga: 1 (Kunskapsbaserat"),
        (["--what", "area"], "menade du 'areas'?"),
        (["--output", "xml"], "Giltiga: table, csv, json"),
        (["--what", "areas", "--partner", "CVE"], "--partner gäller inte --what areas"),
    ],
)
def test_bad_values_fail_cleanly(cli_env: dict[str, str], args: list[str], expected: str) -> None:
    done = run(cli_env, *args)
    assert done.returncode == 2  # a usage error, as click's own
    assert expected in done.stderr and done.stderr.startswith("Fel: ")
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_before_any_ingest_it_says_to_ingest(tmp_path: Path) -> None:
    done = run(_env(tmp_path, None), "--kommun", "Sigtuna")
    assert done.returncode == 1 and done.stdout == ""
    assert "metodstod ingest corpus/" in done.stderr and "Traceback" not in done.stderr


def test_csv_keeps_the_maintainers_notes(cli_env: dict[str, str]) -> None:
    done = run(cli_env, "--kommun", "Trollhättan", "--fokusomrade", "1", "--output", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert any("förd till fokusområde 1" in (r["kommentar"] or "") for r in rows)  # answers never show these
