"""A tab's (filtered) list as a print-ready ``.xlsx`` — plain columns and rows in.

Print-ready: a merged title row, a subtitle (the filter, when and by whom), the header row
with borders repeated on every printed page, A4 (landscape when the columns are wide),
scaled to the page width and as many pages tall as needed, "第 1 页 / 共 3 页" in the footer.

Typed: times are Excel dates with a ``yyyy-mm-dd hh:mm`` format, counts and amounts are
numbers. Text is always a text cell: one that begins with ``= + - @`` (or a tab/CR) keeps
Excel's quote prefix, so a name typed as ``=1+1`` is never evaluated, and ``#N/A`` stays
text rather than becoming an error value.

Fast: XlsxWriter's ``constant_memory`` mode streams the rows to a temporary file, one row
at a time, through its public ``write_*`` calls with one format object per column
(benchmarks/bench_export.py). It is imported inside ``write_list``: paid only on export.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

from desk.reports.xlsx_common import FORMULA_START, ILLEGAL_XML

__all__ = ["KINDS", "MAX_ROWS", "SheetColumn", "write_list"]

# What a column holds: the cell style and how its width is found.
#   text      short text (number, name, state): centred, one line
#   wide      long text (the record's content): left, wrapped, rows grow to fit
#   datetime  a datetime (or None)         date  a date (or None)
#   int       a whole number               number  a decimal amount, two places
KINDS = ("text", "wide", "datetime", "date", "int", "number")

HEADER_ROW = 3  # title, subtitle, header (1-based, as Excel numbers rows)
MAX_ROWS = 1_048_576 - HEADER_ROW  # an Excel sheet's rows
WIDTH_SAMPLE = 1000  # the columns are sized from the first rows (written before any row)
TEXT_MAX_WIDTH = 30.0
WIDE_MAX_WIDTH = 44.0  # 22 Chinese characters a line
LANDSCAPE_ABOVE = 100.0  # total width in characters that no longer fits A4 portrait
LINE_HEIGHT = 13.5  # points, one line of 10 pt text
MAX_CELL_CHARS = 32_767  # Excel refuses longer text
FOOTER_PART_CHARS = 80  # Excel takes at most 255 characters of footer, codes included
CHAR_PX = 7  # a width unit in pixels (Excel's default font); see _set_width

_FIXED_WIDTH = {"datetime": 17.0, "date": 11.5}
PAPER_A4 = 9
_NUMBER_FORMAT = {
    "datetime": "yyyy-mm-dd hh:mm",
    "date": "yyyy-mm-dd",
    "int": "0",
    "number": "0.00",
}
_GREY = "#808080"
_FONT = "宋体"


@dataclass(frozen=True)
class SheetColumn:
    title: str
    kind: str = "text"  # one of KINDS


def write_list(
    path: Path | str,
    *,
    title: str,
    subtitle: str,
    columns: Sequence[SheetColumn],
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

    path = Path(path)
    part = path.with_name(f".{path.stem}.{os.getpid()}.part.xlsx")
    try:
        # the part file first: a folder that refuses it fails before any work is done
        with open(part, "wb") as out:
            n = _write(out, title, subtitle, columns, widths, chain(sample, rows), footer)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return n


def _write(
    out: BinaryIO,
    title: str,
    subtitle: str,
    columns: Sequence[SheetColumn],
    widths: list[float],
    rows: Iterable[Sequence[Any]],
    footer: str,
) -> int:
    """The workbook, into ``out``; returns the number of rows."""
    from xlsxwriter import Workbook
    from xlsxwriter.exceptions import FileCreateError

    # the rows' temporary file goes to a folder of our own, removed whatever happens
    with tempfile.TemporaryDirectory(prefix="desk-list-", ignore_cleanup_errors=True) as tmp:
        wb = Workbook(
            out,
            {
                "constant_memory": True,  # rows go to a file as written: memory stays flat
                "strings_to_formulas": False,  # "=1+1" typed as a name is text
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "tmpdir": tmp,
            },
        )
        try:
            ws = wb.add_worksheet(_sheet_title(title))
            formats = _formats(wb)
            for col, width in enumerate(widths):
                _set_width(ws, col, width)
            _print_setup(ws, title, footer, landscape=sum(widths) > LANDSCAPE_ABOVE)
            n = _fill(ws, formats, columns, widths, title, subtitle, rows)
            ws.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + n, len(columns) - 1)
            wb.set_properties({"author": "desk"})  # also the "last modified by"
        except BaseException:
            # close (into the part file, removed by the caller) to let go of the rows'
            # temporary file now: an open file cannot be removed on Windows
            with suppress(Exception):
                wb.close()
            raise
        try:
            wb.close()
        except FileCreateError as exc:  # the disk refused the file (full, say)
            cause = exc.args[0] if exc.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise
    return n


def _fill(
    ws: Any,
    formats: dict[str, tuple[Any, Any]],
    columns: Sequence[SheetColumn],
    widths: list[float],
    title: str,
    subtitle: str,
    rows: Iterable[Sequence[Any]],
) -> int:
    """Title, subtitle, header and the rows; returns the number of rows."""
    last = len(columns) - 1
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last, *_text_and_format(title, formats["title"]))
    ws.set_row(1, 14 * _lines(subtitle, sum(widths), scale=0.9) + 4)
    ws.merge_range(1, 0, 1, last, *_text_and_format(subtitle, formats["sub"]))
    head = formats["head"]
    for col, column in enumerate(columns):
        ws.write_string(HEADER_ROW - 1, col, *_text_and_format(column.title, head))
    ws.freeze_panes(HEADER_ROW, 0)

    writers = [_cell_writer(ws, col, formats[c.kind]) for col, c in enumerate(columns)]
    wide = [(i, widths[i]) for i, c in enumerate(columns) if c.kind == "wide"]
    set_row = ws.set_row
    n = 0
    for n, values in enumerate(rows, start=1):
        if n > MAX_ROWS:
            raise ValueError(f"an Excel sheet holds at most {MAX_ROWS} rows")
        if len(values) != len(columns):
            _check_length(n, values, columns)
        row = HEADER_ROW - 1 + n  # 0-based
        if wide:
            lines = max(_lines(values[i], w) for i, w in wide)
            if lines > 1:  # Excel and LibreOffice keep a written row's height: size it here
                set_row(row, LINE_HEIGHT * lines + 2)
        for write, value in zip(writers, values, strict=True):
            write(row, value)
    return n


def _check_length(n: int, values: Sequence[Any], columns: Sequence[SheetColumn]) -> None:
    if len(values) != len(columns):
        raise ValueError(f"row {n} has {len(values)} values for {len(columns)} columns")


def _clean(text: str) -> str:
    """Text as a cell can hold it: without the characters XML cannot carry, at most
    Excel's length."""
    if text.__class__ is not str:
        text = str(text)  # a StrEnum member: its text
    if ILLEGAL_XML.search(text):
        text = ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def _text_and_format(text: str, pair: tuple[Any, Any]) -> tuple[str, Any]:
    """Cleaned text and the format to write it with: the quote-prefixed one when it
    begins like a formula, so Excel and WPS keep it as text even after editing."""
    text = _clean(text)
    return text, pair[1] if text.startswith(FORMULA_START) else pair[0]


