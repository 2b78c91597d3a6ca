"""月度服务统计 as a PDF the supervisor can file: A4 portrait, the office and the title on
every page, "第 X 页 / 共 Y 页" below, the sections as tables with their charts.

Laid out in two passes as the paper forms are (``pdf_layout``): every block becomes drawing
operations on pages, then each page is drawn with its header and footer, the page count
now known. A section starts a new page rather than leave its title or its chart apart from
its table; a long table goes on over the next page with its title (续) and column headers
repeated. Charts are plain drawn bars and a pie — the labels go through the same embedded
fonts, with the per-character fallback, as the tables.

Text is drawn in the forms' embedded TrueType fonts (``pdf_fonts``): the PDF opens and
prints the same on a PC without any Chinese font. Importing this module imports reportlab
(through ``pdf_fonts``, ~115 ms): import it inside the job that writes, as
``statistics_export.export_pdf`` does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desk.reports import pdf_fonts
from desk.reports.pdf_layout import (
    HEADER_H,
    PAD,
    PORTRAIT,
    Layout,
    PageFrame,
    draw_op,
    draw_text,
    wrap,
)
from desk.reports.statistics_report import (
    NONE,
    PIE_COLOURS,
    SERIES_COLOURS,
    Chart,
    Section,
    StatisticsReport,
    TableColumn,
    show,
)

__all__ = ["write_statistics_pdf"]

SIZE = 9.0  # table text
LEADING = 12.6  # pdf_layout's leading at 9 pt: the lines text_lines draws
ROW_H = 16.0
HEAD_MIN_SIZE = 7.5
NOTE_SIZE = 8.5
NOTE_LEADING = 12.0
SECTION_H = 18.0
SECTION_GAP = 12.0
CHART_H = 160.0
CHART_GAP = 6.0
BORDER = 0.6
FILL_HEAD = 0.92
FILL_SECTION = 0.82
FILL_TOTAL = 0.96

Op = tuple[Any, ...]


def write_statistics_pdf(report: StatisticsReport, path: Path | str) -> Path:
    """Write ``report`` to ``path`` and return the path."""
    from reportlab.pdfgen.canvas import Canvas

    frame = PORTRAIT
    pages = lay_out(report, frame)
    path = Path(path)
    c = Canvas(
        str(path),
        pagesize=(frame.width, frame.height),
        initialFontName=pdf_fonts.main_font(),
        initialFontSize=SIZE,
    )
    c.setTitle(report.title)
    c.setAuthor(report.office)
    c.setSubject(report.month_text)
    c.setCreator("desk")
    for number, ops in enumerate(pages, start=1):
        _header(c, frame, report)
        _draw(c, ops)
        _footer(c, frame, report, number, len(pages))
        c.showPage()
    c.save()
    return path


# --- layout -------------------------------------------------------------------------------


def lay_out(report: StatisticsReport, frame: PageFrame = PORTRAIT) -> list[list[Op]]:
    """The report's pages as lists of drawing operations."""
    lay = Layout(frame)
    for note in report.notes[1:]:  # the first (the period) is in every page's header
        _note(lay, note)
    if report.empty:
        _note(lay, f"{report.month_text}无数据：这个月没有登记任何记录。", size=10)
    lay.y -= 4
    for section in report.sections:
        _section(lay, section)
    return lay.pages


def _note(lay: Layout, text: str, size: float = NOTE_SIZE) -> None:
    f = lay.frame
    lines = wrap(text, f.body_width - 2 * PAD, size)
    lay.need(len(lines) * NOTE_LEADING)
    for line in lines:
        lay.text(f.left + PAD, lay.y - NOTE_LEADING + 3, line, size)
        lay.y -= NOTE_LEADING


def _widths(lay: Layout, columns: Sequence[TableColumn]) -> list[float]:
    total = sum(c.share for c in columns)
    return [lay.frame.body_width * c.share / total for c in columns]


def _cells(
    columns: Sequence[TableColumn], widths: list[float], row: Sequence[Any]
) -> list[list[str]]:
    return [
        wrap(show(v, c.kind), w - 2 * PAD, SIZE)
        for v, c, w in zip(row, columns, widths, strict=True)
    ]


def _row_height(cells: list[list[str]]) -> float:
    lines = max((len(c) for c in cells), default=1)
    return ROW_H if lines <= 1 else lines * LEADING + 2 * PAD


