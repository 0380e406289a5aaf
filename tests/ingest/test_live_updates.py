"""Ingest into a corpus that is in use: real processes, the real embedder, real stores.

* a running `metodstod serve` answers through ingests (embedded store), without restart;
* `kill -9` at each step of an update leaves a state the next ingest repairs, checked by answers;
* two ingests started at once leave a consistent store, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.live import REPO, ask_web, cli, cli_env, cli_start, serve, summary, text_of

pytestmark = pytest.mark.integration

PELARGONER = """# Skötselråd för pelargoner

## Vattning

Pelargoner ska vattnas {often} under sommaren. Rötterna tål inte stående vatten i krukan.

## Övervintring

Pelargoner övervintras ljust och svalt, helst i tolv grader.
"""
CYKLAR = """# Cykelverkstaden i Berga

## Öppettider

Cykelverkstaden i Berga har öppet på tisdagar och torsdagar. Där lagar ungdomar cyklar tillsammans med en handledare.
"""
BIKUPOR = """# Bikupor på taken

## Honung

Bikuporna på stadshusets tak gav fyrtio kilo honung förra året. Honungen säljs på julmarknaden.
"""
ONCE, TWICE = "en gång i veckan", "två gånger i veckan"
Q_WATER = "Hur ofta ska pelargoner vattnas?"
Q_BIKES = "När har cykelverkstaden i Berga öppet?"
Q_HONEY = "Hur mycket honung gav bikuporna?"


def write_docs(folder: Path, often: str = ONCE, bees: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pelargoner.md").write_text(PELARGONER.format(often=often), encoding="utf-8")
    (folder / "cyklar.md").write_text(CYKLAR, encoding="utf-8")
    if bees:
        (folder / "bikupor.md").write_text(BIKUPOR, encoding="utf-8")
    return folder


def ingest(env: dict[str, str], *paths: Path, expect: int = 0) -> dict[str, str]:
    done = cli(env, "ingest", "-q", *map(str, paths))
    assert done.returncode == expect, done.stderr
    return summary(done.stdout) if expect == 0 else {}


def ask(env: dict[str, str], question: str) -> dict:
    done = cli(env, "ask", "--json", question)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def store_state(data_dir: Path) -> tuple[int, int, set[str], bool]:
    """Chunks in Chroma, chunks the registry counts, the versions the chunks belong to, and
    whether this host's lexical cache holds the registered corpus."""
    from assistant.index.documents import DocumentRegistry
    from assistant.index.lexical import LexicalCache
    from assistant.index.vector_store import ChromaStore
    from assistant.settings import Settings

    settings = Settings(data_dir=data_dir)
    registry, store = DocumentRegistry(settings.records_url), ChromaStore(settings)
    registered = sum(d.chunk_count for d in registry.all() if d.kind == "document")
    versions = {doc_hash for _, doc_hash in store.versions().values()}
    cached = LexicalCache(settings.lexical_path).load(registry.stamp()) is not None
    store.refresh()
    return store.count(), registered, versions, cached


# -- a running app through ingests ---------------------------------------------------------------
def test_a_running_app_answers_old_and_new_questions_through_ingests_without_restart(tmp_path: Path) -> None:
    """The serving process keeps Chroma's index in memory; an ingest in another process makes it
    stale (before: "Error finding id" on every question until a restart)."""
    env = cli_env(tmp_path / "data")
    docs = write_docs(tmp_path / "docs")
    ingest(env, docs)
    with serve(env, tmp_path) as app:
        assert ONCE in text_of(ask_web(app.url, Q_WATER))
        answered, failures = [], []
        stop = threading.Event()

        def keep_asking() -> None:  # an ordinary user, all through the ingests
            while not stop.is_set():
                try:
                    html = ask_web(app.url, Q_BIKES)
                except Exception as exc:  # collected and shown below
                    failures.append(repr(exc))
                    continue
                (answered if "tisdagar och torsdagar" in html and "ms-error" not in html else failures).append(html)

        user = threading.Thread(target=keep_asking)
        user.start()
        try:
            write_docs(docs, often=TWICE, bees=True)
            assert ingest(env, docs)["added"] == "1"  # bikupor added, pelargoner updated: vectors written
            ingest(env, REPO / "corpus" / "records")  # records too
            (docs / "cyklar.md").write_text(CYKLAR + "\nVerkstaden har tre arbetsbänkar.\n", encoding="utf-8")
            assert ingest(env, docs)["updated"] == "1"
        finally:
            stop.set()
            user.join(120)
        assert failures == [] and len(answered) >= 3
        assert "fyrtio kilo honung" in text_of(ask_web(app.url, Q_HONEY))
        water = text_of(ask_web(app.url, Q_WATER))
        assert TWICE in water and ONCE not in water
        assert "Sigtuna" in text_of(ask_web(app.url, "Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?"))
        assert app.process.poll() is None  # the same process all along
    assert "Error finding id" not in app.log.read_text()


