#!/usr/bin/env python3
"""The web app under load while Brå staff ingest: `load_ui.py` with an ingest running all along.

    METODSTOD_DATA_DIR=/tmp/d metodstod ingest corpus/
    python benchmarks/load_during_ingest.py --data-dir /tmp/d [--users 20 50] [--seconds 60]

Starts `metodstod serve` on the data dir (the embedded store, or whatever METODSTOD_* says),
then for each user count runs `load_ui.py` for --seconds while another process ingests again
and again: a document whose text changes every run (so every run writes vectors, deletes the
old ones and moves the corpus generation). Prints load_ui's figures (errors, p50/p95) and how
many ingests committed during the load. Exit code 1 on any error.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
DOC = "# Driftnotiser\n\n## Senaste körningen\n\nInläsning nummer {n} av driftnotiserna gjordes {stamp}.\n"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    out = log.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
        env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"serve exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("serve did not start")


class IngestLoop(threading.Thread):
    """Ingests a changing document again and again until stopped."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        super().__init__(daemon=True)
        self.env, self.folder = env, folder
        self.stop = threading.Event()
        self.runs, self.failed, self.seconds = 0, 0, []

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            (self.folder / "driftnotiser.md").write_text(DOC.format(n=n, stamp=time.ctime()), encoding="utf-8")
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "assistant.cli", "ingest", "-q", str(self.folder)],
                env=self.env, capture_output=True, text=True, cwd=REPO, check=False,
            )  # fmt: skip
            self.seconds.append(time.perf_counter() - started)
            self.runs += 1
            if done.returncode != 0:
                self.failed += 1
                print(f"  ingest failed: {done.stderr.strip()[:300]}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--without-ingest", action="store_true", help="The same load with no ingest (a baseline).")
    args = parser.parse_args(argv)
    import load_ui

    env = {**os.environ, "METODSTOD_DATA_DIR": str(args.data_dir), "ANONYMIZED_TELEMETRY": "False"}
    env.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    port = free_port()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="load-ingest-") as tmp:
        serve = start_serve(env, port, Path(tmp) / "serve.log")
        try:
            for users in args.users:
                loop = IngestLoop(env, Path(tmp))
                if args.without_ingest:
                    loop.stop.set()
                loop.start()
                doing = "no ingest" if args.without_ingest else "ingesting all along"
                print(f"--- {users} users for {args.seconds:.0f} s, {doing}", flush=True)
                url = f"http://127.0.0.1:{port}/"
                code = load_ui.main([url, "--users", str(users), "--seconds", str(args.seconds)])
                loop.stop.set()
                loop.join()
                mean = sum(loop.seconds) / max(1, len(loop.seconds))
                print(f"ingests during the load: {loop.runs} ({loop.failed} failed), {mean:.1f} s each", flush=True)
                failures += code != 0 or loop.failed > 0
        finally:
            serve.terminate()
            serve.wait(30)
            log = (Path(tmp) / "serve.log").read_text()
            if "Traceback" in log or "ERROR" in log:
                print(f"serve log:\n{log[-3000:]}")
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
