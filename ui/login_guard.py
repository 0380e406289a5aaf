"""Failed logins are slowed down, and locked for a while, per user name and per client address.

`LoginGuard` counts failed logins per user name and per address. Each failure is answered
later than the one before (0.25 s, 0.5 s, 1 s, then 2 s), and after `max_failures` failures in a
row the name or the address is locked for `lock_seconds`: the login then answers 429 at once
without checking the password, so guessing goes no faster than a few tries per lock period.
A successful login clears both counts. `LoginThrottle` is the ASGI middleware that applies it
to gradio's POST /login (gradio's `auth` callable sees neither the address nor the response).
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

BASE_DELAY_S = 0.25
MAX_DELAY_S = 2.0
MAX_ENTRIES = 10_000  # names and addresses remembered at most (the oldest are forgotten first)
LOCKED = "För många misslyckade inloggningar. Försök igen om {minutes} min."
FAILED_STATUSES = (400, 401, 403)


@dataclass
class _Count:
    failures: int
    last: float


class LoginGuard:
    def __init__(self, max_failures: int, lock_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.lock_seconds = lock_seconds
        self._clock = clock
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(user: str, address: str) -> tuple[str, str]:
        return f"user:{user.casefold()}", f"addr:{address}"

    def _current(self, key: str, now: float) -> int:
        count = self._counts.get(key)
        if count is None or now - count.last >= self.lock_seconds:
            return 0
        return count.failures

    def locked_for(self, user: str, address: str) -> float:
        """Seconds until `user` from `address` may try again (0: now)."""
        now = self._clock()
        with self._lock:
            waits = [
                self.lock_seconds - (now - self._counts[key].last)
                for key in self._keys(user, address)
                if self._current(key, now) >= self.max_failures
            ]
        return max(waits, default=0.0)

    def failed(self, user: str, address: str) -> float:
        """Count a failed login; the delay to answer it with."""
        now = self._clock()
        with self._lock:
            worst = 0
            for key in self._keys(user, address):
                failures = self._current(key, now) + 1
                self._counts.pop(key, None)
                self._counts[key] = _Count(failures, now)  # re-inserted: the dict stays oldest first
                worst = max(worst, failures)
            while len(self._counts) > MAX_ENTRIES:
                self._counts.pop(next(iter(self._counts)))
        return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (worst - 1))

    def succeeded(self, user: str, address: str) -> None:
        with self._lock:
            for key in self._keys(user, address):
                self._counts.pop(key, None)


class LoginThrottle:
    """ASGI middleware: `LoginGuard` on POST …/login (see the module docstring)."""

    def __init__(self, app: Any, guard: LoginGuard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope.get("type") != "http" or scope.get("method") != "POST" or not _is_login(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        user = parse_qs(body.decode("utf-8", "replace")).get("username", [""])[0].strip()
        address = (scope.get("client") or ("?", 0))[0]
        wait = self.guard.locked_for(user, address)
        if wait > 0:
            await _refuse(send, wait)
            return
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def observe(message: dict) -> None:
            if message["type"] == "http.response.start":
                if message["status"] in FAILED_STATUSES:
                    await asyncio.sleep(self.guard.failed(user, address))
                elif message["status"] < 300:
                    self.guard.succeeded(user, address)
            await send(message)

        await self.app(scope, replay, observe)


def _is_login(path: str) -> bool:
    return path.rstrip("/").endswith("/login")


async def _read_body(receive: Callable) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _refuse(send: Callable, wait: float) -> None:
    body = json.dumps({"detail": LOCKED.format(minutes=max(1, math.ceil(wait / 60)))}, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"retry-after", str(math.ceil(wait)).encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
