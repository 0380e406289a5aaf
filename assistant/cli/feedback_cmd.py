"""`metodstod feedback export`: the users' thumbs and comments as CSV or JSONL."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli.common import app, settings_from

feedback_app = typer.Typer(help="User feedback on answers.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def export(
    fmt: str = typer.Option("csv", "--format", "-f", help="csv or jsonl."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write."),
) -> None:
    """Write every feedback row (question, answer, citations, route, settings, rating, comment)."""
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(settings_from().records_url)
    count = store.export(out, fmt.lower())
    typer.echo(f"Exporterade {count} återkopplingar till {out}")
