"""月度服务统计 as a print-ready ``.xlsx``: one sheet, the sections top to bottom, each with
its table and, where it has one, a native Excel chart drawn from the table's own cells.

Print-ready: office and merged title rows, A4 portrait scaled to the page width, page
numbers in the footer, borders on every table. The sheet is ten grid columns wide (a
table's columns span one or more, merged), narrow enough to print at about 100 %; a section
that would not fit the rest of a page starts a new one (manual page breaks from the row
heights, which are all set here), and a chart is never cut.

Typed: counts and durations are numbers, shares are fractions with a ``0.0%`` format,
changes carry a sign; "—" marks what could not be measured. Text from users (places,
categories) is written formula-safe (``xlsx_common.safe_cell``).

openpyxl is imported inside the functions: it costs ~115 ms, paid only when a file is
written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desk.reports.statistics_report import (
    GRID,
    NONE,
    NUMBER_FORMATS,
    PIE_COLOURS,
    SERIES_COLOURS,
    Chart,
    Section,
    StatisticsReport,
    TableColumn,
)
from desk.reports.xlsx_common import (
    PAGE_FOOTER,
    add_styles,
    named_style,
    print_setup,
    safe_cell,
    save,
    text_width,
)

__all__ = ["SHEET_TITLE", "write_statistics_xlsx"]

SHEET_TITLE = "月度统计"
COLUMN_WIDTH = 9.2  # Excel character units; ten of them fit A4 portrait at ~100 %
# the printable height of an A4 page at the margins print_setup sets (0.6" top and
# bottom), less a little for rounding in Excel and LibreOffice
PAGE_HEIGHT = 730.0
ROW_H = 15.0
MAX_ROW_H = 409.0
LINE_H = 12.5  # one more line of wrapped 9–10 pt text
SECTION_H = 20.0
CHART_ROWS = 14  # rows reserved under a table for its chart (14 × 15 pt)


def write_statistics_xlsx(report: StatisticsReport, path: Path | str) -> Path:
    """Write ``report`` to ``path`` and return the path."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    styles = _styles(wb)
    for col in range(1, GRID + 1):
        ws.column_dimensions[get_column_letter(col)].width = COLUMN_WIDTH
    ws.sheet_view.showGridLines = False  # the tables have borders; the rest reads as a page
    print_setup(ws, landscape=False, footer=PAGE_FOOTER)
    ws.oddFooter.left.text = _footer_text(report.title)
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = _footer_text(f"生成于 {report.generated_at:%Y-%m-%d %H:%M}")
    ws.oddFooter.right.size = 8

    sheet = _Sheet(ws, styles)
    sheet.heading(report)
    for section in report.sections:
        sheet.section(section)
    wb.properties.title = report.title
    wb.properties.subject = report.office
    path = Path(path)
    save(wb, path)
    return path


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a header/footer code


def _styles(wb: Any) -> dict[str, str]:
    styles = {
        "office": named_style("stat_office", size=12, border=False),
        "title": named_style("stat_title", size=16, bold=True, border=False),
        "notes": named_style("stat_notes", size=9, border=False),
        "section": named_style("stat_section", size=11, bold=True, fill="D9D9D9", align="left"),
        "note": named_style("stat_note", size=9, border=False, align="left"),
        "head": named_style("stat_head", bold=True, fill="EDEDED"),
        "empty": named_style("stat_empty", align="left"),
        "text": named_style("stat_text"),
        "text_left": named_style("stat_text_left", align="left"),
        "text_total": named_style("stat_text_total", bold=True),
    }
    for kind, number_format in NUMBER_FORMATS.items():
        styles[kind] = named_style(f"stat_{kind}", number_format=number_format)
        styles[f"{kind}_total"] = named_style(
            f"stat_{kind}_total", bold=True, number_format=number_format
        )
    return add_styles(wb, styles)


def _lines(text: str, width_units: float) -> int:
    """Lines ``text`` wraps to in a cell ``width_units`` wide (a little slack for padding)."""
    usable = max(width_units - 1.5, 1.0)
    return max(1, math.ceil(text_width(text) / usable))


