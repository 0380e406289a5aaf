"""Opening Chroma: the embedded store under the data dir, or a Chroma server with a timeout.

A server that is down or frozen must cost a question at most `timeout` seconds, never a hang:
the server is asked for its heartbeat with that timeout before a client is made, and the
client's HTTP session gets the same timeout for every later call. Failures to reach it become
`SearchUnavailableError` (`unreachable`), and the next call connects anew, so the app recovers
by itself when the server is back.

The embedded store is read by the serving process while another process (an ingest) writes
it; a client keeps what it loaded in memory, so it must be opened again when the collection
changed under it (`EmbeddedSystems.retire`). Chroma keeps one system per path per process; a
retired system is taken out of that table at once (new calls get a new one) and stopped a
while later, when calls that were still using it are done.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any

from assistant.errors import SearchUnavailableError

UNREACHABLE = (
    "Söktjänsten (Chroma) går inte att nå just nu, så frågor om materialet kan inte besvaras. "
    "Frågor om registrets aktiviteter fungerar. Försök igen om en stund."
)
RETIRED_GRACE_S = 60.0  # a retired embedded system is stopped this long after it was replaced


def connect_server(address: str, timeout: float) -> Any:
    """A client of the Chroma server at "host:port" whose every call gives up after `timeout` s."""
    import chromadb
    import httpx

    host, _, port = address.rpartition(":")
    try:
        httpx.get(f"http://{host}:{port}/api/v2/heartbeat", timeout=timeout).raise_for_status()
        client = chromadb.HttpClient(host=host, port=int(port))
    except Exception as exc:
        raise unreachable(exc) from exc
    client._server._session.timeout = httpx.Timeout(timeout)
    return client


def is_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the Chroma server could not be reached or did not answer in time."""
    import httpx

    if isinstance(exc, httpx.TransportError | ConnectionError | TimeoutError):
        return True
    return "could not connect" in str(exc).lower()


def unreachable(exc: BaseException) -> SearchUnavailableError:
    """The user's message for `exc` (what failed goes to the log through the exception chain)."""
    return SearchUnavailableError(UNREACHABLE)


class EmbeddedSystems:
    """Retires embedded Chroma systems so a path can be opened again (see the module docstring)."""

    def __init__(self) -> None:
        self._retired: list[tuple[float, Any]] = []
        self._lock = threading.Lock()

    def open(self, path: Path) -> Any:
        import chromadb

        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path))

    def retire(self, client: Any) -> None:
        """Take `client`'s system out of Chroma's table (the next `open` makes a new one)."""
        from chromadb.api.shared_system_client import SharedSystemClient

        identifier = getattr(client, "_identifier", None)
        with SharedSystemClient._refcount_lock:
            system = SharedSystemClient._identifier_to_system.pop(identifier, None)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        now = time.monotonic()
        with self._lock:
            if system is not None:
                self._retired.append((now, system))
            due = [s for t, s in self._retired if now - t > RETIRED_GRACE_S]
            self._retired = [(t, s) for t, s in self._retired if now - t <= RETIRED_GRACE_S]
        for old in due:
            _stop(old)


def _stop(system: Any) -> None:
    with contextlib.suppress(Exception):  # a system that cannot stop cleanly is dropped all the same
        system.stop()
