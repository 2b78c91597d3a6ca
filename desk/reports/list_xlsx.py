"""A tab's (filtered) list as a print-ready ``.xlsx`` — plain columns and rows in.

Print-ready: a merged title row, a subtitle (the filter, when and by whom), the header row
with borders repeated on every printed page, A4 (landscape when the columns are wide),
scaled to the page width and as many pages tall as needed, "第 1 页 / 共 3 页" in the footer.

Typed: times are Excel dates with a ``yyyy-mm-dd hh:mm`` format, counts and amounts are
numbers. Text is always a text cell: one that begins with ``= + - @`` (or a tab/CR) keeps
Excel's quote prefix, so a name typed as ``=1+1`` is never evaluated, and ``#N/A`` stays
text rather than becoming an error value.

Fast: openpyxl's write-only sheet streams the rows; see ``_Cells`` for the one hook used
to write styled cells at the cost of plain values (benchmarks/bench_export.py).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import Any

from desk.reports.xlsx_common import FORMULA_START

__all__ = ["KINDS", "MAX_ROWS", "Column", "write_list"]

# What a column holds: the cell style and how its width is found.
#   text      short text (number, name, state): centred, one line
#   wide      long text (the record's content): left, wrapped, rows grow to fit
#   datetime  a datetime (or None)         date  a date (or None)
#   int       a whole number               number  a decimal amount, two places
KINDS = ("text", "wide", "datetime", "date", "int", "number")

HEADER_ROW = 3  # title, subtitle, header
MAX_ROWS = 1_048_576 - HEADER_ROW  # an Excel sheet's rows
WIDTH_SAMPLE = 1000  # the columns are sized from the first rows (written before any row)
TEXT_MAX_WIDTH = 30.0
WIDE_MAX_WIDTH = 44.0  # 22 Chinese characters a line
LANDSCAPE_ABOVE = 100.0  # total width in characters that no longer fits A4 portrait
LINE_HEIGHT = 13.5  # points, one line of 10 pt text
MAX_CELL_CHARS = 32_767  # Excel refuses longer text

# Characters XML 1.0 cannot hold: control characters (openpyxl refuses them) and U+FFFE/
# U+FFFF (openpyxl writes them, and Excel then calls the file damaged). Pasted text may
# carry them invisibly; they are dropped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FIXED_WIDTH = {"datetime": 17.0, "date": 11.5}
PAPER_A4 = 9  # paperSize code: Worksheet.PAPERSIZE_A4, which the write-only sheet lacks
_NUMBER_FORMAT = {
    "datetime": "yyyy-mm-dd hh:mm",
    "date": "yyyy-mm-dd",
    "int": "0",
    "number": "0.00",
}


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # one of KINDS


def write_list(
    path: Path | str,
    *,
    title: str,
    subtitle: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    footer: str = "",
) -> int:
    """Write the list; returns the number of rows written.

    ``rows`` are sequences of values in the order of ``columns`` — str, datetime, date,
    int, float, Decimal or None — and are read once, as they come (a generator that pages
    through the database keeps memory flat). ``footer`` goes to the left of the page
    number (the export time, say). The file is written beside ``path`` and moved into
    place at the end: a failed export leaves an existing file as it was.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    for column in columns:
        if column.kind not in KINDS:
            raise ValueError(f"unknown column kind {column.kind!r}; kinds: {', '.join(KINDS)}")
    if not columns:
        raise ValueError("a list needs at least one column")
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    for n, values in enumerate(sample, start=1):
        _check_length(n, values, columns)
    widths = _widths(columns, sample)
    last = get_column_letter(len(columns))

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title))
    styles = _styles(wb)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    _print_setup(ws, title, footer, landscape=sum(widths) > LANDSCAPE_ABOVE)

    try:
        n = _fill(ws, styles, columns, widths, title, subtitle, chain(sample, rows))
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + n}"
        _save(wb, Path(path))
    except BaseException:
        _discard(ws)
        raise
    return n