class _Sheet:
    """Writes rows from the top, keeping the printed height of the current page."""

    def __init__(self, ws: Any, styles: dict[str, str]) -> None:
        self.ws = ws
        self.styles = styles
        self.row = 1
        self.page_used = 0.0

    # --- rows and pages --------------------------------------------------------------

    def _height(self, height: float) -> None:
        self.ws.row_dimensions[self.row].height = height
        self.page_used += height
        self.row += 1

    def _fits(self, height: float) -> bool:
        return self.page_used + height <= PAGE_HEIGHT

    def _new_page(self) -> None:
        """A manual page break above the next row (unless the page is still empty)."""
        from openpyxl.worksheet.pagebreak import Break

        if self.page_used > 0:
            self.ws.row_breaks.append(Break(id=self.row - 1))
            self.page_used = 0.0

    def _merged(self, text: str, style: str, height: float, first: int = 1) -> None:
        ws = self.ws
        for col in range(first, GRID + 1):
            ws.cell(row=self.row, column=col).style = self.styles[style]
        safe_cell(ws, self.row, first, text, self.styles[style])
        ws.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=GRID)
        self._height(height)

    # --- blocks ----------------------------------------------------------------------

    def heading(self, report: StatisticsReport) -> None:
        self._merged(report.office, "office", 20)
        self._merged(report.title, "title", 28)
        notes = "；".join([*report.notes, f"生成时间：{report.generated_at:%Y-%m-%d %H:%M}"])
        self._merged(notes, "notes", LINE_H * _lines(notes, GRID * COLUMN_WIDTH / 0.9) + 4)
        if report.empty:
            self._merged(f"{report.month_text}无数据：这个月没有登记任何记录。", "note", 18)
        self._height(8)

    def section(self, section: Section) -> None:
        columns = section.columns
        starts = _starts(columns)
        head_h = max(_text_lines(_head_text(c), c.span * COLUMN_WIDTH) for c in columns)
        head_h = LINE_H * head_h + 5
        note_h = LINE_H * _lines(section.note, GRID * COLUMN_WIDTH / 0.9) + 4 if section.note else 0
        row_heights = [self._row_height(columns, row) for row in section.rows]
        chart = section.chart if section.chart and _has_values(section) else None
        chart_h = CHART_ROWS * ROW_H if chart else 0.0
        # a table without rows says so in one row
        whole = SECTION_H + note_h + head_h + (sum(row_heights) or ROW_H) + chart_h + 8
        start = SECTION_H + note_h + head_h + (sum(row_heights[:3]) or ROW_H)
        if not self._fits(whole if whole <= PAGE_HEIGHT else start):
            self._new_page()

        self._merged(section.title, "section", SECTION_H)
        if section.note:
            self._merged(section.note, "note", note_h)
        header_row = self.row
        for column, first in zip(columns, starts, strict=True):
            self._cell(first, column.span, _head_text(column), "head")
        self._height(head_h)
        if not section.rows:
            self._merged(section.empty_text, "empty", ROW_H)
        data_row = self.row
        for n, (row, height) in enumerate(zip(section.rows, row_heights, strict=True)):
            if not self._fits(height):  # a long list goes on over the page
                self._new_page()
            total = n >= len(section.rows) - section.totals
            for column, first, value in zip(columns, starts, row, strict=True):
                if isinstance(value, str):
                    value = _list_lines(value, column.span * COLUMN_WIDTH)
                self._cell(first, column.span, value, _style(column, value, total))
            self._height(height)
        if chart is not None:
            if not self._fits(chart_h):
                self._new_page()
            top = self.row
            for _ in range(CHART_ROWS):
                self._height(ROW_H)
            count = len(section.chart_rows)
            self.ws.add_chart(
                _chart(self.ws, chart, starts, header_row, data_row, data_row + count - 1),
                _anchor(top, self.row),
            )
        self._height(8)

    def _cell(self, first: int, span: int, value: Any, style: str) -> None:
        ws, name = self.ws, self.styles[style]
        for col in range(first + 1, first + span):
            ws.cell(row=self.row, column=col).style = name  # the merged range's borders
        safe_cell(ws, self.row, first, NONE if value is None else value, name)
        if span > 1:
            ws.merge_cells(
                start_row=self.row, start_column=first, end_row=self.row,
                end_column=first + span - 1,
            )  # fmt: skip

    def _row_height(self, columns: Sequence[TableColumn], row: Sequence[Any]) -> float:
        lines = max(
            _text_lines(_list_lines(v, c.span * COLUMN_WIDTH), c.span * COLUMN_WIDTH)
            if isinstance(v, str)
            else 1
            for c, v in zip(columns, row, strict=True)
        )
        # Excel's tallest row is 409 pt: a place with a hundred repeats is cut there
        return ROW_H if lines == 1 else min(LINE_H * lines + 4, MAX_ROW_H)


def _text_lines(text: str, width_units: float) -> int:
    return sum(_lines(part, width_units) for part in text.split("\n"))


def _head_text(column: TableColumn) -> str:
    """A header too wide for its cell breaks before its bracket: "变化\n（百分点）" rather
    than a lone "）" on the last line."""
    title = column.title
    if text_width(title) > column.span * COLUMN_WIDTH - 1.5 and "（" in title[1:]:
        return title.replace("（", "\n（", 1)
    return title


