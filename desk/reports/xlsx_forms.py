"""The paper forms as ``.xlsx``: the same blocks as the PDF (``form_layout``), on a sheet.

Print-ready: A4 (the register landscape), scaled to the page width, the title rows (and
the register's column headers) repeated on every printed page, borders, a merged title,
"第 X 页 / 共 Y 页" in the footer (each form numbers its own pages: ``_number_pages``), the
QR code of the serial beside the title.

Typed: times are real Excel dates, amounts and counts real numbers. Text from a record
never becomes a formula (``xlsx_common.safe_cell``). Excel does not grow wrapped rows
when it opens a file, so row heights are estimated here; a long text is spread over as
many rows as it needs (each row at most ``TEXT_ROW_LINES`` lines, so no row is taller
than a page), and joining those cells gives back the text exactly.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from desk.models.signature import Strokes
from desk.reports.form_data import Form, FormHead, LoanRegister, Signature
from desk.reports.form_layout import (
    DATETIME,
    GRID,
    ROW_H,
    Block,
    Checks,
    FormColumn,
    Row,
    Section,
    Table,
    TextBox,
    blocks_for,
    show,
)
from desk.reports.qr import qr_png
from desk.reports.signature_image import signature_png
from desk.reports.xlsx_common import (
    FONT,
    add_styles,
    named_style,
    print_setup,
    safe_cell,
    save,
    text_width,
)

# Each of form_layout's 12 grid units is two sheet columns, so a label can take three
# (as narrow as the PDF's) in a cell of any span.
COLS = 2 * GRID
COL_WIDTH = 4.0  # characters: 24 columns fill A4 portrait at ~90 %
LABEL_COLS = 3
LINE_PT = 13.5  # one line of 10 pt text
MAX_ROW_PT = 409.0  # Excel refuses taller rows
TEXT_ROW_LINES = 24  # lines of a long text per sheet row (~330 pt, less than a page)
REGISTER_WIDTH = 0.25  # characters per point of a register column's weight (or fit) at 8 pt
REGISTER_BLANK_ROWS = 15  # rows to write in by hand, at least, on the printed register
HEAD_ROWS = 3  # office, title, info line
SHEET_FOOTER = "第 &P 页"  # a form's pages in a workbook of several (_number_pages)
QR_PX = 70

_EXCEL_TIME = {"%H:%M": "hh:mm", "%m-%d %H:%M": "mm-dd hh:mm", DATETIME: "yyyy-mm-dd hh:mm"}


def render_xlsx(form: Form, path: Path | str) -> Path:
    """Write any of the forms as a print-ready ``.xlsx``; returns the path written."""
    return render_xlsx_many([form], path)


def render_xlsx_many(forms: Sequence[Form], path: Path | str) -> Path:
    """Write forms into one ``.xlsx``, each on a sheet of its own (named by its title, or
    by its serial when several share a title); returns the path written."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    st = _styles(wb)
    names = _sheet_names(forms)
    for k, (form, name) in enumerate(zip(forms, names, strict=True)):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        _form_sheet(ws, form, st)
        _number_pages(ws, alone=len(forms) == 1)
    save(wb, path)
    return path


def _number_pages(ws: Any, alone: bool) -> None:
    """Each sheet numbers its own pages from 1: a workbook printed as a whole is otherwise
    numbered on across its sheets (第 4 页 on the second form). The total (&N) stays the
    whole print job's whatever a sheet's first number (LibreOffice, tested; Excel printing
    an entire workbook counts it so too), so a sheet among several forms prints 第 X 页
    without 共 Y 页 (its serial is beside it); a form on its own keeps print_setup's
    第 X 页 / 共 Y 页."""
    ws.page_setup.firstPageNumber = 1
    ws.page_setup.useFirstPageNumber = True
    if not alone:
        ws.oddFooter.center.text = SHEET_FOOTER


