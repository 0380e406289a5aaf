"""Shared CLI plumbing: the Typer app, settings from options, clean error output."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click
import typer
from pydantic import ValidationError

from assistant.errors import InputError, MetodstodError, UsageError
from assistant.settings import Settings, load_settings

app = typer.Typer(
    name="metodstod",
    help="Metodstöd-assistenten: ingest Brå's material, ask questions, look up activities, run evals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
)

EXIT_ERROR = 1
EXIT_USAGE = 2


def settings_from(**overrides: object) -> Settings:
    """Settings with CLI options on top; a bad value becomes a clean error."""
    try:
        return load_settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']} (got {err.get('input')!r})" for err in exc.errors()
        )
        raise MetodstodError(f"Ogiltig konfiguration: {problems}") from exc


def read_utf8(path: Path) -> str:
    """A text file the user named; one that is not UTF-8 is a clear error naming it."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: filen är inte UTF-8-kodad (ogiltig byte på position {exc.start}). Spara den som UTF-8."
        ) from exc


def fail(message: str, code: int = EXIT_ERROR) -> None:
    typer.echo(f"Fel: {message}", err=True)
    raise typer.Exit(code)


def run_cli(command: typer.Typer, args: list[str] | None = None) -> int:
    """Run the app; user mistakes and domain errors print one clean line, never a traceback."""
    logging.basicConfig(level=os.environ.get("METODSTOD_LOG_LEVEL", "WARNING"), format="%(levelname)s %(message)s")
    for noisy in ("bm25s", "chromadb", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Typer >= 0.17 vendors its own click: its exceptions are typer.Exit/Abort/TyperException, not click's,
    # and with standalone_mode=False a `typer.Exit(code)` comes back as the return value.
    try:
        result = command(args=args, standalone_mode=False)
    except MetodstodError as exc:
        typer.echo(f"Fel: {exc}", err=True)
        return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_ERROR
    except (click.exceptions.Exit, typer.Exit) as exc:
        return exc.exit_code
    except (click.exceptions.Abort, typer.Abort):
        typer.echo("Avbrutet.", err=True)
        return 130
    except (click.ClickException, typer.TyperException) as exc:
        if not hasattr(exc, "show"):
            raise
        exc.show(file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        typer.echo("Avbrutet.", err=True)
        return 130
    except Exception as exc:  # a bug: one clean line, details in the log
        logging.getLogger("metodstod").debug("internal error", exc_info=True)
        typer.echo(
            f"Internt fel: {exc.__class__.__name__}: {exc} (kör med METODSTOD_LOG_LEVEL=DEBUG för detaljer)", err=True
        )
        return EXIT_ERROR
    return result if isinstance(result, int) else 0
