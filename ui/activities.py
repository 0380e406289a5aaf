"""The Aktiviteter tab's data: records as a filtered table, chart data and a CSV file.

Filtering is done by the records store (`SqlRecordStore.activities`); this module only
shapes rows for display. Gradio's Dataframe shows cells as plain text (datatype "str").
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from assistant.feedback import safe_cell

ALL = ""  # dropdown value meaning "no filter"
ALL_LABEL = "Alla"
EXPORT_DIR = Path(tempfile.gettempdir()) / "metodstod-exports"
EXPORT_MAX_AGE_S = 3600

COLUMNS: dict[str, str] = {
    "kommun": "Kommun",
    "fokusomrade": "Fokusområde",
    "aktivitet": "Aktivitet",
    "format": "Format",
    "partner": "Partner",
    "metod": "Metod",
    "antal": "Antal",
    "tid": "Tid",
    "section": "Avsnitt",
    "page": "Sida",
    "quote": "Citat",
}
TABLE_COLUMNS = [v for k, v in COLUMNS.items() if k != "quote"]
# Wide enough for each column's longest word ("Fokusområde", "kunskapshöjande"): words never break.
TABLE_WIDTHS = ["7%", "11%", "20%", "10%", "14%", "9%", "5%", "8%", "12%", "4%"]
CHART_X, CHART_Y, CHART_COLOR = "Kommun", "Aktiviteter", "Fokusområde"


class RecordsLike(Protocol):
    def activities(
        self,
        kommun: str | None = None,
        fokusomrade: int | None = None,
        metod: str | None = None,
        partner: str | None = None,
    ) -> list[Any]: ...

    def distinct_values(self, field: str) -> list[str]: ...


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def focus_label(number: int | str, names: dict[int, str]) -> str:
    name = names.get(int(number))
    return f"{number} – {name}" if name else f"Fokusområde {number}"


def _choices(values: Sequence[str], labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    labels = labels or {}
    return [(ALL_LABEL, ALL)] + [(labels.get(v, v), v) for v in values]


class ActivityView:
    """``focus_names``: a focus area's full name (the filter); ``short_names``: its short name
    (table cells, chart legend: a long name would be cut)."""

    def __init__(
        self,
        records: RecordsLike,
        focus_names: dict[int, str] | None = None,
        short_names: dict[int, str] | None = None,
    ) -> None:
        self.records = records
        self.focus_names = dict(focus_names or {})
        self.short_names = dict(short_names or focus_names or {})

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """Dropdown choices per filter, each starting with "Alla"."""
        focus = self.records.distinct_values("fokusomrade")
        return {
            "kommun": _choices(self.records.distinct_values("kommun")),
            "fokusomrade": _choices(focus, {f: focus_label(f, self.focus_names) for f in focus}),
            "metod": _choices(self.records.distinct_values("metod")),
            "partner": _choices(self.records.distinct_values("partner")),
        }

    def rows(self, kommun: str = ALL, fokusomrade: str = ALL, metod: str = ALL, partner: str = ALL) -> list[dict]:
        """Activity rows matching every chosen filter, with Swedish column names."""
        found = self.records.activities(
            kommun=kommun or None,
            fokusomrade=int(fokusomrade) if fokusomrade else None,
            metod=metod or None,
            partner=partner or None,
        )
        out = []
        for row in found:
            values = {key: _cell(getattr(row, key, None)) for key in COLUMNS}
            values["fokusomrade"] = focus_label(row.fokusomrade, self.short_names)  # by name, not a bare digit
            out.append({COLUMNS[k]: v for k, v in values.items()})
        return out

    def table(self, rows: Sequence[dict]) -> Any:
        """The on-screen table: sections by their short path (the CSV keeps every column whole, incl. the quote)."""
        import pandas as pd

        from ui.render import short_section

        shown = [{**r, COLUMNS["section"]: short_section(r[COLUMNS["section"]])} for r in rows]
        return pd.DataFrame(shown, columns=TABLE_COLUMNS)

    def chart(self, rows: Sequence[dict]) -> Any:
        """Number of activity rows per municipality and focus area (long format for gr.BarPlot)."""
        import pandas as pd

        counts = Counter((r[COLUMNS["kommun"]], r[COLUMNS["fokusomrade"]]) for r in rows)
        data = [{CHART_X: k, CHART_COLOR: f, CHART_Y: n} for (k, f), n in sorted(counts.items())]
        return pd.DataFrame(data, columns=[CHART_X, CHART_COLOR, CHART_Y])


def _prune_exports(now: float) -> None:
    if not EXPORT_DIR.exists():
        return
    for folder in EXPORT_DIR.iterdir():
        try:
            if now - folder.stat().st_mtime > EXPORT_MAX_AGE_S:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


CSV_DELIMITER = ";"  # Excel with Swedish settings splits columns on ";" (the decimal comma takes ",")


def write_csv(rows: Sequence[dict], name: str = "aktiviteter.csv") -> Path:
    """The rows as an Excel-friendly CSV (";"-separated, UTF-8 with BOM so Excel reads å/ä/ö) in a
    fresh temporary folder; text cells are neutralised against formula injection
    (`assistant.feedback.safe_cell`)."""
    _prune_exports(time.time())
    folder = EXPORT_DIR / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS.values()), delimiter=CSV_DELIMITER)
        writer.writeheader()
        writer.writerows({k: safe_cell(str(v)) if isinstance(v, str) else v for k, v in row.items()} for row in rows)
    return path


def export_name(kommun: str, fokusomrade: str, metod: str, partner: str) -> str:
    parts = [p for p in (kommun, f"fokus{fokusomrade}" if fokusomrade else "", metod, partner) if p]
    slug = "-".join(parts).lower()
    safe = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in slug).strip("-")[:60]
    return f"aktiviteter-{safe}.csv" if safe else "aktiviteter.csv"
