"""Optional login for the web app: users with salted scrypt password hashes.

Users come from `settings.web.users_file` (TOML, JSON or text) and/or the METODSTOD_USERS
environment variable. A hash looks like ``scrypt$16384$8$1$<salt hex>$<hash hex>``; make one
with ``metodstod serve --hash-password``. Plain-text passwords are never accepted.

File formats:
  * TOML: ``[users]`` table, ``anna = "scrypt$..."``
  * JSON: ``{"anna": "scrypt$..."}`` or ``{"users": {"anna": "scrypt$..."}}``
  * text: one ``username:hash`` per line; ``#`` starts a comment
METODSTOD_USERS: ``anna:scrypt$...,bertil:scrypt$...`` (comma or newline separated).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tomllib
from collections.abc import Callable
from pathlib import Path

from assistant.errors import ConfigError

USERS_ENV = "METODSTOD_USERS"
SCHEME = "scrypt"
_N, _R, _P = 2**14, 8, 1
_DKLEN = 32
MAX_N, MAX_R, MAX_P = 2**20, 32, 16  # beyond these one login would take seconds (or too much memory)
MIN_SALT, MIN_DIGEST = 8, 16


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash of `password`, self-describing (scheme, cost, salt)."""
    if not password:
        raise ConfigError("the password is empty")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"{SCHEME}${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash (constant-time compare)."""
    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = bytes.fromhex(hash_hex)
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


def hash_problem(stored: object) -> str | None:
    """What makes `stored` unusable as a password hash (None: it can verify a password). Each
    part is checked, then scrypt is run once with its parameters, so a hash that could never
    match (a cut salt, odd cost parameters) is refused at start instead of failing every login."""
    if not isinstance(stored, str) or not stored.startswith(f"{SCHEME}$"):
        return f"det är ingen {SCHEME}-hash"
    parts = stored.split("$")
    if len(parts) != 6:
        return f"en hash har sex fält åtskilda av $, den här har {len(parts)}"
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, digest = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        return "kostnadsparametrarna ska vara heltal och salt och hash hexadecimala"
    if n < 2 or n & (n - 1) or n > MAX_N or not 1 <= r <= MAX_R or not 1 <= p <= MAX_P:
        return f"kostnadsparametrarna N={n}, r={r}, p={p} går inte att använda"
    if len(salt) < MIN_SALT or len(digest) < MIN_DIGEST:
        return f"saltet ({len(salt)} byte) eller hashen ({len(digest)} byte) är för kort"
    try:
        hashlib.scrypt(b"", salt=salt, n=n, r=r, p=p, dklen=len(digest))
    except (ValueError, MemoryError) as exc:
        return f"scrypt godtar inte parametrarna ({exc})"
    return None


def _check(users: dict[str, str], origin: str) -> dict[str, str]:
    for name, stored in users.items():
        problem = "användarnamnet är tomt" if not name else hash_problem(stored)
        if problem:
            raise ConfigError(
                f"{origin}: användaren {name!r} har ingen giltig lösenordshash: {problem}. "
                "Gör en ny med `metodstod serve --hash-password`."
            )
    return users


def _parse_lines(text: str) -> dict[str, str]:
    users: dict[str, str] = {}
    for raw in text.replace(",", "\n").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, stored = line.partition(":")
        if not sep:
            raise ConfigError(f"a user line must look like 'name:hash', got {line[:40]!r}")
        users[name.strip()] = stored.strip()
    return users


def parse_users_file(path: Path) -> dict[str, str]:
    if not path.exists():
        raise ConfigError(f"users file {path} does not exist")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"users file {path} is not UTF-8 (invalid byte at position {exc.start})") from exc
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            return _check(_parse_lines(text), str(path))
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"users file {path} cannot be read: {exc}") from exc
    users = data.get("users", data) if isinstance(data, dict) else None
    if not isinstance(users, dict):
        raise ConfigError(f"users file {path} must map user names to password hashes")
    return _check({str(k): v for k, v in users.items()}, str(path))


def load_users(users_file: Path | None, env: dict[str, str] | None = None) -> dict[str, str]:
    """All configured users (file first, the environment variable wins on a name clash)."""
    env = os.environ if env is None else env
    users: dict[str, str] = {}
    if users_file is not None:
        users.update(parse_users_file(Path(users_file)))
    if env.get(USERS_ENV, "").strip():
        users.update(_check(_parse_lines(env[USERS_ENV]), USERS_ENV))
    return users


def make_auth(users: dict[str, str]) -> Callable[[str, str], bool] | None:
    """A gradio `auth` callable, or None (no login) when no users are configured."""
    if not users:
        return None

    dummy = hash_password(secrets.token_hex(8))  # unknown names cost as much as wrong passwords

    def check(username: str, password: str) -> bool:
        stored = users.get(username)
        ok = verify_password(password, stored or dummy)
        return stored is not None and ok

    return check
