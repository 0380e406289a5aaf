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
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    for var in ("METODSTOD_EMBEDDER", "METODSTOD_GENERATOR", "METODSTOD_CHROMA_SERVER", "METODSTOD_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    yield


@pytest.fixture
def fake_settings(tmp_path: Path):  # noqa: ANN201
    """Settings with the hash-seeded fake embedder and data under tmp_path."""
    from assistant.settings import Settings

    return Settings(data_dir=tmp_path / "data", embedder="fake")
