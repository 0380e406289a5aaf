"""`metodstod config`: print the effective settings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import typer

from assistant.cli.common import app, settings_from
from assistant.settings import masked_url


@app.command("config")
def config(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Print the effective settings (defaults < metodstod.toml < METODSTOD_* environment)."""
    settings = settings_from()
    values = settings.masked()
    values["records_url"] = masked_url(settings.records_url)
    values["embedder_id"] = settings.embedder_id
    if as_json:
        typer.echo(json.dumps(values, indent=2, ensure_ascii=False))
        return
    flat = dict(_flatten(values))
    width = max(len(k) for k in flat)
    for key, value in flat.items():
        typer.echo(f"{key:<{width}}  {value}")


def _flatten(values: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in values.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value