def _sheet_names(forms: Sequence[Form]) -> list[str]:
    """Sheet names Excel accepts (unique, at most 31 characters, none of []:*?/\\)."""
    titles = [f.head.title for f in forms]
    if len(set(titles)) < len(titles):
        titles = [f.head.serial or f.head.title for f in forms]
    names: list[str] = []
    for title in titles:
        name = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31].strip() or "表单"
        base, n = name, 2
        while name in names:
            suffix = f"（{n}）"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _form_sheet(ws: Any, form: Form, st: dict[str, str]) -> None:
    blocks = blocks_for(form)
    if isinstance(form, LoanRegister):
        table = blocks[0]
        assert isinstance(table, Table)
        widths = _register_widths(table)
        _set_widths(ws, widths)
        _head(ws, form.head, len(widths), st)
        end = _register_table(ws, HEAD_ROWS + 1, table, widths, st)
        ws.freeze_panes = f"A{HEAD_ROWS + 2}"
        print_setup(ws, landscape=True, title_rows=f"1:{HEAD_ROWS + 1}")
    else:
        _set_widths(ws, [COL_WIDTH] * COLS)
        _head(ws, form.head, COLS, st)
        end = _grid_blocks(ws, HEAD_ROWS + 1, blocks, st)
        print_setup(ws, landscape=False, title_rows=f"1:{HEAD_ROWS}")
    ws.oddFooter.left.text = f"{form.head.form_code} {form.head.serial}"
    ws.print_area = f"A1:{_letter(ws.max_column)}{end - 1}"


# --- styles and cells -----------------------------------------------------------------------


_FORMATS = {
    "text": None,
    "money": "0.00",
    "int": "0",
    "date": "yyyy-mm-dd",
    **{f"time:{fmt}": excel for fmt, excel in _EXCEL_TIME.items()},
}
_ALIGNS = ("left", "center", "right")


def _styles(wb: Any) -> dict[str, str]:
    """Named styles: the head's, and one per kind of value and alignment ("money/right")."""
    values = {
        f"{kind}/{align}": named_style(f"form_{i}_{align}", align=align, number_format=fmt)
        for i, (kind, fmt) in enumerate(_FORMATS.items())
        for align in _ALIGNS
    }
    return add_styles(
        wb,
        {
            "office": named_style("form_office", size=12, border=False),
            "title": named_style("form_title", size=18, bold=True, border=False),
            "info": named_style("form_info", size=9.5, border=False, align="left"),
            "section": named_style("form_section", bold=True, fill="D0D0D0", align="left"),
            "label": named_style("form_label", fill="EDEDED"),
            "long": named_style("form_long", align="left", valign="top"),
            **values,
        },
    )


def _put(
    ws: Any, row: int, col: int, value: Any, align: str, st: dict, time_format: str = DATETIME
) -> Any:
    """A typed value in the style its type needs: real dates and numbers, safe text."""
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, Checks):
        value = value.text()
    elif isinstance(value, str):
        value = _one_newline(value) or None  # an empty box, not an empty string
    if isinstance(value, datetime):
        kind = f"time:{time_format}"
    elif isinstance(value, date):
        kind = "date"
    elif isinstance(value, Decimal):
        kind = "money"
    elif isinstance(value, int):
        kind = "int"
    else:
        kind = "text"
    return safe_cell(ws, row, col, value, st[f"{kind}/{align}"])