def _cell_writer(ws: Any, col: int, pair: tuple[Any, Any]) -> Callable[[int, Any], None]:
    """A function writing one value of column ``col`` to a row, typed, in the column's
    format. Text is always written as a string (never a formula, a number or a link)."""
    plain, quoted = pair
    write_string, write_number = ws.write_string, ws.write_number
    write_datetime, write_blank = ws.write_datetime, ws.write_blank
    write_boolean = ws.write_boolean
    illegal = ILLEGAL_XML

    def write(row: int, value: Any) -> None:
        cls = value.__class__
        if cls is str or isinstance(value, str):
            if not value:
                write_blank(row, col, None, plain)
                return
            if cls is not str or len(value) > MAX_CELL_CHARS or illegal.search(value):
                value = _clean(value)
            write_string(row, col, value, quoted if value.startswith(FORMULA_START) else plain)
        elif value is None:
            write_blank(row, col, None, plain)  # an empty cell, still with its border
        elif cls is int or cls is float:
            write_number(row, col, value, plain)
        elif cls is Decimal:
            write_number(row, col, float(value), plain)
        elif cls is datetime or cls is date:
            write_datetime(row, col, value, plain)
        elif cls is bool:
            write_boolean(row, col, value, plain)
        else:
            raise TypeError(
                f"cannot write {value!r} to a list: str, datetime, date, int, float, "
                "Decimal, bool or None"
            )

    return write


