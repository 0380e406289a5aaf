"""Start-up behaviour: login when users are configured, and a clear message without an index."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from gradio_client import Client
from gradio_client.exceptions import AuthenticationError

from assistant.errors import IndexMissingError
from assistant.settings import Settings
from ui import app as ui_app
from ui import auth, server

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def no_index() -> object:
    raise IndexMissingError("Nothing is indexed yet. Build the index first: run `metodstod ingest corpus/`")


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app with a login and no index at all."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("locked"), embedder="fake")
    services = server.build_services(settings, factory=no_index)
    warning = server.prepare_assistant(services.chat.assistants)
    assert warning is not None and "metodstod ingest" in warning
    demo = ui_app.build_app(services)
    port = free_port()
    users = {"anna": auth.hash_password("rätt lösen")}
    server.launch(demo, settings, "127.0.0.1", port, users=users, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def test_login_is_required(locked: str) -> None:
    with pytest.raises(AuthenticationError, match="credentials were not provided"):
        Client(locked, verbose=False).predict("Vad är Crime proofing?", api_name="/svara")
    with pytest.raises(ValueError, match="Could not login"):
        Client(locked, auth=("anna", "fel"), verbose=False)


def test_without_index_the_app_runs_and_says_what_to_do(locked: str) -> None:
    client = Client(locked, auth=("anna", "rätt lösen"), verbose=False)
    messages, *_ = client.predict("Vad är Crime proofing?", api_name="/svara")
    text = messages[-1]["content"][0]["text"]
    assert "metodstod ingest corpus/" in text and "ms-notice" in text


def test_status_banner_without_index(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embedder="fake")
    services = server.build_services(settings, factory=no_index)
    assert "Kör: metodstod ingest corpus/" in ui_app.status_html(services.registry)


def test_settings_info_for_feedback() -> None:
    info = server.settings_info(Settings(embedder="fake", top_k=4))
    assert info["embedder"] == "fake" and info["top_k"] == 4 and "generator" in info


@pytest.mark.e2e
def test_browser_login_then_no_index_message(locked: str, browser: Browser, tmp_path: Path) -> None:
    from tests.ui.conftest import SCREENSHOTS
    from tests.ui.ui_browser import ask

    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(locked)
        page.locator("input[type=text]").first.fill("anna")
        page.locator("input[type=password]").fill("rätt lösen")
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_selector("#ms-question textarea", timeout=30_000)
        page.wait_for_function("() => document.querySelector('#ms-status').innerText.includes('metodstod ingest')")
        answer = ask(page, "Vad är Crime proofing?")
        assert "Kör: metodstod ingest corpus/" in answer.inner_text()
        path = tmp_path / "login-no-index.png"
        page.screenshot(path=str(path), full_page=True)
        SCREENSHOTS.mkdir(exist_ok=True)
        (SCREENSHOTS / path.name).write_bytes(path.read_bytes())
    finally:
        context.close()


def test_prepare_assistant_warns_or_refuses() -> None:
    from assistant.errors import ConfigError, GenerationError
    from ui.chat import AssistantHolder

    def llm_down() -> object:
        raise GenerationError("the language model server does not answer")

    def misconfigured() -> object:
        raise ConfigError("embedder 'x' is unknown")

    assert "does not answer" in server.prepare_assistant(AssistantHolder(llm_down))
    with pytest.raises(ConfigError):
        server.prepare_assistant(AssistantHolder(misconfigured))


def _serve(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METODSTOD_")}
    env |= {"METODSTOD_DATA_DIR": str(tmp_path / "data"), "METODSTOD_CONFIG": str(tmp_path / "none.toml")}
    env |= {"METODSTOD_EMBEDDER": "fake", "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def test_a_busy_port_is_named_with_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(tmp_path, port)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err.strip() == (
        f"Fel: port {port} på 127.0.0.1 används redan (kanske av en annan metodstod serve). "
        f"Välj en annan port med --port, till exempel --port {port + 1}."
    )
    assert "http://" not in out and "GRADIO_SERVER_PORT" not in out + err


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_stops_quietly(tmp_path: Path, stop: signal.Signals) -> None:
    port = free_port()
    proc = _serve(tmp_path, port)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "http://" not in (line := proc.stdout.readline()):
        assert line or proc.poll() is None, proc.stderr.read()
    os.killpg(proc.pid, stop)  # Ctrl-C reaches the whole foreground group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Metodstöd-assistenten har stoppats." in out
    assert "Traceback" not in err and "Keyboard interruption" not in out + err
