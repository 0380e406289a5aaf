"""Several app hosts on one Chroma server and one PostgreSQL: one source of truth.

Two `metodstod serve` processes with their own data dirs (host A ingested, host B never did)
give the same answers and citations, before and after an ingest through A and an update
through B, neither restarted, and both route by the vocabulary an ingest published. With the
Chroma server frozen, a question fails within the
timeout with the Swedish message, records questions still answer, and the app recovers by
itself when the server is back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live import REPO, ChromaServer, Serve, ask_web, cli, cli_env, comparable, serve, summary, text_of

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

QUESTIONS = [
    "Vad är Crime proofing?",
    "Vad är SSPF?",
    "Hur många svarade på enkäten?",
    "Vilka kommuner deltog i projektet?",
    "När startade projektet?",
    "Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?",
    "Vad gjorde Trollhättan inom det första fokusområdet?",
    "Vilka metoder användes mot otillåten påverkan?",
]
BIKUPOR = """# Bikupor på taken

## Honung

Bikuporna på stadshusets tak gav {amount} kilo honung förra året. Honungen säljs på julmarknaden.
"""
Q_HONEY = "Hur mycket honung gav bikuporna på stadshusets tak?"
TIMEOUT_S = 2.0


@dataclass
class Deployment:
    chroma: ChromaServer
    hosts: dict[str, dict[str, str]]  # name -> environment (own data dir, the shared stores)
    apps: dict[str, Serve]
    docs: Path


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> Iterator[Deployment]:
    from tests.conftest import new_postgres_database
    from tests.live import chroma_executable, chroma_server

    if chroma_executable() is None:
        pytest.skip("the `chroma` CLI (comes with chromadb) is not installed")
    root = tmp_path_factory.mktemp("scale-out")
    database = new_postgres_database(pg_server)
    with chroma_server(root / "chroma") as chroma:
        shared = {
            "METODSTOD_DATABASE_URL": database,
            "METODSTOD_CHROMA_SERVER": chroma.address,
            "METODSTOD_STORE__CHROMA_TIMEOUT_SECONDS": str(TIMEOUT_S),
        }
        hosts = {name: cli_env(root / f"host-{name}", **shared) for name in "AB"}
        done = cli(hosts["A"], "ingest", "-q", str(REPO / "corpus"), timeout=900)
        assert done.returncode == 0, done.stderr
        with serve(hosts["A"], root, "serve-a") as a, serve(hosts["B"], root, "serve-b") as b:
            yield Deployment(chroma, hosts, {"A": a, "B": b}, root / "docs")


def both(deployment: Deployment, question: str) -> tuple[str, str]:
    return tuple(comparable(ask_web(app.url, question)) for app in deployment.apps.values())


def test_a_host_that_never_ingested_answers_as_the_one_that_did(deployment: Deployment) -> None:
    for question in QUESTIONS:
        a, b = both(deployment, question)
        assert a == b, question
        assert "ms-answer" in a and "ms-error" not in a, question
    assert sum("ms-refused" not in both(deployment, q)[0] for q in QUESTIONS) >= 6  # mostly real answers


def test_an_ingest_and_an_update_through_either_host_reach_both_without_restart(deployment: Deployment) -> None:
    docs = deployment.docs
    docs.mkdir(exist_ok=True)
    (docs / "bikupor.md").write_text(BIKUPOR.format(amount="fyrtio"), encoding="utf-8")
    added = cli(deployment.hosts["A"], "ingest", "-q", str(docs))
    assert added.returncode == 0 and summary(added.stdout)["added"] == "1", added.stderr
    a, b = both(deployment, Q_HONEY)
    assert a == b and "fyrtio kilo honung" in text_of(a)

    (docs / "bikupor.md").write_text(BIKUPOR.format(amount="sextio"), encoding="utf-8")
    updated = cli(deployment.hosts["B"], "ingest", "-q", str(docs))  # the other host, this time
    assert updated.returncode == 0 and summary(updated.stdout)["updated"] == "1", updated.stderr
    a, b = both(deployment, Q_HONEY)
    assert a == b and "sextio kilo honung" in text_of(a) and "fyrtio" not in text_of(a)
    for question in QUESTIONS[:4]:
        a, b = both(deployment, question)
        assert a == b, question
    assert all(app.process.poll() is None for app in deployment.apps.values())


def test_a_vocabulary_published_by_an_ingest_reaches_every_host(deployment: Deployment, tmp_path: Path) -> None:
    """The admin's corpus folder knows Märsta (in Sigtuna); neither serving host has that in its own copy."""
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus" / "records", corpus / "records")
    vocabulary = corpus / "records" / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("sigtunas kommun]", "sigtunas kommun, märsta]"), encoding="utf-8")
    question = "Vilka aktiviteter genomförde Märsta inom välfärdsbrott?"
    assert "aktiviteter för Sigtuna" not in text_of(ask_web(deployment.apps["B"].url, question))  # all of area 4
    done = cli({**deployment.hosts["A"], "METODSTOD_CORPUS_DIR": str(corpus)}, "ingest", "-q", str(deployment.docs))
    assert done.returncode == 0, done.stderr
    a, b = both(deployment, question)
    assert a == b and "aktiviteter för Sigtuna" in text_of(a) and "Linköping" not in text_of(a)


def test_a_frozen_chroma_server_fails_a_question_within_the_timeout_and_the_app_recovers(
    deployment: Deployment,
) -> None:
    app = deployment.apps["A"]
    deployment.chroma.freeze()
    try:
        started = time.monotonic()
        html = ask_web(app.url, "Vad är Crime proofing?")
        took = time.monotonic() - started
        records = text_of(ask_web(app.url, "Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?"))
    finally:
        deployment.chroma.thaw()
    assert "Söktjänsten (Chroma) går inte att nå just nu" in text_of(html) and "ms-error" in html
    assert took < TIMEOUT_S * 3 + 3
    assert "Sigtuna" in records and "Söktjänsten gick inte att nå" in records
    assert "analysmodell" in text_of(ask_web(app.url, "Vad är Crime proofing?"))  # back, without restart