# -- kill -9 at each step of an update -------------------------------------------------------------
BEFORE_COMMIT = ("document-written", "before-commit")
AFTER_COMMIT = ("after-commit", "after-sweep", "lexical-saved")


@pytest.mark.parametrize("point", [*BEFORE_COMMIT, *AFTER_COMMIT])
def test_kill_9_at_any_step_of_an_update_is_repaired_by_the_next_ingest(tmp_path: Path, point: str) -> None:
    env = cli_env(tmp_path / "data")
    docs = write_docs(tmp_path / "docs")
    ingest(env, docs)
    write_docs(docs, often=TWICE)
    killed = cli({**env, "METODSTOD_TEST_CRASH_AT": point}, "ingest", "-q", str(docs))
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    between = ask(env, Q_WATER)  # the killed run left a store readers can use: all old, or all new
    assert not between["refused"]
    assert (ONCE if point in BEFORE_COMMIT else TWICE) in between["answer"]

    repaired = ingest(env, docs)
    assert (repaired["updated"], repaired["unchanged"]) == (("1", "1") if point in BEFORE_COMMIT else ("0", "2"))
    after = ask(env, Q_WATER)
    assert TWICE in after["answer"] and ONCE not in after["answer"]
    assert "tisdagar och torsdagar" in ask(env, Q_BIKES)["answer"]
    in_chroma, registered, versions, cached = store_state(tmp_path / "data")
    assert in_chroma == registered and len(versions) == 2 and cached  # no chunk of the old version left


# -- two writers at once ---------------------------------------------------------------------------
def _two_ingests_at_once(envs: list[dict[str, str]], paths: list[Path]) -> list[dict[str, str]]:
    runs = [cli_start(env, "ingest", "-q", *map(str, paths)) for env in envs]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
        results.append((summary(out), err))
    said = " ".join(err for _, err in results)
    assert "väntar tills den är klar" in said or any(r["added"] == "0" for r, _ in results)  # one after the other
    return [r for r, _ in results]


def _consistent(env: dict[str, str], reports: list[dict[str, str]], files: int) -> None:
    added = sum(int(r["added"]) for r in reports)
    assert added == files and sum(int(r["unchanged"]) for r in reports) == files  # each file written once
    listing = cli(env, "corpus", "list")
    assert listing.returncode == 0 and all(name in listing.stdout for name in ("pelargoner", "records:activities"))
    assert "tisdagar och torsdagar" in ask(env, Q_BIKES)["answer"]
    lookup = cli(env, "lookup", "--kommun", "Sigtuna", "--output", "json")
    assert lookup.returncode == 0 and len(json.loads(lookup.stdout)) > 5


def test_two_ingests_at_once_on_a_fresh_sqlite_data_dir(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "data")
    docs = write_docs(tmp_path / "docs")
    records = REPO / "corpus" / "records"
    reports = _two_ingests_at_once([env, env], [docs, records])
    _consistent(env, reports, files=2 + 5)
    in_chroma, registered, _, cached = store_state(tmp_path / "data")
    assert in_chroma == registered and cached


@pytest.mark.postgres
def test_two_ingests_at_once_from_two_hosts_on_postgresql(tmp_path: Path, pg_database: str, chroma) -> None:
    shared = {"METODSTOD_DATABASE_URL": pg_database, "METODSTOD_CHROMA_SERVER": chroma.address}
    hosts = [cli_env(tmp_path / f"host-{name}", **shared) for name in "ab"]
    docs = write_docs(tmp_path / "docs")
    started = time.monotonic()
    reports = _two_ingests_at_once(hosts, [docs, REPO / "corpus" / "records"])
    assert time.monotonic() - started < 300
    for env in hosts:
        _consistent(env, reports, files=2 + 5)
