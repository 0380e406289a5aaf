"""Password hashing and the users file / METODSTOD_USERS for the optional login."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from ui import auth


def test_hash_and_verify() -> None:
    stored = auth.hash_password("hemligt lösen")
    assert stored.startswith("scrypt$") and "hemligt" not in stored
    assert auth.verify_password("hemligt lösen", stored)
    assert not auth.verify_password("fel", stored)
    assert auth.hash_password("x") != auth.hash_password("x")  # salted


@pytest.mark.parametrize("stored", ["", "plaintext", "scrypt$1$2$3$zz$zz", "md5$a$b$c$d$e"])
def test_verify_rejects_malformed(stored: str) -> None:
    assert not auth.verify_password("x", stored)


def test_empty_password_refused() -> None:
    with pytest.raises(ConfigError):
        auth.hash_password("")


def test_users_file_formats(tmp_path: Path) -> None:
    h = auth.hash_password("pw")
    (tmp_path / "u.toml").write_text(f'[users]\nanna = "{h}"\n', encoding="utf-8")
    (tmp_path / "u.json").write_text(json.dumps({"bertil": h}), encoding="utf-8")
    (tmp_path / "u.txt").write_text(f"# kommentar\ncecilia:{h}\n\n", encoding="utf-8")
    assert auth.load_users(tmp_path / "u.toml", env={}) == {"anna": h}
    assert auth.load_users(tmp_path / "u.json", env={}) == {"bertil": h}
    assert auth.load_users(tmp_path / "u.txt", env={}) == {"cecilia": h}


def test_env_users_and_plaintext_refused(tmp_path: Path) -> None:
    h = auth.hash_password("pw")
    assert auth.load_users(None, env={auth.USERS_ENV: f"a:{h},b:{h}"}) == {"a": h, "b": h}
    with pytest.raises(ConfigError, match="hash-password"):
        auth.load_users(None, env={auth.USERS_ENV: "a:klartext"})
    with pytest.raises(ConfigError):
        auth.load_users(tmp_path / "saknas.toml", env={})


def test_make_auth() -> None:
    assert auth.make_auth({}) is None
    check = auth.make_auth({"anna": auth.hash_password("pw")})
    assert check("anna", "pw") and not check("anna", "fel") and not check("okänd", "pw")


def test_cli_hash_password(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    import ui.cli  # noqa: F401  (registers `serve`)
    from assistant.cli import app
    from assistant.cli.common import run_cli

    monkeypatch.setattr("sys.stdin", io.StringIO("mitt lösen\n"))
    assert run_cli(app, ["serve", "--hash-password"]) == 0
    stored = capsys.readouterr().out.strip()
    assert auth.verify_password("mitt lösen", stored)


def test_a_users_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_bytes(f"göran:{auth.hash_password('pw')}\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"users\.txt is not UTF-8"):
        auth.load_users(users, env={})