def _one_newline(text: str) -> str:
    """Line breaks as \\n: a file keeps no \\r (XML reads it back as \\n anyway)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _merge(ws: Any, row: int, col: int, last_col: int, last_row: int | None = None) -> None:
    """Merge the range whose top left cell is written; every cell takes its style.

    That is what Excel itself saves for a merged bordered range, and the borders show
    all round. ``ws.merge_cells`` would instead add border pieces to the edge cells one
    by one, which costs ~5 ms a range — most of the time a form took.
    """
    from openpyxl.worksheet.merge import MergedCellRange

    last_row = last_row or row
    if last_col == col and last_row == row:
        return
    style = ws.cell(row, col).style
    for r in range(row, last_row + 1):
        for c in range(col, last_col + 1):
            if (r, c) != (row, col):
                ws.cell(r, c).style = style
    ws.merged_cells.add(MergedCellRange(ws, f"{_letter(col)}{row}:{_letter(last_col)}{last_row}"))


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _set_widths(ws: Any, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[_letter(i)].width = w


def _units(widths: Sequence[float]) -> float:
    """How many half-width characters (a Chinese one takes two) fit on a line of a cell
    over columns of these widths: a column of width w is 7w + 5 pixels, a 10 pt Chinese
    character 13.3 — counted as 14 to stay on the safe side of clipping."""
    return max((sum(w * 7 + 5 for w in widths) - 6) / 7, 1.0)


def _fit(least: float, lines: int) -> float:
    """A row's height for ``lines`` of text, at most Excel's limit (409 pt): longer text
    than that is whole in the cell but shows only in part (long texts are split over
    rows before they get there, see ``_split_text``)."""
    return min(MAX_ROW_PT, max(least, lines * LINE_PT + 5))


def _lines(value: Any, chars: float) -> int:
    """Lines a value takes in a wrapped cell ``chars`` half-width characters wide."""
    if value is None or isinstance(value, int | float | Decimal | date):
        return 1
    text = value.text() if isinstance(value, Checks) else str(value)
    return sum(max(1, math.ceil(text_width(p) / chars)) for p in text.split("\n"))


# --- the head: office, title, info line, QR code ----------------------------------------------


def _head(ws: Any, head: FormHead, columns: int, st: dict) -> None:
    from openpyxl.drawing.image import Image

    qr_cols = 3 if columns == COLS else 2  # at the right of the title rows
    title_cols = columns - qr_cols
    safe_cell(ws, 1, 1, head.office, st["office"])
    _merge(ws, 1, 1, title_cols)
    stamp = "作废" if head.void_reason else head.stamp
    title = head.title + (f"（{stamp}）" if stamp else "")
    safe_cell(ws, 2, 1, title, st["title"])
    _merge(ws, 2, 1, title_cols)
    info = [f"表单编号：{head.form_code}", f"单号：{head.serial}", head.subtitle,
            f"打印时间：{head.printed_at:%Y-%m-%d %H:%M}"]  # fmt: skip
    safe_cell(ws, 3, 1, "　　".join(i for i in info if i), st["info"])
    _merge(ws, 3, 1, columns)
    # a long office name (or the duty record's long names) wraps: its row grows with it
    ws.row_dimensions[1].height = _head_height(ws, head.office, title_cols, 12, 22)
    ws.row_dimensions[2].height = 34
    ws.row_dimensions[3].height = _head_height(ws, ws.cell(3, 1).value, columns, 9.5, 18)
    image = Image(io.BytesIO(qr_png(head.serial)))
    image.width = image.height = QR_PX
    ws.add_image(image, f"{_letter(columns - qr_cols + 1)}1")


def _head_height(ws: Any, text: str | None, columns: int, size: float, one_line: float) -> float:
    """Height of a head row whose ``text`` at ``size`` pt wraps in the first ``columns``
    columns merged (their widths are set): ``one_line``, and a line more for each line
    more."""
    widths = [ws.column_dimensions[_letter(c)].width for c in range(1, columns + 1)]
    lines = _lines(text, _units(widths) * 10 / size)  # _units counts 10 pt characters
    return min(MAX_ROW_PT, one_line + (lines - 1) * size * 1.35)


# --- forms on the 12-column grid ----------------------------------------------------------


def _grid_blocks(ws: Any, row: int, blocks: Sequence[Block], st: dict) -> int:
    """Write the blocks from ``row`` on; returns the first row after them."""
    for block in blocks:
        if isinstance(block, Section):
            safe_cell(ws, row, 1, block.title, st["section"])
            _merge(ws, row, 1, COLS)
            ws.row_dimensions[row].height = 18
            row += 1
        elif isinstance(block, Row):
            row = _grid_row(ws, row, block, st)
        elif isinstance(block, TextBox):
            row = _text_box(ws, row, block, st)
        else:
            row = _grid_table(ws, row, block, st)
    return row


def _grid_row(ws: Any, row: int, block: Row, st: dict) -> int:
    col, lines = 1, 1
    signed: list[tuple[int, int, Strokes]] = []
    for cell in block.cells:
        label_cols = LABEL_COLS if cell.label else 0
        if cell.label:
            safe_cell(ws, row, col, cell.label, st["label"])
            _merge(ws, row, col, col + label_cols - 1)
        first, last = col + label_cols, col + 2 * cell.span - 1
        value = cell.value
        if isinstance(value, Signature):  # a picture over the empty box
            signed.append((first, last, value.strokes))
            value = None
        _put(ws, row, first, value, cell.align, st)
        _merge(ws, row, first, last)
        lines = max(lines, _lines(value, _units([COL_WIDTH] * (last - first + 1))))
        col += 2 * cell.span
    ws.row_dimensions[row].height = _fit(block.height, lines)
    for first, last, strokes in signed:
        _signature(ws, row, first, last, strokes)
    return row + 1


SIGN_PAD_PX = 3  # between a signature's picture and its box's borders


def _signature(ws: Any, row: int, first: int, last: int, strokes: Strokes) -> None:
    """A screen signature's PNG in the box of columns ``first``..``last`` of ``row``: as
    high as the row less padding (narrower if the box is too narrow for it), centred."""
    from openpyxl.drawing.image import Image
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
    from openpyxl.drawing.xdr import XDRPositiveSize2D
    from openpyxl.utils.units import pixels_to_EMU

    image = Image(io.BytesIO(signature_png(strokes)))
    col_px = [_column_px(ws.column_dimensions[_letter(c)].width) for c in range(first, last + 1)]
    box_w, box_h = sum(col_px), ws.row_dimensions[row].height * 96 / 72
    scale = min((box_h - 2 * SIGN_PAD_PX) / image.height, (box_w - 2 * SIGN_PAD_PX) / image.width)
    w, h = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    image.width, image.height = w, h
    # the anchor's offset stays within its column: the column it falls in, and the rest
    off_x, col = (box_w - w) / 2, first
    for px in col_px[:-1]:
        if off_x < px:
            break
        off_x, col = off_x - px, col + 1
    start = AnchorMarker(
        col=col - 1,
        colOff=pixels_to_EMU(round(off_x)),
        row=row - 1,
        rowOff=pixels_to_EMU(round((box_h - h) / 2)),
    )
    size = XDRPositiveSize2D(pixels_to_EMU(w), pixels_to_EMU(h))
    ws.add_image(image, OneCellAnchor(_from=start, ext=size))


def _column_px(width: float) -> int:
    """A column of ``width`` characters in pixels, as Excel draws it."""
    return round(width * 7 + 5)


def _text_box(ws: Any, row: int, box: TextBox, st: dict) -> int:
    chars = _units([COL_WIDTH] * (COLS - LABEL_COLS))
    text = _one_newline(box.text)
    pieces = _split_text(text, chars) if text.strip() else [""] * box.blank_lines
    first = row
    for piece in pieces:
        lines = _lines(piece, chars) if piece else 0
        style = st["long" if lines > 1 else "text/left"]  # many lines read from the top
        safe_cell(ws, row, LABEL_COLS + 1, piece or None, style)
        _merge(ws, row, LABEL_COLS + 1, COLS)
        ws.row_dimensions[row].height = _fit(ROW_H, lines)
        row += 1
    safe_cell(ws, first, 1, box.label, st["label"])
    _merge(ws, first, 1, LABEL_COLS, row - 1)
    return row


def _split_text(text: str, chars: float) -> list[str]:
    """``text`` in pieces of at most TEXT_ROW_LINES wrapped lines; joined, they are the
    text again (a cut falls after a line break where the piece has one)."""
    pieces: list[str] = []
    start, lines, width, last_break = 0, 1, 0, -1
    for i, ch in enumerate(text):
        lines, width = _step(ch, lines, width, chars)
        if ch == "\n":
            last_break = i
        if lines > TEXT_ROW_LINES:
            cut = last_break + 1 if last_break >= start else i
            pieces.append(text[start:cut])
            start, lines, width = cut, 1, 0
            for rest in text[start : i + 1]:
                lines, width = _step(rest, lines, width, chars)
    pieces.append(text[start:])
    return [p for p in pieces if p]


def _step(ch: str, lines: int, width: int, chars: float) -> tuple[int, int]:
    """(lines, width of the last line) after one more character of a wrapped text."""
    if ch == "\n":
        return lines + 1, 0
    w = text_width(ch)
    if width + w > chars:
        return lines + 1, w
    return lines, width + w


def _spans(columns: Sequence[FormColumn], total: int = COLS) -> list[int]:
    """Sheet columns per table column, in proportion to the weights (at least one each)."""
    weight = sum(c.weight for c in columns)
    exact = [c.weight * total / weight for c in columns]
    spans = [max(1, math.floor(e)) for e in exact]
    by_remainder = sorted(range(len(columns)), key=lambda k: exact[k] - spans[k], reverse=True)
    for k in by_remainder[: total - sum(spans)]:
        spans[k] += 1
    return spans


def _grid_table(ws: Any, row: int, table: Table, st: dict) -> int:
    spans = _spans(table.columns)
    rows: list[Sequence[Any]] = list(table.rows)
    rows += [[None] * len(table.columns)] * max(0, table.min_rows - len(rows))
    col = 1
    for column, span in zip(table.columns, spans, strict=True):
        safe_cell(ws, row, col, column.title, st["label"])
        _merge(ws, row, col, col + span - 1)
        col += span
    ws.row_dimensions[row].height = ROW_H
    row += 1
    for k, values in enumerate(rows):
        col, lines = 1, 1
        for column, span, value in zip(table.columns, spans, values, strict=True):
            cell = _put(ws, row, col, value, column.align, st, column.time_format)
            if k in table.marked:
                cell.font = _bold()
            _merge(ws, row, col, col + span - 1)
            lines = max(lines, _lines(value, _units([COL_WIDTH] * span)))
            col += span
        ws.row_dimensions[row].height = _fit(table.row_height, lines)
        row += 1
    return row


def _bold() -> Any:
    """The cells' font in bold, for the rows a table marks (overdue items)."""
    from openpyxl.styles import Font

    return Font(name=FONT, size=10, bold=True)


