"""Shared test fixtures: no network, data under tmp_path, deterministic fakes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PM_MARKDOWN = REPO / "corpus" / "documents" / "slutrapport-suo-2024.md"

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0") and not host.startswith("/"):
        raise RuntimeError(f"network access blocked in tests: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Block non-loopback network, keep every write under tmp_path, never read a user config."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setenv("METODSTOD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("METODSTOD_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("METODSTOD_EMBEDDING__CACHE_DIR", str(tmp_path / "embedding-cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    for var in (
        "METODSTOD_EMBEDDER",
        "METODSTOD_GENERATOR",
        "METODSTOD_CHROMA_SERVER",
        "METODSTOD_DATABASE_URL",
        "METODSTOD_EMBEDDING__CACHE",
    ):
        monkeypatch.delenv(var, raising=False)
    yield


@pytest.fixture
def fake_settings(tmp_path: Path):
    """Settings with the hash-seeded fake embedder and data under tmp_path."""
    from assistant.settings import Settings

    return Settings(data_dir=tmp_path / "data", embedder="fake")


# -- PostgreSQL (shared by every test that needs a server) ------------------------------------
PG_URL_ENV = "METODSTOD_TEST_POSTGRES_URL"  # e.g. postgresql+psycopg://user@host/db (a scratch server)


def _pg_bin(name: str) -> str | None:
    import glob
    import shutil

    if found := shutil.which(name):
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_postgres_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the 'postgres' user then."""
    import os
    import shutil

    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start a PostgreSQL server")
    return ["runuser", "-u", "postgres", "--", *cmd]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Base URL of a PostgreSQL server: $METODSTOD_TEST_POSTGRES_URL, or a throwaway local cluster
    (Unix socket only, in a temporary folder; stopped at the end of the session)."""
    import os
    import shutil
    import subprocess
    import tempfile

    if os.environ.get(PG_URL_ENV):
        yield os.environ[PG_URL_ENV]
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL is not installed")
    root = Path(tempfile.mkdtemp(prefix="pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    data, port = root / "data", _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(_as_postgres_user([initdb, "-D", str(data), "-A", "trust", "-U", "postgres"]), **run)
    options = f"-k {root} -p {port} -c listen_addresses='' -c fsync=off"
    start = [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]
    subprocess.run(_as_postgres_user(start), **run)
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}"
    finally:
        subprocess.run(_as_postgres_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), check=False)
        shutil.rmtree(root, ignore_errors=True)


def new_postgres_database(base_url: str) -> str:
    """URL of a new, empty database on the server at ``base_url``."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def pg_module_database(pg_server: str) -> str:
    """URL of a new, empty database on the test server, shared by the tests of one module."""
    return new_postgres_database(pg_server)


@pytest.fixture
def pg_database(pg_server: str) -> str:
    """URL of a new, empty database on the test server for one test."""
    return new_postgres_database(pg_server)


# -- Chroma server (for the tests of a deployment with a shared vector store) ----------------
@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[object]:
    """A real Chroma server on a free loopback port (`tests.live.ChromaServer`), stopped at teardown."""
    from tests.live import chroma_executable, chroma_server

    if chroma_executable() is None:
        pytest.skip("the `chroma` CLI (comes with chromadb) is not installed")
    with chroma_server(tmp_path / "chroma") as server:
        yield server


@pytest.fixture
def chroma_server(chroma: object) -> str:
    """The "host:port" of a real Chroma server (see `chroma`)."""
    return chroma.address
