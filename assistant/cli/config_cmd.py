"""`metodstod config`: print the effective settings."""

from __future__ import annotations

import json

import typer

from assistant.cli.common import app, settings_from


@app.command("config")
def config(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Print the effective settings (defaults < metodstod.toml < METODSTOD_* environment)."""
    settings = settings_from()
    values = json.loads(settings.model_dump_json())
    values["records_url"] = settings.records_url
    values["embedder_id"] = settings.embedder_id
    if as_json:
        typer.echo(json.dumps(values, indent=2, ensure_ascii=False))
        return
    width = max(len(k) for k in values)
    for key, value in values.items():
        typer.echo(f"{key:<{width}}  {value}")