def _header_label(title: str, width: float) -> tuple[list[str], float]:
    """A column header on one line, in smaller type if it must be (down to 7.5 pt); else on
    two lines, broken before its bracket ("变化" / "（百分点）"), or wrapped at 8 pt."""
    inner = width - 2 * PAD
    natural = pdf_fonts.width(title, 1.0)
    if natural * SIZE <= inner:
        return [title], SIZE
    if natural * HEAD_MIN_SIZE <= inner:
        return [title], inner / natural
    if "（" in title[1:]:
        head, tail = title.split("（", 1)
        lines = [head, f"（{tail}"]
        size = min(SIZE, inner / max(pdf_fonts.width(line, 1.0) for line in lines))
        if size >= HEAD_MIN_SIZE:
            return lines, size
    return wrap(title, inner, 8.0), 8.0


def _header_height(columns: Sequence[TableColumn], widths: list[float]) -> float:
    most = max(len(_header_label(c.title, w)[0]) for c, w in zip(columns, widths, strict=True))
    return ROW_H + 4 if most == 1 else most * 11.0 + 2 * PAD


def _note_height(lay: Layout, section: Section) -> float:
    if not section.note:
        return 0.0
    return len(wrap(section.note, lay.frame.body_width - 2 * PAD, NOTE_SIZE)) * NOTE_LEADING + 2


