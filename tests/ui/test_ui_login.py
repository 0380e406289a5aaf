"""The login: failures slowed and locked per user and address, bad hashes refused at start,
and the server's memory for sessions capped."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.errors import ConfigError, IndexMissingError
from assistant.settings import Settings
from ui import app as ui_app
from ui import auth, server
from ui.login_guard import LoginGuard

PASSWORD = "rätt lösen"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_are_slowed_then_locked_per_user_and_per_address() -> None:
    clock = Clock()
    guard = LoginGuard(max_failures=3, lock_seconds=60, clock=clock)
    delays = [guard.failed("anna", "10.0.0.1") for _ in range(3)]
    assert delays == [0.25, 0.5, 1.0]
    assert guard.locked_for("anna", "10.0.0.2") == 60  # the name is locked, from any address
    assert guard.locked_for("bertil", "10.0.0.1") == 60  # and the address, for any name
    assert guard.locked_for("bertil", "10.0.0.2") == 0
    clock.now += 45
    assert guard.locked_for("ANNA", "10.0.0.9") == 15  # names compare without case
    clock.now += 15
    assert guard.locked_for("anna", "10.0.0.1") == 0  # the lock ends, and the count with it
    assert guard.failed("anna", "10.0.0.1") == 0.25


def test_a_successful_login_clears_the_count() -> None:
    guard = LoginGuard(max_failures=3, lock_seconds=60, clock=Clock())
    guard.failed("anna", "10.0.0.1")
    guard.failed("anna", "10.0.0.1")
    guard.succeeded("anna", "10.0.0.1")
    guard.failed("anna", "10.0.0.1")
    assert guard.locked_for("anna", "10.0.0.1") == 0


@pytest.mark.parametrize(
    ("broken", "why"),
    [
        (lambda h: h.rsplit("$", 1)[0], "sex fält"),
        (lambda h: h.replace("$16384$", "$16385$"), "N=16385"),
        (lambda h: h.replace("$8$1$", "$8$0$"), "p=0"),
        (lambda h: h[:-1], "hexadecimala"),
        (lambda h: h.split("$")[0] + "$16384$8$1$ab$" + h.split("$")[5], "för kort"),
        (lambda h: "bcrypt" + h[6:], "ingen scrypt-hash"),
    ],
)
def test_a_malformed_hash_is_refused_at_start_naming_the_user(tmp_path: Path, broken, why: str) -> None:
    good = auth.hash_password("pw")
    users = tmp_path / "users.toml"
    users.write_text(f'[users]\nanna = "{good}"\nbertil = "{broken(good)}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="bertil") as raised:
        auth.load_users(users, env={})
    assert why in str(raised.value) and str(users) in str(raised.value) and "--hash-password" in str(raised.value)
    assert auth.hash_problem(good) is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _no_index() -> object:
    raise IndexMissingError("inget index")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("login"),
        embedder="fake",
        web={"login_max_failures": 3, "login_lock_seconds": 3, "session_capacity": 40, "session_ttl_seconds": 900},
    )
    services = server.build_services(settings, factory=_no_index)
    demo = ui_app.build_app(services)
    port = _free_port()
    server.launch(demo, settings, "127.0.0.1", port, users={"anna": auth.hash_password(PASSWORD)}, block=False)
    try:
        yield f"http://127.0.0.1:{port}", demo
    finally:
        demo.close()


def login(url: str, user: str, password: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.post(f"{url}/login", data={"username": user, "password": password}, timeout=30)
    return response, time.monotonic() - started


def test_the_app_slows_and_locks_failed_logins_then_lets_the_user_in(app_url: tuple[str, object]) -> None:
    url, _ = app_url
    answers = [login(url, "anna", "fel") for _ in range(3)]
    assert [r.status_code for r, _ in answers] == [400, 400, 400]
    assert answers[2][1] >= 1.0 > answers[0][1]  # each failure answered later than the one before
    locked, seconds = login(url, "anna", PASSWORD)  # even the right password waits out the lock
    assert locked.status_code == 429 and seconds < 0.5
    assert "För många misslyckade inloggningar" in locked.json()["detail"]
    assert int(locked.headers["retry-after"]) >= 1
    time.sleep(3.1)
    ok, _ = login(url, "anna", PASSWORD)
    assert ok.status_code == 200 and ok.json() == {"success": True}


def test_sessions_are_capped_and_idle_conversations_forgotten(app_url: tuple[str, object]) -> None:
    _, demo = app_url
    assert demo.state_session_capacity == 40
    states = [block for block in demo.blocks.values() if type(block).__name__ == "State"]
    assert states and all(state.time_to_live == 900 for state in states)