def _fill(
    ws: Any,
    styles: dict[str, str],
    columns: Sequence[Column],
    widths: list[float],
    title: str,
    subtitle: str,
    rows: Iterable[Sequence[Any]],
) -> int:
    """Title, subtitle, header and the rows; returns the number of rows."""
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(columns))
    cells = _Cells(ws)
    ws.row_dimensions[1].height = 30
    cells.append(cells.styled([styles["title"]]), [title])
    ws.merged_cells.add(f"A1:{last}1")
    ws.row_dimensions[2].height = 14 * _lines(subtitle, sum(widths), scale=0.9) + 4
    cells.append(cells.styled([styles["sub"]]), [subtitle])
    ws.merged_cells.add(f"A2:{last}2")
    cells.append(cells.styled([styles["head"]] * len(columns)), [c.title for c in columns])

    body = cells.styled([styles[c.kind] for c in columns])
    wide = [(i, widths[i]) for i, c in enumerate(columns) if c.kind == "wide"]
    row_dimensions = ws.row_dimensions
    n = 0
    for n, values in enumerate(rows, start=1):
        if n > MAX_ROWS:
            raise ValueError(f"an Excel sheet holds at most {MAX_ROWS} rows")
        if len(values) != len(columns):
            _check_length(n, values, columns)
        lines = max((_lines(values[i], w) for i, w in wide), default=1)
        if lines > 1:  # Excel and LibreOffice keep a written row's height: size it here
            row_dimensions[HEADER_ROW + n].height = LINE_HEIGHT * lines + 2
        cells.append(body, values)
    return n


def _discard(ws: Any) -> None:
    """After a failure: end the sheet's row stream and remove its temporary file now.
    Left to the garbage collector, the stream would write to its closed file."""
    with suppress(Exception):
        if ws._rows is not None:
            ws._rows.close()
    writer = ws._writer
    if writer is not None:
        with suppress(Exception):
            writer.close()
        with suppress(Exception):
            writer.cleanup()


def _check_length(n: int, values: Sequence[Any], columns: Sequence[Column]) -> None:
    if len(values) != len(columns):
        raise ValueError(f"row {n} has {len(values)} values for {len(columns)} columns")


class _Cells:
    """Feeds rows to the write-only sheet as pre-styled cells, one reused per column.

    ``ws.append`` writes a styled value only as a new cell per value, which it first
    tries to convert as a value (an exception per cell), then hashes the cell's style
    to find its number: 50 % slower than plain values. The sheet turns each appended
    row into cells with its ``_values_to_row(values, row_index)`` and writes each cell
    before asking for the next, so a row can reuse one cell per column whose style
    number is found once (``_StyledCell``): the same XML openpyxl writes, at the cost of
    plain values. ``append`` checks that openpyxl still calls the hook.
    """

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.current: list[tuple[Any, Any]] = []
        self.hooked = False
        ws._values_to_row = self._values_to_row

    def styled(self, styles: Sequence[str]) -> list[tuple[Any, Any]]:
        """A (plain, quote-prefixed) pair of cells per column, styled once."""
        from openpyxl.utils import get_column_letter

        cell_class = _styled_cell_class()
        out = []
        for col, style in enumerate(styles, start=1):
            pair = []
            for quoted in (False, True):
                cell = cell_class(self.ws, row=1, column=col)
                cell.style = style
                if quoted:
                    cell.quotePrefix = True  # Excel/WPS keep showing it as text when edited
                cell.freeze(get_column_letter(col))
                pair.append(cell)
            out.append((pair[0], pair[1]))
        return out

    def append(self, cells: list[tuple[Any, Any]], values: Sequence[Any]) -> None:
        self.current = cells
        self.ws.append(values)
        if not self.hooked:
            raise RuntimeError("openpyxl no longer converts rows through _values_to_row")

    def _values_to_row(self, values: Sequence[Any], row: int) -> Iterator[Any]:
        self.hooked = True
        illegal = _ILLEGAL
        for (plain, quoted), value in zip(self.current, values, strict=True):
            cell = plain
            if isinstance(value, str):
                if not value:
                    value = None
                    cell.data_type = "n"
                else:
                    if value.__class__ is not str:
                        value = str(value)  # a StrEnum member: its text
                    if illegal.search(value):
                        value = illegal.sub("", value)
                    if len(value) > MAX_CELL_CHARS:
                        value = value[: MAX_CELL_CHARS - 1] + "…"
                    if value.startswith(FORMULA_START):
                        cell = quoted
                    # text, never a formula ("=…") nor an error value ("#N/A")
                    cell.data_type = "s"
            else:
                try:
                    cell.data_type = _DATA_TYPES[value.__class__]
                except KeyError:
                    raise TypeError(
                        f"cannot write {value!r} to a list: str, datetime, date, int, float, "
                        "Decimal, bool or None"
                    ) from None
            cell._value = value
            cell.row = row
            yield cell


_DATA_TYPES = {
    type(None): "n",
    int: "n",
    float: "n",
    Decimal: "n",
    bool: "b",
    datetime: "d",
    date: "d",
}