def _section(lay: Layout, section: Section) -> None:
    columns = section.columns
    widths = _widths(lay, columns)
    rows = [_cells(columns, widths, row) for row in section.rows]
    heights = [_row_height(cells) for cells in rows]
    first = heights[0] if heights else ROW_H  # a table without rows says so in one row
    head_h = _header_height(columns, widths)
    chart = section.chart if section.chart is not None and _chart_has_values(section) else None
    top = SECTION_H + _note_height(lay, section) + head_h
    whole = top + (sum(heights) or ROW_H) + (CHART_GAP + CHART_H if chart else 0.0)
    page = lay.frame.body_top - lay.frame.body_bottom
    # the whole section on one page when it can be; else at least its first row
    lay.need(whole if whole <= page else top + min(first, page / 3))

    _title_bar(lay, section.title)
    if section.note:
        _note(lay, section.note)
        lay.y -= 2
    _table_header(lay, columns, widths, head_h)
    if not rows:
        _empty_row(lay, section.empty_text)

    def next_page() -> None:
        lay.new_page()
        _title_bar(lay, f"{section.title}（续）")
        _table_header(lay, columns, widths, head_h)

    first_total = len(rows) - section.totals
    for n, (cells, h) in enumerate(zip(rows, heights, strict=True)):
        total = n >= first_total
        while h > lay.room + 0.01:
            fit = int((lay.room - 2 * PAD) // LEADING)
            if h <= page / 4 or fit < 3:  # a short row moves to the next page whole
                next_page()
                continue
            # a tall row (a place with many repeats) fills the page and goes on over the
            # next: the long cell continues, the short ones are repeated beside it
            _table_row(lay, columns, widths, [c[:fit] for c in cells], lay.room, total=total)
            cells = [c[fit:] if len(c) > fit else list(c) for c in cells]
            cells[0] = [*cells[0][:-1], f"{cells[0][-1]}（续）"] if cells[0] else ["（续）"]
            h = _row_height(cells)
            next_page()
        _table_row(lay, columns, widths, cells, h, total=total)
    if chart is not None:
        lay.need(CHART_GAP + CHART_H)
        lay.y -= CHART_GAP
        _chart(lay, section, chart, CHART_H)
    lay.y -= SECTION_GAP


def _title_bar(lay: Layout, title: str) -> None:
    f = lay.frame
    lay.rect(f.left, lay.y - SECTION_H, f.body_width, SECTION_H, FILL_SECTION)
    lay.text_lines([title], (f.left, lay.y, f.body_width, SECTION_H), size=10.5, bold=True)
    lay.y -= SECTION_H


def _table_header(
    lay: Layout, columns: Sequence[TableColumn], widths: list[float], h: float
) -> None:
    x = lay.frame.left
    for col, w in zip(columns, widths, strict=True):
        lay.rect(x, lay.y - h, w, h, FILL_HEAD)
        lines, size = _header_label(col.title, w)
        lay.text_lines(lines, (x, lay.y, w, h), align="center", size=size, bold=True)
        x += w
    lay.y -= h


def _table_row(
    lay: Layout,
    columns: Sequence[TableColumn],
    widths: list[float],
    cells: list[list[str]],
    h: float,
    *,
    total: bool,
) -> None:
    x = lay.frame.left
    for col, w, lines in zip(columns, widths, cells, strict=True):
        lay.rect(x, lay.y - h, w, h, FILL_TOTAL if total else None)
        align = "left" if col.kind == "text" and col.span >= 3 else "center"
        lay.text_lines(lines, (x, lay.y, w, h), align=align, size=SIZE, bold=total)
        x += w
    lay.y -= h


def _empty_row(lay: Layout, text: str) -> None:
    f = lay.frame
    lay.rect(f.left, lay.y - ROW_H, f.body_width, ROW_H)
    lay.text_lines([text], (f.left, lay.y, f.body_width, ROW_H), size=SIZE)
    lay.y -= ROW_H


# --- charts -------------------------------------------------------------------------------


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _chart_has_values(section: Section) -> bool:
    assert section.chart is not None
    return any(_number(row[i]) for row in section.chart_rows for i in section.chart.series)


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _nice_step(top: float, ticks: int = 5) -> float:
    """A step of 1, 2 or 5 × 10ⁿ giving about ``ticks`` intervals up to ``top`` (≥ 1)."""
    raw = max(top / ticks, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _chart(lay: Layout, section: Section, chart: Chart, height: float) -> None:
    f = lay.frame
    x, bottom, w = f.left, lay.y - height, f.body_width
    lay.rect(x, bottom, w, height)
    title_y = lay.y - 14
    tw = pdf_fonts.width(chart.title, 9.5)
    lay.text(x + (w - tw) / 2, title_y, chart.title, 9.5, True)
    if chart.kind == "pie":
        _pie(lay, section, chart, (x, bottom, w, height - 20))
    else:
        _bars(lay, section, chart, (x, bottom, w, height - 20))
    lay.y = bottom


def _legend(lay: Layout, names: list[str], colours: list[str], x: float, y: float) -> None:
    """Coloured squares with the series' names, in a row from ``x`` at baseline ``y``."""
    for name, colour in zip(names, colours, strict=True):
        lay.ops.append(("fill", x, y - 1, 7, 7, _rgb(colour)))
        lay.text(x + 10, y, name, 8)
        x += 10 + pdf_fonts.width(name, 8) + 14


def _bars(
    lay: Layout, section: Section, chart: Chart, box: tuple[float, float, float, float]
) -> None:
    x0, bottom, w, h = box
    rows = section.chart_rows
    names = [section.columns[i].title for i in chart.series]
    colours = [SERIES_COLOURS[n % len(SERIES_COLOURS)] for n in range(len(names))]
    legend_w = sum(10 + pdf_fonts.width(n, 8) + 14 for n in names) - 14
    _legend(lay, names, colours, x0 + (w - legend_w) / 2, bottom + h - 8)

    stacked = chart.kind == "stacked"
    values = [[_number(row[i]) for i in chart.series] for row in rows]
    if chart.percent:
        top, step = 1.0, 0.2
    else:
        highest = max((sum(v) if stacked else max(v)) for v in values)
        step = _nice_step(highest)
        top = step * math.ceil(highest / step) if highest else step
        if top == highest:
            top += step  # room above the tallest bar for its label
    axis_w = 34.0
    px, py = x0 + axis_w + 8, bottom + 24  # the plot area's lower left corner
    pw, ph = w - axis_w - 24, h - 24 - 22
    # value axis: grid lines and labels
    ticks = round(top / step)
    for k in range(ticks + 1):
        value = k * step
        y = py + ph * value / top
        lay.ops.append(("hline", px, px + pw, y, 0.85 if k else 0.3))
        label = f"{round(value * 100)}%" if chart.percent else f"{value:g}"
        lay.text(px - 4 - pdf_fonts.width(label, 7), y - 2.5, label, 7)
    if chart.axis_title:
        lay.text(x0 + 4, py + ph + 8, chart.axis_title, 7)

    n = len(rows)
    group = pw / n
    label_size = _category_size([str(row[0]) for row in rows], group)
    value_labels = n <= 12
    for i, (row, vals) in enumerate(zip(rows, values, strict=True)):
        gx = px + group * i
        label = str(row[0])
        lw = pdf_fonts.width(label, label_size)
        lay.text(gx + (group - lw) / 2, py - 4 - label_size, label, label_size)
        if stacked:
            bw = group * 0.6
            bx, y = gx + (group - bw) / 2, py
            for v, colour in zip(vals, colours, strict=True):
                bh = ph * v / top
                if bh > 0:
                    lay.ops.append(("fill", bx, y, bw, bh, _rgb(colour)))
                y += bh
            total = sum(vals)
            if total and (value_labels or group >= 14):
                text = f"{total:g}"
                size = 7 if value_labels else 6
                lay.text(bx + (bw - pdf_fonts.width(text, size)) / 2, y + 2, text, size)
        else:
            bw = group * 0.7 / len(vals)
            bx = gx + group * 0.15
            for k, (v, colour) in enumerate(zip(vals, colours, strict=True)):
                raw = row[chart.series[k]]
                bh = ph * v / top
                if bh > 0:
                    lay.ops.append(("fill", bx, py, bw, bh, _rgb(colour)))
                if value_labels:
                    kind = section.columns[chart.series[k]].kind
                    text = show(raw, kind) if raw is not None else NONE
                    if chart.percent and raw is not None:
                        text = f"{raw * 100:.0f}%"
                    size = 7
                    tw = pdf_fonts.width(text, size)
                    lay.text(bx + (bw - tw) / 2, py + bh + 2, text, size)
                bx += bw


def _category_size(labels: list[str], group: float) -> float:
    """The largest size (8 down to 5.5 pt) at which every category label fits its group."""
    widest = max(pdf_fonts.width(label, 1.0) for label in labels)
    return max(5.5, min(8.0, (group - 2) / widest if widest else 8.0))


def _pie(
    lay: Layout, section: Section, chart: Chart, box: tuple[float, float, float, float]
) -> None:
    x0, bottom, w, h = box
    rows = section.chart_rows
    column = chart.series[0]
    values = [_number(row[column]) for row in rows]
    total = sum(values)
    r = min(h / 2 - 8, 62.0)
    cx, cy = x0 + w * 0.3, bottom + h / 2
    angle = 90.0  # from twelve o'clock, clockwise
    for v, colour in zip(values, PIE_COLOURS, strict=False):
        if v <= 0:
            continue
        extent = -360.0 * v / total
        lay.ops.append(("wedge", cx, cy, r, angle, extent, _rgb(colour)))
        angle += extent
    # the legend beside it says what each slice is: no labels crowd a thin slice
    lx, ly = x0 + w * 0.55, cy + 30
    for row, v, colour in zip(rows, values, PIE_COLOURS, strict=False):
        lay.ops.append(("fill", lx, ly - 1, 8, 8, _rgb(colour)))
        share = f"{v / total * 100:.1f}%" if total else NONE
        lay.text(lx + 12, ly, f"{row[0]}　{v:g} 次（{share}）", 9)
        ly -= 18


# --- drawing ------------------------------------------------------------------------------


def _draw(c: Any, ops: list[Op]) -> None:
    c.setLineWidth(BORDER)
    for op in ops:
        kind = op[0]
        if draw_op(c, op):  # text and boxes, as on the forms
            continue
        if kind == "fill":
            _, x, y, w, h, rgb = op
            c.setFillColorRGB(*rgb)
            c.rect(x, y, w, h, stroke=0, fill=1)
            c.setFillGray(0)
        elif kind == "hline":
            _, x1, x2, y, gray = op
            c.saveState()
            c.setStrokeGray(gray)
            c.setLineWidth(0.5)
            c.line(x1, y, x2, y)
            c.restoreState()
        elif kind == "wedge":
            _, cx, cy, r, start, extent, rgb = op
            c.saveState()
            c.setFillColorRGB(*rgb)
            c.setStrokeGray(1)
            c.setLineWidth(1)
            c.wedge(cx - r, cy - r, cx + r, cy + r, start, extent, stroke=1, fill=1)
            c.restoreState()
        else:
            raise ValueError(f"unknown drawing operation {kind!r}")


def _header(c: Any, frame: PageFrame, report: StatisticsReport) -> None:
    top, left, right = frame.top, frame.left, frame.right
    middle = (left + right) / 2
    draw_text(c, middle - pdf_fonts.width(report.office, 12) / 2, top - 14, report.office, 12)
    size = 18.0
    draw_text(
        c, middle - pdf_fonts.width(report.title, size) / 2, top - 40, report.title, size, True
    )
    y = top - HEADER_H + 12
    period = report.notes[0] if report.notes else ""
    draw_text(c, left, y, period, 8.5)
    made = f"生成时间：{report.generated_at:%Y-%m-%d %H:%M}"
    draw_text(c, right - pdf_fonts.width(made, 8.5), y, made, 8.5)
    c.setLineWidth(1.2)
    c.line(left, top - HEADER_H + 4, right, top - HEADER_H + 4)
    c.setLineWidth(BORDER)


def _footer(c: Any, frame: PageFrame, report: StatisticsReport, number: int, total: int) -> None:
    y = frame.margin_bottom + 2
    page = f"第 {number} 页 / 共 {total} 页"
    draw_text(c, (frame.left + frame.right - pdf_fonts.width(page, 9)) / 2, y, page, 9)
    c.setFillGray(0.35)
    draw_text(c, frame.left, y, f"{report.office}　{report.title}", 8)
    c.setFillGray(0)
