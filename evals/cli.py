"""`metodstod eval run|compare|report`: score the assistant on a gold dataset, compare two runs."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.cli.common import app, settings_from

eval_app = typer.Typer(
    help="Evaluate answers, citations, refusals and routing on a gold dataset; compare runs.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")

FAIL_UNDER_HELP = (
    "Quality gate [scope:]metric=value (repeatable), e.g. exact=0.7 or hit@5=0.9: exit 1 when the value is below "
    "it. A scope limits it to part of the run: dataset:NAME, kind:NAME, tag:NAME, combinable "
    "(dataset:gold:tag:users-words:exact=0.6). "
    "Metrics: hit@1, hit@3, hit@5, mrr, ndcg@5, fact_recall, exact, citation_precision, citation_coverage, "
    "refusal_precision, refusal_recall, refusal_f1, route_accuracy."
)
DATASET_HELP = (
    "Gold dataset (repeatable): a list of items (.yaml, .yml, .jsonl), a .yaml with 'items' and optional "
    "'documents' and 'include_corpus', or a folder with a dataset.yaml. A dataset that brings documents is "
    "evaluated in a temporary index of its own (the configured data dir is not touched)."
)


@eval_app.command("run")
def run(
    dataset: list[Path] = typer.Option(..., "--dataset", "-d", help=DATASET_HELP),
    document: list[Path] = typer.Option(
        [], "--document", help="A document to add to every dataset's index (repeatable); makes the index temporary."
    ),
    embedding_cache: bool = typer.Option(
        True,
        "--embedding-cache/--no-embedding-cache",
        help="Reuse the vectors of unchanged chunks when building a dataset's own index.",
    ),
    generator: str | None = typer.Option(None, "--generator", "-g", help="extractive, llamacpp, openai, ollama."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Run directory (default: runs/<time>-<generator>)."),
    baselines: bool = typer.Option(False, "--baselines", help="Also run the naive LangChain and BM25 baselines."),
    limit: int | None = typer.Option(
        None, "--limit", "-n", min=1, help="Only the first N (selected) items of each dataset."
    ),
    tag: list[str] = typer.Option([], "--tag", "-t", help="Only items with this tag or kind (repeatable: any of)."),
    fail_under: list[str] = typer.Option([], "--fail-under", help=FAIL_UNDER_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Answer every item like `metodstod ask`, score it and write results, metrics and a report."""
    from evals.console import print_groups, print_summary
    from evals.gates import enforce_gates, parse_gates
    from evals.runner import RunOptions, run_eval

    parse_gates(fail_under)  # a typo in a gate should fail before a long run, not after
    settings = settings_from(generator=generator)
    options = RunOptions(
        dataset=dataset,
        out=out,
        baselines=baselines,
        limit=limit,
        tags=tag,
        progress=not quiet,
        documents=document,
        embedding_cache=embedding_cache,
    )
    outcome = run_eval(options, settings)
    systems = {"product": outcome.product.overall, **{b.path.name: b.overall for b in outcome.baselines}}
    print_summary(systems)
    print_groups(outcome.product.metrics.get("by_dataset", {}))
    typer.echo(f"Run written to {outcome.run_dir} (report.md, report.html) in {outcome.seconds:.1f} s")
    enforce_gates(outcome.product.overall, fail_under, outcome.product.rows)


@eval_app.command("compare")
def compare(
    run_a: Path = typer.Argument(..., help="The earlier run directory (A)."),
    run_b: Path = typer.Argument(..., help="The later run directory (B); deltas are B minus A."),
    markdown: Path | None = typer.Option(None, "--markdown", "-m", help="Also write the comparison as Markdown."),
    fail_under: list[str] = typer.Option([], "--fail-under", help=FAIL_UNDER_HELP),
) -> None:
    """Per-metric deltas and the items that flipped (exact, refused, hit@5) between two runs."""
    from evals.compare import compare_dirs, comparison_markdown, comparison_sections
    from evals.console import print_sections
    from evals.gates import enforce_gates, parse_gates

    parse_gates(fail_under)
    comparison = compare_dirs(run_a, run_b)
    print_sections(comparison_sections(comparison))
    if markdown is not None:
        text = comparison_markdown(comparison)
        if str(markdown) == "-":
            typer.echo(text)
        else:
            markdown.write_text(text, encoding="utf-8")
            typer.echo(f"Markdown written to {markdown}")
    enforce_gates(comparison.b.overall, fail_under, comparison.b.rows)


@eval_app.command("report")
def report(run_dir: Path = typer.Argument(..., help="A run directory written by `metodstod eval run`.")) -> None:
    """Write report.md and report.html of a run again from its results."""
    from evals.report import regenerate_report

    md_path, html_path = regenerate_report(run_dir)
    typer.echo(f"Report written to {md_path} and {html_path}")
