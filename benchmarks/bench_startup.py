#!/usr/bin/env python3
"""Start-up time of the web app: `metodstod serve` until it has answered a first question.

    METODSTOD_DATA_DIR=/path/with/index python benchmarks/bench_startup.py [--runs 3]

Starts the real server on a free loopback port, polls with gradio_client until a question
gets an answer, prints seconds per run and the median. Target: answering within 15 s.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run(question: str, timeout: float) -> float:
    from gradio_client import Client

    port = free_port()
    command = [shutil.which("metodstod") or "metodstod", "serve", "--port", str(port)]
    started = time.monotonic()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - started < timeout:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                messages, *_ = client.predict(question, api_name="/svara")
                if messages:
                    return time.monotonic() - started
            except Exception:
                time.sleep(0.2)
        raise SystemExit(f"server did not come up within {timeout:.0f} s")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    seconds = [one_run("Vad är Crime proofing?", args.timeout) for _ in range(args.runs)]
    for i, s in enumerate(seconds, 1):
        print(f"run {i}: serving after {s:.1f} s")
    print(f"median start-up: {statistics.median(seconds):.1f} s (target <= 15 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