def _set_width(ws: Any, col: int, width: float) -> None:
    """A column ``width`` characters wide as the file stores it (7 px a character, Excel's
    padding included), as the list has always been sized. XlsxWriter's ``set_column``
    would add the padding on top: every column 5 px wider."""
    ws.set_column_pixels(col, col, round(width * CHAR_PX))


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


def _widths(columns: Sequence[SheetColumn], sample: list[Sequence[Any]]) -> list[float]:
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
    # sheet names: at most 31 characters, none of []:*?/\, no quote at either end
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31].strip("'") or "列表"


def _formats(wb: Any) -> dict[str, tuple[Any, Any]]:
    """Per key, a (plain, quote-prefixed) pair of formats, made once: every cell of a
    column shares them."""
    border = {"border": 1, "border_color": _GREY}
    center = {"align": "center", "valign": "vcenter"}
    # 宋体 as Chinese Excel itself writes it: family 3, charset 134 (GB2312). XlsxWriter's
    # default family 2 ("swiss") makes LibreOffice pick a wider stand-in, and text wraps
    # where the row heights estimated here do not expect it
    font = {"font_name": _FONT, "font_family": 3, "font_charset": 134}
    body_font = {**font, "font_size": 10}

    def body(**extra: Any) -> dict[str, Any]:
        return {**body_font, **border, **center, **extra}

    specs: dict[str, dict[str, Any]] = {
        "title": {**font, "font_size": 16, "bold": True, **center},
        "sub": {**font, "font_size": 9, "align": "left", "valign": "vcenter",
                "text_wrap": True},
        "head": {**body_font, "bold": True, "pattern": 1, "bg_color": "#E8E8E8", **border,
                 **center, "text_wrap": True},
        "text": body(),
        # general alignment (left for text): LibreOffice wraps an explicitly left-aligned
        # cell a character earlier than the row heights here expect
        "wide": {**body_font, **border, "valign": "vcenter", "text_wrap": True},
        "datetime": body(num_format=_NUMBER_FORMAT["datetime"]),
        "date": body(num_format=_NUMBER_FORMAT["date"]),
        "int": body(num_format=_NUMBER_FORMAT["int"]),
        "number": body(num_format=_NUMBER_FORMAT["number"], align="right"),
    }  # fmt: skip
    return {
        key: (wb.add_format(spec), wb.add_format({**spec, "quote_prefix": True}))
        for key, spec in specs.items()
    }


def _footer_text(text: str) -> str:
    """Text for a footer part: "&" starts a header/footer code, and Excel takes at most
    255 characters for the whole footer."""
    if len(text) > FOOTER_PART_CHARS:
        text = text[: FOOTER_PART_CHARS - 1] + "…"
    text = text.replace("&", "&&")
    return f" {text}" if text[:1].isdigit() else text  # "&8" + "2026…" reads as a size


def _print_setup(ws: Any, title: str, footer: str, *, landscape: bool) -> None:
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)  # the page width, as many pages tall as needed
    ws.repeat_rows(HEADER_ROW - 1)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.7)
    parts = f"&L&8{_footer_text(title)}&C&9第 &P 页 / 共 &N 页"  # &8, &9: font sizes
    if footer:
        parts += f"&R&8{_footer_text(footer)}"
    ws.set_footer(parts, {"margin": 0.3})
