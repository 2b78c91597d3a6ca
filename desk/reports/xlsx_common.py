"""What every ``.xlsx`` the program writes shares: formula-safe cells, named styles,
A4 print settings, and saving.

Formula-safe: text that begins with ``= + - @`` (or a tab/CR, which some programs strip)
is stored as a *string* cell with Excel's quote prefix, so a name typed as ``=1+1`` or a
note like ``-不要打电话`` opens as the same text in Excel and WPS and is never evaluated.

openpyxl is imported inside the functions: it costs ~115 ms, paid only when a file is
written.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# what XML 1.0 cannot hold: openpyxl refuses the C0 controls and writes U+FFFE/U+FFFF,
# which then no program can read back; pasted text may carry them invisibly (dropped)
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FONT = "宋体"  # what Chinese offices' Excel and WPS have; LibreOffice substitutes a CJK font
PAGE_FOOTER = "第 &P 页 / 共 &N 页"


def safe_cell(ws: Any, row: int, column: int, value: Any, style: str | None = None) -> Any:
    """Write ``value`` (with the named ``style``) so no text ever becomes a formula.

    Control characters XML cannot hold (pasted from elsewhere, they are invisible) are
    dropped: openpyxl would refuse the whole file for one of them.
    """
    cell = ws.cell(row=row, column=column)
    if style is not None:
        cell.style = style  # first: a named style resets the quote prefix below
    if isinstance(value, str) and ILLEGAL_XML.search(value):
        value = ILLEGAL_XML.sub("", value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = True  # Excel/WPS keep showing it as text, even after editing
    return cell


def named_style(
    name: str,
    *,
    size: float = 10,
    bold: bool = False,
    fill: str | None = None,
    border: bool = True,
    align: str | None = "center",
    valign: str = "center",
    wrap: bool = True,
    number_format: str | None = None,
) -> Any:
    """A NamedStyle: one assignment per cell (setting font, border … one by one costs ~4×)."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    style = NamedStyle(name, font=Font(name=FONT, size=size, bold=bold))
    if align is not None:  # None: Excel's default alignment
        style.alignment = Alignment(horizontal=align, vertical=valign, wrap_text=wrap)
    if fill:
        style.fill = PatternFill("solid", fgColor=fill)
    if border:
        thin = Side(style="thin", color="808080")
        style.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    if number_format:
        style.number_format = number_format
    return style


def add_styles(wb: Any, styles: dict[str, Any]) -> dict[str, str]:
    """Register ``styles`` with the workbook; returns key → style name for ``safe_cell``."""
    for style in styles.values():
        wb.add_named_style(style)
    return {key: style.name for key, style in styles.items()}


def print_setup(
    ws: Any,
    *,
    landscape: bool,
    title_rows: str | None = None,
    footer: str = PAGE_FOOTER,
    margins: tuple[float, float] = (0.4, 0.6),
) -> None:
    """A4, scaled to the page width, as many pages tall as needed, page numbers below;
    ``title_rows`` ("3:3") repeat at the top of every printed page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = margins[0]
    ws.page_margins.top = ws.page_margins.bottom = margins[1]
    # the header/footer sit this far from the paper's edge: at openpyxl's default (0.5")
    # a 0.6" margin leaves the footer 0.1", and LibreOffice cuts its text in half
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddFooter.center.text = footer


def text_width(text: str) -> int:
    """Width in Excel character units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def save(wb: Any, path: Path | str) -> None:
    wb.properties.creator = "desk"
    wb.properties.lastModifiedBy = "desk"
    wb.save(Path(path))
