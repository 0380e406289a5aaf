"""`metodstod` command line: parses input, calls the library, prints results.

The library's own commands (ask, lookup, config, feedback) live here. The front ends' commands
(`ingest`, `serve`, `eval`) live with their packages and are attached through the
`metodstod.commands` entry-point group, as plugins are: the library never imports its front ends.
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import entry_points

# Command modules register their commands on `app` when imported.
from assistant.cli import ask_cmd, config_cmd, feedback_cmd, lookup_cmd  # noqa: F401
from assistant.cli.common import app, run_cli

COMMAND_GROUP = "metodstod.commands"


def load_front_ends() -> list[str]:
    """Import every installed front end's command module (each registers itself on `app`)."""
    loaded = []
    for entry in sorted(entry_points(group=COMMAND_GROUP), key=lambda e: e.name):
        try:
            entry.load()
        except ImportError as exc:  # a front end whose optional dependencies are missing
            logging.getLogger("metodstod").warning("kommandot %s kunde inte laddas: %s", entry.name, exc)
            continue
        loaded.append(entry.name)
    return loaded


def main() -> None:
    load_front_ends()
    sys.exit(run_cli(app))


__all__ = ["app", "load_front_ends", "main"]

if __name__ == "__main__":
    main()
