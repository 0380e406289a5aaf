"""Terminal output of eval results with rich (the same tables as the Markdown reports)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from evals.report import group_table, overall_table
from evals.tables import Section, Table, is_number

PIPED_WIDTH = 160  # table width when the output is not a terminal (rich would assume 80)
TERMINAL_ROWS = 40
"""Longer tables are cut in the terminal; the Markdown output has every row."""


def rich_table(table: Table, title: str | None = None, max_rows: int | None = None) -> RichTable:
    rows = table.rows if max_rows is None else table.rows[:max_rows]
    out = RichTable(title=title)
    for index, header in enumerate(table.headers):
        numeric = index > 0 and all(is_number(row[index]) or row[index] in ("–", "yes", "no") for row in rows)
        out.add_column(header, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        out.add_row(*row)
    if max_rows is not None and len(table.rows) > max_rows:
        out.caption = f"… {len(table.rows) - max_rows} more rows (all of them with --markdown FILE)"
    return out


def print_sections(sections: Sequence[Section], console: Console | None = None) -> None:
    console = console or Console()
    for section in sections:
        console.rule(section.title)
        for paragraph in section.paragraphs:
            console.print(paragraph, markup=False, highlight=False)
        for table in section.tables:
            console.print(rich_table(table, max_rows=TERMINAL_ROWS))


def print_summary(systems: Mapping[str, Mapping[str, Any]], console: Console | None = None) -> None:
    """Overall metrics, one column per system."""
    (console or Console()).print(rich_table(overall_table(systems), title="Eval"))


def print_groups(by_dataset: Mapping[str, Mapping[str, Any]], console: Console | None = None) -> None:
    """Per dataset and kind: right facts, refusals, hit@5, citation precision, answer length."""
    console = console or Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
    console.print(rich_table(group_table(by_dataset), title="Per dataset and kind"))