# --- the register: one sheet column per table column ---------------------------------------


def _register_widths(table: Table) -> list[float]:
    """Sheet column widths (characters): a ``fit`` column as wide as its widest value (a
    date Excel cannot fit shows as ###) and its title on two lines, the others by weight."""
    widths = []
    for k, c in enumerate(table.columns):
        if not c.fit:
            widths.append(c.weight * REGISTER_WIDTH)
            continue
        texts = [show(r[k], c.time_format) for r in table.rows if r[k] is not None]
        need = max((text_width(line) for t in texts for line in t.split("\n")), default=0)
        title = text_width(c.title)
        need = max(need, title if title <= 4 else math.ceil(title / 2) + 2)  # （元） whole
        widths.append(min(need, c.fit * REGISTER_WIDTH) + 2.0)
    return widths


def _register_table(ws: Any, row: int, table: Table, widths: Sequence[float], st: dict) -> int:
    """The register's rows: overdue ones bold, voided ones struck through (not the mark that
    says so); a long text whole in its cell, its row as tall as ``max_lines`` lines."""
    titles = 1
    for col, column in enumerate(table.columns, start=1):
        safe_cell(ws, row, col, column.title, st["label"])
        titles = max(titles, _lines(column.title, _units([widths[col - 1]])))
    ws.row_dimensions[row].height = _fit(ROW_H + 4, titles)
    row += 1
    blank = max(3, REGISTER_BLANK_ROWS - len(table.rows))
    most = table.max_lines or TEXT_ROW_LINES
    for k, values in enumerate([*table.rows, *[[None] * len(table.columns)] * blank]):
        bold, struck = k in table.marked, k in table.struck
        lines = 1
        for col, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            cell = _put(ws, row, col, value, column.align, st, column.time_format)
            if bold or (struck and column.strike):
                cell.font = _register_font(bold, struck and column.strike)
            lines = max(lines, _lines(value, _units([widths[col - 1]])))
        ws.row_dimensions[row].height = _fit(table.row_height, min(lines, most))
        row += 1
    return row


def _register_font(bold: bool, strike: bool) -> Any:
    from openpyxl.styles import Font

    return Font(name=FONT, size=10, bold=bold, strike=strike)
