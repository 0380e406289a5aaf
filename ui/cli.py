"""`metodstod serve`: the web app (chat, activities, sources) on 127.0.0.1:7860 by default."""

from __future__ import annotations

import sys

import typer

from assistant.cli.common import app, fail, settings_from


def _print_hash() -> None:
    """Read a password (prompt, or stdin when piped) and print its salted hash."""
    from ui.auth import hash_password

    if sys.stdin.isatty():
        password = typer.prompt("Lösenord", hide_input=True, confirmation_prompt="Upprepa lösenordet")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    typer.echo(hash_password(password))


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1: this machine only)."),
    port: int | None = typer.Option(None, "--port", "-p", min=1, max=65535, help="Port (default 7860)."),
    hash_password: bool = typer.Option(
        False, "--hash-password", help="Print a password hash for the users file, then exit."
    ),
) -> None:
    """Start the web app. Users (optional login) come from users_file or METODSTOD_USERS."""
    if hash_password:
        _print_hash()
        return
    settings = settings_from(host=host, port=port)
    from ui.auth import load_users
    from ui.server import PortBusyError
    from ui.server import serve as run

    users = load_users(settings.web.users_file)
    if settings.web.host not in ("127.0.0.1", "localhost", "::1") and not users:
        typer.echo(
            f"Varning: appen nås från nätverket ({settings.web.host}) utan inloggning. "
            "Lägg till användare i users_file eller METODSTOD_USERS.",
            err=True,
        )
    try:
        run(settings, settings.web.host, settings.web.port, users=users)
    except PortBusyError as exc:
        fail(str(exc))
    except OSError as exc:  # gradio's own message names its environment variable: ours names --port
        fail(
            f"webbappen kunde inte starta på {settings.web.host}:{settings.web.port} ({exc.__class__.__name__}). "
            "Välj en annan port med --port eller en annan adress med --host."
        )
