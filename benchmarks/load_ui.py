#!/usr/bin/env python3
"""Load test of the web app: N concurrent conversations through gradio_client.

    python benchmarks/load_ui.py http://127.0.0.1:7860/ [--users 20] [--seconds 60] [--auth name:password]

Each user (a thread with its own gradio_client session) holds one conversation of 2–3
questions, follow-ups included, so the server passes the earlier questions as history; with
--seconds it starts new conversations (new sessions) until the time is up. Prints the number
of errors and p50/p95 latency per question. Exit code 1 on any error.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field

CONVERSATIONS: list[list[str]] = [
    ["Vad är Crime proofing?", "Vilka kommuner använde metoden?"],
    [
        "Vilka kommuner deltog i projektet?",
        "Vilka aktiviteter genomförde Sigtuna inom välfärdsbrott?",
        "Och Linköping?",
    ],
    ["Vad visade enkätundersökningen?", "Hur många svarade på den?"],
    ["Vad är SSPF?", "Vilka kommuner arbetade med det?", "Vilka resultat fick de?"],
    ["Vilka fokusområden hade projektet?", "Vad gjorde Trollhättan inom det första?"],
]
ERROR_MARK = "ms-notice ms-error"  # the app's "something went wrong" message


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float | None, error: str | None = None) -> None:
        with self.lock:
            if seconds is not None:
                self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def last_text(messages: list[dict]) -> str:
    if not messages:
        return ""
    content = messages[-1].get("content")
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


def converse(
    url: str,
    questions: list[str],
    auth: tuple[str, str] | None,
    start: threading.Barrier,
    result: Result,
    until: float | None = None,
) -> None:
    """One user: a conversation, then (with `until` seconds) new conversations until the time is up."""
    from gradio_client import Client

    try:
        client = Client(url, auth=auth, verbose=False)
    except Exception as exc:
        start.abort()
        result.add(None, f"connect: {exc}")
        return
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait()
    deadline = None if until is None else time.monotonic() + until
    while True:
        _conversation(client, questions, result)
        if deadline is None or time.monotonic() >= deadline:
            return
        try:
            client = Client(url, auth=auth, verbose=False)  # a new session: a new conversation
        except Exception as exc:
            result.add(None, f"connect: {exc}")
            return


def _conversation(client, questions: list[str], result: Result) -> None:
    for turn, question in enumerate(questions, start=1):
        began = time.perf_counter()
        try:
            messages, *_ = client.predict(question, api_name="/svara")  # filters and k: the defaults
        except Exception as exc:
            result.add(time.perf_counter() - began, f"{question!r}: {type(exc).__name__}: {exc}")
            continue
        seconds = time.perf_counter() - began
        text = last_text(messages)
        error = None
        if len(messages) != 2 * turn:
            error = f"{question!r}: expected {2 * turn} messages (history lost?), got {len(messages)}"
        elif ERROR_MARK in text or "ms-answer" not in text:
            error = f"{question!r}: no answer: {text[:160]}"
        result.add(seconds, error)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="URL of a running `metodstod serve`, e.g. http://127.0.0.1:7860/")
    parser.add_argument("--users", type=int, default=20, help="Concurrent conversations (default 20).")
    parser.add_argument("--seconds", type=float, default=0, help="Keep each user asking this long (default: once).")
    parser.add_argument("--auth", help="name:password when the app has a login.")
    args = parser.parse_args(argv)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    result = Result()
    start = threading.Barrier(args.users)
    threads = [
        threading.Thread(
            target=converse,
            args=(args.url, CONVERSATIONS[i % len(CONVERSATIONS)], auth, start, result, args.seconds or None),
        )
        for i in range(args.users)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    lat = result.latencies
    print(f"users={args.users} questions={len(lat)} errors={len(result.errors)} wall={wall:.1f}s")
    if lat:
        print(
            f"latency per question: p50={percentile(lat, 50):.2f}s p95={percentile(lat, 95):.2f}s "
            f"mean={statistics.mean(lat):.2f}s max={max(lat):.2f}s throughput={len(lat) / wall:.2f} q/s"
        )
    for error in result.errors[:10]:
        print(f"  error: {error}")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