def _list_lines(text: str, width_units: float) -> str:
    """A list joined with "、" (serials) too long for its cell, broken into lines between
    its items: Excel and LibreOffice would break inside "PG-20261012-014" at the hyphen."""
    if "、" not in text or text_width(text) <= width_units - 1.5:
        return text
    lines: list[str] = []
    for item in text.split("、"):
        if lines and text_width(f"{lines[-1]}、{item}") <= width_units - 2.5:
            lines[-1] = f"{lines[-1]}、{item}"
        else:
            lines.append(item)
    return "、\n".join(lines)


def _starts(columns: Sequence[TableColumn]) -> list[int]:
    """The sheet column (1-based) each table column starts at."""
    out, col = [], 1
    for c in columns:
        out.append(col)
        col += c.span
    return out


def _style(column: TableColumn, value: Any, total: bool) -> str:
    if column.kind == "text" or value is None:
        if total:
            return "text_total"
        return "text_left" if column.span >= 3 else "text"
    return f"{column.kind}_total" if total else column.kind


def _has_values(section: Section) -> bool:
    assert section.chart is not None
    return any(
        isinstance(row[i], int | float) and row[i] for row in section.chart_rows
        for i in section.chart.series
    )  # fmt: skip


def _chart(
    ws: Any, spec: Chart, starts: list[int], header_row: int, first_row: int, last_row: int
) -> Any:
    """A native chart of the table's cells: categories in its first column, one series per
    column of ``spec.series`` (the header cell names the series)."""
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.series import DataPoint
    from openpyxl.chart.shapes import GraphicalProperties

    categories = Reference(ws, min_col=starts[0], min_row=first_row, max_row=last_row)
    chart: Any
    if spec.kind == "pie":
        chart = PieChart()
        col = starts[spec.series[0]]
        chart.add_data(
            Reference(ws, min_col=col, min_row=header_row, max_row=last_row),
            titles_from_data=True,
        )
        chart.set_categories(categories)
        series = chart.series[0]
        for i, colour in enumerate(PIE_COLOURS[: last_row - first_row + 1]):
            point = DataPoint(idx=i)
            point.graphicalProperties = GraphicalProperties(solidFill=colour)
            series.dPt.append(point)
        series.dLbls = DataLabelList()
        series.dLbls.showPercent = True
        series.dLbls.showVal = False
        series.dLbls.showCatName = False
        series.dLbls.showSerName = False
        series.dLbls.showLeaderLines = True
        chart.legend.position = "r"
    else:
        chart = BarChart()
        chart.type = "col"
        for n, index in enumerate(spec.series):
            col = starts[index]
            chart.add_data(
                Reference(ws, min_col=col, min_row=header_row, max_row=last_row),
                titles_from_data=True,
            )
            chart.series[n].graphicalProperties = GraphicalProperties(
                solidFill=SERIES_COLOURS[n % len(SERIES_COLOURS)]
            )
        chart.set_categories(categories)
        if spec.kind == "stacked":
            chart.grouping = "stacked"
            chart.overlap = 100
        chart.gapWidth = 60
        chart.y_axis.scaling.min = 0
        if spec.percent:
            chart.y_axis.scaling.max = 1
            chart.y_axis.majorUnit = 0.2
            chart.y_axis.number_format = "0%"
        else:
            chart.y_axis.number_format = "0"
        # openpyxl ≥ 3.1 leaves the axes' delete flag unset, and Excel then hides them
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        # small axis labels: the 24 hours fit on one line each
        chart.x_axis.txPr = _text_properties(8)
        chart.y_axis.txPr = _text_properties(8)
        chart.legend.position = "b"
    chart.title = _title(spec.title)
    return chart


def _anchor(top: int, bottom: int) -> Any:
    """From column A of row ``top`` to the right edge of the grid at row ``bottom``
    (1-based, not included): the chart is as wide as the tables in any program, whatever
    width it gives a column."""
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor

    return TwoCellAnchor(
        _from=AnchorMarker(col=0, row=top - 1, colOff=40000, rowOff=20000),
        to=AnchorMarker(col=GRID, row=bottom - 1, colOff=-40000, rowOff=-20000),
    )


def _text_properties(size: float, bold: bool = False) -> Any:
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    props = CharacterProperties(sz=round(size * 100), b=bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _title(text: str) -> Any:
    """A chart title at 11 pt (Excel's default, 14 pt, dwarfs the tables)."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import (
        CharacterProperties,
        Paragraph,
        ParagraphProperties,
        RegularTextRun,
    )

    props = CharacterProperties(sz=1100, b=True)
    paragraph = Paragraph(
        pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)]
    )
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)
