"""`metodstod` command line: parses input, calls the library, prints results.

Each command group lives in its own module and registers itself on `app`.
"""

from __future__ import annotations

import sys

import typer

# Command modules register their commands on import.
from assistant.cli import config_cmd, ingest_cmd  # noqa: F401
from assistant.cli.common import app, run_cli

for _optional in ("ask_cmd", "lookup_cmd", "eval_cmd", "serve_cmd", "feedback_cmd"):
    try:
        __import__(f"assistant.cli.{_optional}")
    except ModuleNotFoundError as exc:  # a command module not written yet
        if exc.name != f"assistant.cli.{_optional}":
            raise


def main() -> None:
    sys.exit(run_cli(app))


__all__ = ["app", "main", "typer"]

if __name__ == "__main__":
    main()
