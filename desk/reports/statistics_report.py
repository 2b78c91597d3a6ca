"""The monthly statistics (统计) as plain tables: what the screen, the xlsx and the PDF show.

``desk.services.views.statistics_tables`` turns a ``MonthlyReport`` into a ``StatisticsReport``;
the tab, ``statistics_xlsx`` and ``statistics_pdf`` only lay it out, so all three show the
same numbers with the same headings. Standard library only.

Each section is one table: a first column naming the row (a category, an urgency, an
hour …), value columns of one kind each, the month before and the change in columns of
their own. A chart, when the section has one, plots some of the table's own columns, so
the xlsx chart can reference the cells the table wrote.

Values keep their types (int, float, str, None = nothing to measure); ``show`` gives the
text the screen and the PDF print, the xlsx writes the number with ``NUMBER_FORMATS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "GRID",
    "KINDS",
    "NONE",
    "NUMBER_FORMATS",
    "PIE_COLOURS",
    "SERIES_COLOURS",
    "Chart",
    "Section",
    "StatisticsReport",
    "TableColumn",
    "show",
    "shown_rows",
]

# What a column holds:
#   text        a name or a word             int        a count
#   num         minutes or hours, one place  pct        a share of 1.0, shown as 87.5%
#   delta_int   a change of a count (+3)     delta_num  a change of a duration (+1.5)
#   delta_pct   a change of a share, in percentage points (+12.5)
KINDS = ("text", "int", "num", "pct", "delta_int", "delta_num", "delta_pct")
NUMBER_FORMATS = {
    "int": "0",
    "num": "0.0",
    "pct": "0.0%",
    "delta_int": "+0;-0;0",
    "delta_num": "+0.0;-0.0;0.0",
    "delta_pct": "+0.0;-0.0;0.0",
}
# one palette for the screen, the xlsx and the PDF: the same series has the same colour
SERIES_COLOURS = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47")
PIE_COLOURS = ("2E7D32", "8BC34A", "FFC107", "E53935")  # 非常满意, 满意, 基本满意, 不满意
NONE = "—"  # nothing to measure (no order judged, no callback due …)
GRID = 10  # the xlsx sheet's columns: a table's spans add up to at most this


@dataclass(frozen=True)
class TableColumn:
    title: str
    kind: str = "int"  # one of KINDS
    span: int = 1  # grid columns in the xlsx
    weight: float = 0.0  # the relative width in the PDF and on screen; 0: ``span``

    @property
    def share(self) -> float:
        return self.weight or float(self.span)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; kinds: {', '.join(KINDS)}")


@dataclass(frozen=True)
class Chart:
    """A chart of the section's table: the first ``len(rows) - totals`` rows (the total rows
    are not plotted), categories from the first column, one series per column in
    ``series``."""

    kind: str  # "bar" | "stacked" | "pie" (a pie has one series)
    title: str
    series: tuple[int, ...]  # column indexes
    axis_title: str = ""  # the value axis
    percent: bool = False  # the values are shares of 1.0: the axis runs 0–100 %


@dataclass(frozen=True)
class Section:
    key: str  # stable name ("complaints", "response_sla" …) for the screen and the tests
    title: str
    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""  # a line under the title: totals, the busiest hours, a definition
    totals: int = 0  # the last ``totals`` rows are sums (bold, not in the chart)
    chart: Chart | None = None
    empty_text: str = "无数据"  # said instead of a table without rows

    def __post_init__(self) -> None:
        for n, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"{self.key}: row {n} has {len(row)} values for {len(self.columns)} columns"
                )
        if sum(c.span for c in self.columns) > GRID:
            raise ValueError(f"{self.key}: the columns span more than {GRID} grid columns")

    @property
    def chart_rows(self) -> tuple[tuple[Any, ...], ...]:
        return self.rows[: len(self.rows) - self.totals]

    def column(self, title: str) -> int:
        """The index of the column headed ``title``."""
        for i, c in enumerate(self.columns):
            if c.title == title:
                return i
        raise KeyError(title)


@dataclass(frozen=True)
class StatisticsReport:
    office: str
    year: int
    month: int
    previous: tuple[int, int]  # (year, month) compared with
    generated_at: datetime
    notes: tuple[str, ...]  # under the title: the period, when open work was judged
    sections: tuple[Section, ...]
    empty: bool  # nothing at all was recorded in the month

    @property
    def title(self) -> str:
        return f"月度服务统计（{self.year}年{self.month}月）"

    @property
    def month_text(self) -> str:
        return f"{self.year}年{self.month}月"

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)


def show(value: Any, kind: str) -> str:
    """The text of one cell as the screen and the PDF print it."""
    if value is None:
        return NONE
    if kind == "text" or isinstance(value, str):
        return str(value)
    if kind == "int":
        return str(int(value))
    if kind == "num":
        return f"{value:.1f}"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "delta_int":
        return f"{int(value):+d}" if value else "0"
    if kind in ("delta_num", "delta_pct"):
        text = f"{value:+.1f}"
        return "0.0" if text in ("+0.0", "-0.0") else text
    raise ValueError(f"unknown column kind {kind!r}")


def shown_rows(columns: Sequence[TableColumn], rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    """Every cell of ``rows`` as text (``show``)."""
    return [[show(v, c.kind) for v, c in zip(row, columns, strict=True)] for row in rows]