@cache
def _styled_cell_class() -> type:
    """openpyxl's Cell with a fixed style: its number and column letter are found once."""
    from openpyxl.cell.cell import Cell

    class _StyledCell(Cell):
        __slots__ = ("_letter", "_style_id")

        def freeze(self, letter: str) -> None:
            """No more style changes: remember the style's number and the column letter."""
            self._style_id = self.parent.parent._cell_styles.add(self._style)
            self._letter = letter

        @property
        def style_id(self) -> int:
            return self._style_id

        @property
        def has_style(self) -> bool:
            return True

        @property
        def coordinate(self) -> str:
            return f"{self._letter}{self.row}"

    return _StyledCell


def _text_width(text: str) -> int:
    """Width in Excel character units, quickly: UTF-8 takes 1 byte for ASCII (1 unit) and 3
    for a Chinese character (2 units)."""
    return (len(text.encode("utf-8", "replace")) + len(text)) // 2


def _lines(value: Any, width: float, scale: float = 0.95) -> int:
    """Lines ``value`` wraps to in a column ``width`` wide. ``scale``: 10 pt 宋体 is a little
    narrower than the 11 pt font Excel measures widths in; erring high, a row has room
    to spare rather than a last line cut off."""
    if not isinstance(value, str) or not value:
        return 1
    return max(1, math.ceil(_text_width(value) * scale / max(1.0, width - 1)))


def _widths(columns: Sequence[Column], sample: list[Sequence[Any]]) -> list[float]:
    widths = []
    for i, column in enumerate(columns):
        header = _text_width(column.title) + 3  # bold, plus the filter button
        fixed = _FIXED_WIDTH.get(column.kind)
        if fixed is not None:
            widths.append(max(fixed, header))
            continue
        longest = max((_width_of(row[i]) for row in sample if row[i] is not None), default=0)
        cap = WIDE_MAX_WIDTH if column.kind == "wide" else TEXT_MAX_WIDTH
        widths.append(float(min(cap, max(header, longest + 2, 6))))
    return widths


def _width_of(value: Any) -> int:
    if isinstance(value, str):
        return _text_width(value)
    if isinstance(value, Decimal | float):
        return len(f"{value:.2f}")
    return len(str(value))


def _sheet_title(title: str) -> str:
    # sheet names: at most 31 characters, none of []:*?/\
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "列表"


def _styles(wb: Any) -> dict[str, str]:
    """Named styles, made once: every cell of a column shares its style."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center")
    body_font = Font(name="宋体", size=10)

    def body(name: str, **extra: Any) -> NamedStyle:
        extra.setdefault("alignment", center)
        return NamedStyle(f"desk_list_{name}", font=body_font, border=border, **extra)

    styles = {
        "title": NamedStyle(
            "desk_list_title", font=Font(name="宋体", size=16, bold=True), alignment=center
        ),
        "sub": NamedStyle(
            "desk_list_sub",
            font=Font(name="宋体", size=9),
            alignment=Alignment(horizontal="left", vertical="center", wrap_text=True),
        ),
        "head": NamedStyle(
            "desk_list_head",
            font=Font(name="宋体", size=10, bold=True),
            fill=PatternFill("solid", fgColor="E8E8E8"),
            border=border,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        "text": body("text"),
        "wide": body("wide", alignment=Alignment(vertical="center", wrap_text=True)),
        "datetime": body("datetime", number_format=_NUMBER_FORMAT["datetime"]),
        "date": body("date", number_format=_NUMBER_FORMAT["date"]),
        "int": body("int", number_format=_NUMBER_FORMAT["int"]),
        "number": body(
            "number",
            number_format=_NUMBER_FORMAT["number"],
            alignment=Alignment(horizontal="right", vertical="center"),
        ),
    }
    for style in styles.values():
        wb.add_named_style(style)
    return {key: style.name for key, style in styles.items()}


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a header/footer code


def _print_setup(ws: Any, title: str, footer: str, *, landscape: bool) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.7
    ws.page_margins.footer = 0.3
    ws.oddFooter.left.text = _footer_text(title)
    ws.oddFooter.left.size = 8
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    ws.oddFooter.center.size = 9
    if footer:
        ws.oddFooter.right.text = _footer_text(footer)
        ws.oddFooter.right.size = 8
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _save(wb: Any, path: Path) -> None:
    """Save beside ``path``, then move it in: an existing file is kept if anything fails
    (the disk is full, or the old file is open in Excel and cannot be replaced)."""
    wb.properties.creator = "desk"
    wb.properties.lastModifiedBy = "desk"
    part = path.with_name(f".{path.stem}.{os.getpid()}.part.xlsx")
    try:
        wb.save(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
