"""The forms' blocks (``form_layout``) laid out on A4 pages and drawn with reportlab.

Two passes: every block is laid out into pages of simple drawing operations; then each
page is drawn with its header (office, title, form code, serial, QR code, print time)
and footer ("第 X 页 / 共 Y 页"), the page count now known. A frame with ``copies`` (a
loan slip on half an A4 sheet) draws each page once per copy on one sheet, one under the
other, each named in its footer, a dashed line to cut between. Platypus could do the
same with more machinery; a form is a stack of bordered rows, and drawing them directly
keeps a one-page work order close to a bare canvas (benchmarks/bench_forms.py).

Nothing is clipped or drawn over something else. A ``Row`` that does not fit moves to
the next page whole — unless a very long text makes it tall, then its cells are laid
out one under the other as full-width boxes; a ``TextBox`` continues on the next page
(its label marked 续); a ``Table`` repeats its column headers on every page, and a row
taller than a page goes on over the next. Text wraps between CJK characters, keeps
Latin words and numbers whole where it can, and never starts a line with closing
punctuation nor ends one with opening punctuation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desk.models.signature import Strokes
from desk.reports import line_breaking, pdf_fonts, signature_image
from desk.reports.form_data import FormHead, Signature
from desk.reports.form_layout import (
    GRID,
    ROW_H,
    Block,
    Checks,
    FormColumn,
    Row,
    Section,
    Table,
    TextBox,
    show,
)
from desk.reports.qr import QUIET, dark_runs, qr_matrix

MM = 72 / 25.4
A4_PORTRAIT = (210 * MM, 297 * MM)
A4_LANDSCAPE = (297 * MM, 210 * MM)
HALF_A4 = (210 * MM, 297 * MM / 2)  # a slip: the top or bottom half of a portrait A4 sheet

SIZE = 10.0  # body text
LEADING = 14.0
PAD = 4.0
WRITE_GAP = 20.0  # spacing of the ruled lines to write on
SECTION_H = 16.0
LABEL_W = 70.0
LABEL_MIN_SIZE = 8.5

HEADER_H = 72.0  # office, title, info line, rule
FOOTER_H = 16.0
QR_SIDE = 50.0  # the modules alone (17.6 mm; 0.8 mm a module for a serial)
# the QR code stands this far above the body's top, in the margin, so that its quiet zone
# (QUIET modules of white on every side) ends above the info line's print time
QR_RAISE = 8.0
# the header's parts, measured down from the frame's top (the info line: its baseline)
OFFICE_RAISE = 4.0  # the office name's box starts in the margin …
OFFICE_H = 28.0  # … and ends above the title's characters: two lines at 12 pt
OFFICE_SIZE = 12.0
OFFICE_LINE_MIN = 9.0  # a longer name shrinks on one line down to this, then wraps …
OFFICE_MIN = 7.0  # … in lines as large as the box allows, down to this
TITLE_SIZE = 19.0
TITLE_BASE = 41.0
STAMP_W = 64.0  # the red 作废/草稿 stamp at the left of the title
INFO_SIZE = 9.5
INFO_MIN = 7.5
INFO_BASE = 63.0
INFO_GAP = 24.0  # between the info line's items; down to INFO_GAP_MIN before it shrinks
INFO_GAP_MIN = 12.0
HEADER_GAP = 6.0  # the least white between two parts of the header
ASCENT, DESCENT = 0.77, 0.24  # of the main font's characters, in ems (baseline to top/bottom)
LINE_SPACING = 1.15  # the header's lines: leading in ems

BORDER = 0.7
FILL_LABEL = 0.93
FILL_SECTION = 0.82
RED = (0.8, 0.1, 0.1)

NO_START = line_breaking.NO_START  # not at the start of a line
NO_END = line_breaking.NO_END  # not at the end of a line

Op = tuple[Any, ...]


@dataclass(frozen=True)
class PageFrame:
    width: float
    height: float
    margin_x: float = 14 * MM
    margin_top: float = 11 * MM
    margin_bottom: float = 10 * MM
    # a half sheet's page is drawn once per copy, one under the other on the same paper, each
    # named in its footer (e.g. 第一联 存根); empty: one page on one sheet
    copies: tuple[str, ...] = ()

    @property
    def sheet(self) -> tuple[float, float]:
        """The paper's size: the page's, or its copies' one above the other."""
        return self.width, self.height * max(1, len(self.copies))

    @property
    def left(self) -> float:
        return self.margin_x

    @property
    def right(self) -> float:
        return self.width - self.margin_x

    @property
    def body_width(self) -> float:
        return self.right - self.left

    @property
    def top(self) -> float:
        return self.height - self.margin_top

    @property
    def body_top(self) -> float:
        return self.top - HEADER_H

    @property
    def body_bottom(self) -> float:
        return self.margin_bottom + FOOTER_H


PORTRAIT = PageFrame(*A4_PORTRAIT)
LANDSCAPE = PageFrame(*A4_LANDSCAPE)
HALF = PageFrame(*HALF_A4)


def qr_box(frame: PageFrame) -> tuple[float, float, float]:
    """(x, y of the lower left corner, side) of the QR code's modules, flush with the
    body's right edge and QR_RAISE above its top; the white quiet zone around them lies in
    the margins and, below and to the left, clear of the header's text (``quiet_box``)."""
    return frame.right - QR_SIDE, frame.top + QR_RAISE - QR_SIDE, QR_SIDE


def quiet_box(frame: PageFrame, serial: str) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of ``serial``'s QR code with its quiet zone: nothing else is
    drawn in it."""
    x, y, side = qr_box(frame)
    quiet = QUIET * side / len(qr_matrix(serial))
    return x - quiet, y - quiet, x + side + quiet, y + side + quiet


# --- text -------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Line breaks (also Unicode's line and paragraph separators) as \\n, tabs as spaces,
    other control characters (C0, DEL, C1) and lone surrogates dropped: they have no
    glyph, and would print as boxes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _UNPRINTABLE.sub("", text.replace("\u2028", "\n").replace("\u2029", "\n"))


_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _advance(ch: str) -> float:
    return pdf_fonts.glyph(ch)[1]


def wrap(text: str, width: float, size: float = SIZE) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points at ``size``, by the rules
    of Chinese line breaking (``line_breaking``)."""
    limit = width / size
    lines: list[str] = []
    for para in clean(text).split("\n"):
        lines.extend(line_breaking.fill(para, limit, _advance))
    return lines


def fit_label(text: str, width: float) -> tuple[list[str], float]:
    """A label on one line, in smaller type if it must be (down to 8.5 pt), else wrapped."""
    inner = width - 2 * PAD
    natural = pdf_fonts.width(text, 1.0)
    if natural * SIZE <= inner:
        return [text], SIZE
    if natural * LABEL_MIN_SIZE <= inner:
        return [text], inner / natural
    return wrap(text, inner, LABEL_MIN_SIZE), LABEL_MIN_SIZE


# --- layout -------------------------------------------------------------------------------


class Layout:
    """Pages of drawing operations; blocks are placed at ``y`` and move it down."""

    def __init__(self, frame: PageFrame) -> None:
        self.frame = frame
        self.pages: list[list[Op]] = []
        self.new_page()

    def new_page(self) -> None:
        self.ops: list[Op] = []
        self.pages.append(self.ops)
        self.y = self.frame.body_top

    @property
    def room(self) -> float:
        return self.y - self.frame.body_bottom

    @property
    def at_top(self) -> bool:
        return self.y >= self.frame.body_top

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` fits below ``y``."""
        if height > self.room + 0.01 and not self.at_top:
            self.new_page()

    def text(self, x: float, y: float, s: str, size: float = SIZE, bold: bool = False) -> None:
        if s:
            self.ops.append(("t", x, y, s, size, bold))

    def rect(self, x: float, y: float, w: float, h: float, fill: float | None = None) -> None:
        self.ops.append(("r", x, y, w, h, fill))

    def line(self, x1: float, y: float, x2: float) -> None:
        self.ops.append(("l", x1, y, x2))

    def check(self, x: float, y: float, ticked: bool) -> None:
        self.ops.append(("c", x, y, ticked))

    def signature(self, x: float, y: float, w: float, h: float, strokes: Strokes) -> None:
        """Strokes drawn inside the box (x, y of its lower left corner, w, h)."""
        self.ops.append(("s", x, y, w, h, strokes))

    def text_lines(
        self,
        lines: Sequence[str],
        box: tuple[float, float, float, float],
        align: str = "left",
        size: float = SIZE,
        bold: bool = False,
        valign: str = "middle",
    ) -> None:
        """``lines`` inside ``box`` (x, top, width, height), centred vertically or from
        the top."""
        x, top, w, h = box
        leading = LEADING if size >= SIZE else LEADING * size / SIZE
        first = top - (PAD if valign == "top" else (h - len(lines) * leading) / 2)
        for k, s in enumerate(lines):
            baseline = first - leading * k - leading / 2 - 0.36 * size
            if align == "left":
                tx = x + PAD
            else:
                sw = pdf_fonts.width(s, size)
                tx = x + (w - sw) / 2 if align == "center" else x + w - PAD - sw
            self.text(tx, baseline, s, size, bold)

    def label(self, text: str, x: float, top: float, w: float, h: float) -> None:
        self.rect(x, top - h, w, h, FILL_LABEL)
        lines, size = fit_label(text, w)
        self.text_lines(lines, (x, top, w, h), align="center", size=size)


def lay_out(frame: PageFrame, blocks: Sequence[Block]) -> list[list[Op]]:
    """``blocks`` on as many pages as they need, what belongs together kept together: a
    form that fits one page with fewer blank lines to write on gets fewer; a section with a
    signature row moves to the next page whole rather than break (unless it is longer
    than a page, then the signature takes the end of the block before it along); a title
    never ends a page."""
    lay = Layout(frame)
    _place_all(lay, _fit_one_page(frame, blocks))
    return lay.pages


def _place_all(lay: Layout, blocks: Sequence[Block], keep_sections: bool = True) -> None:
    page = lay.frame.body_top - lay.frame.body_bottom
    for i, block in enumerate(blocks):
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(block, Section):
            signed = _signed_section(blocks, i) if keep_sections and not lay.at_top else []
            if signed and (height := _height(lay.frame, signed)) <= page:
                lay.need(height)
            if after is not None:
                lay.need(SECTION_H + _first_height(lay, after))  # a title never ends a page
        keep = _row_cells(lay, after)[0] if isinstance(after, Row) and after.signature else 0.0
        _PLACE[type(block)](lay, block, keep)


def _signed_section(blocks: Sequence[Block], start: int) -> list[Block]:
    """The section whose title is ``blocks[start]``, up to the next title, if one of its
    rows is signed; else []."""
    end = start + 1
    while end < len(blocks) and not isinstance(blocks[end], Section):
        end += 1
    section = list(blocks[start:end])
    return section if any(isinstance(b, Row) and b.signature for b in section) else []


def _height(frame: PageFrame, blocks: Sequence[Block]) -> float:
    """Height of ``blocks`` laid out on one endless page (without the blank rows a
    register rules to the end of its last page)."""
    tall = replace(frame, height=frame.height + 100_000)
    lay = Layout(tall)
    unfilled = [replace(b, fill_page=False) if isinstance(b, Table) else b for b in blocks]
    _place_all(lay, unfilled, keep_sections=False)
    return tall.body_top - lay.y


def _fit_one_page(frame: PageFrame, blocks: Sequence[Block]) -> Sequence[Block]:
    """``blocks`` with fewer blank lines to write on when that makes them fit one page
    (taken one by one from the box with the most to spare, the later first); else as
    they are: on two pages anyway, every box keeps its room."""
    boxes = {
        i: b
        for i, b in enumerate(blocks)
        if isinstance(b, TextBox) and not b.text.strip() and b.blank_lines > b.min_lines
    }
    if not boxes:  # nothing can give way (a register): no need to measure
        return blocks
    over = _height(frame, blocks) - (frame.body_top - frame.body_bottom)
    cut = int((over - 0.01) // WRITE_GAP) + 1  # lines of WRITE_GAP to take away
    if over <= 0.01 or cut > sum(b.blank_lines - b.min_lines for b in boxes.values()):
        return blocks
    for _ in range(cut):
        i = max(boxes, key=lambda k: (boxes[k].blank_lines - boxes[k].min_lines, k))
        boxes[i] = replace(boxes[i], blank_lines=boxes[i].blank_lines - 1)
    return [boxes.get(i, b) for i, b in enumerate(blocks)]


def _first_height(lay: Layout, block: Block) -> float:
    """Height of the smallest piece of ``block`` that may start a page."""
    if isinstance(block, Section):
        return SECTION_H
    if isinstance(block, Row):
        return _row_cells(lay, block)[0]
    if isinstance(block, TextBox):
        lines = _box_lines(lay, block)
        if not lines:
            return block.blank_lines * WRITE_GAP
        return _text_h(min(len(lines), 2))
    widths = _widths(lay, block.columns)
    return _table_header_height(block.columns, widths) + block.row_height


def _place_section(lay: Layout, block: Section, keep: float = 0.0) -> None:
    f = lay.frame
    lay.rect(f.left, lay.y - SECTION_H, f.body_width, SECTION_H, FILL_SECTION)
    lay.text_lines([block.title], (f.left, lay.y, f.body_width, SECTION_H), bold=True)
    lay.y -= SECTION_H


# rows

CELL_PAD = 3.0  # above and below a row's text: a row of one line is ROW_H (7 mm) tall


def _text_h(lines: int, leading: float = LEADING, least: float = ROW_H) -> float:
    """Height of a row or box holding ``lines`` lines of text."""
    return max(least, lines * leading + 2 * CELL_PAD)


def _row_cells(lay: Layout, row: Row) -> tuple[float, list[tuple[Any, float, float, float, Any]]]:
    """The row's height and, per cell: (cell, x, width, label width, wrapped lines or Checks)."""
    unit = lay.frame.body_width / GRID
    x, height = lay.frame.left, row.height
    laid = []
    for cell in row.cells:
        w = cell.span * unit
        label_w = min(LABEL_W, w * 0.5) if cell.label else 0.0
        content: Any
        if isinstance(cell.value, Checks):
            content = _check_lines(cell.value, w - label_w)
        else:
            content = wrap(show(cell.value), w - label_w - 2 * PAD)
        height = max(height, _text_h(len(content)))
        if cell.label:
            height = max(height, _text_h(len(fit_label(cell.label, label_w)[0])))
        laid.append((cell, x, w, label_w, content))
        x += w
    return height, laid


def _place_row(lay: Layout, row: Row, keep: float = 0.0) -> None:
    """``keep``: the height of what must follow on the same page (a signature row)."""
    h, laid = _row_cells(lay, row)
    if h > lay.room and h > (lay.frame.body_top - lay.frame.body_bottom) / 3:
        # a tall row (a very long text in a cell) that does not fit here: rather than leave
        # a hole or run off the page, the cells go one under the other, full width, each
        # long text in a box that continues on the next page
        for k, cell in enumerate(row.cells):
            tail = keep if k == len(row.cells) - 1 else 0.0
            if isinstance(cell.value, Checks | Signature):
                _place_row(lay, Row([replace(cell, span=GRID)], row.height), tail)
            else:
                _place_text_box(lay, TextBox(cell.label, show(cell.value), blank_lines=1), tail)
        return
    lay.need(h + keep)
    top = lay.y
    for cell, x, w, label_w, content in laid:
        if cell.label:
            lay.label(cell.label, x, top, label_w, h)
        vx, vw = x + label_w, w - label_w
        lay.rect(vx, top - h, vw, h)
        if isinstance(cell.value, Checks):
            _draw_checks(lay, cell.value.selected, content, vx, top, h)
        elif isinstance(cell.value, Signature):
            lay.signature(vx, top - h, vw, h, cell.value.strokes)
        else:
            lay.text_lines(content, (vx, top, vw, h), align=cell.align)
    lay.y = top - h


# text boxes


def _box_lines(lay: Layout, box: TextBox) -> list[str]:
    if not box.text.strip():
        return []
    return wrap(box.text, lay.frame.body_width - LABEL_W - 2 * PAD)


def _place_text_box(lay: Layout, box: TextBox, keep: float = 0.0) -> None:
    """``keep``: the height of what must follow on the same page (a signature row)."""
    f = lay.frame
    lines = _box_lines(lay, box)
    if not lines:
        h = box.blank_lines * WRITE_GAP
        lay.need(h + keep)
        _box_frame(lay, box.label, h)
        for k in range(1, box.blank_lines):
            lay.line(f.left + LABEL_W + PAD, lay.y - k * WRITE_GAP, f.right - PAD)
        lay.y -= h
        return
    label = box.label
    while lines:
        fit = int((lay.room - 2 * CELL_PAD) // LEADING)
        if len(lines) <= fit and _text_h(len(lines)) + keep > lay.room + 0.01:
            fit = len(lines) - 2  # the rest fits, not what follows: two lines go along with it
        if fit < min(len(lines), 2) and not lay.at_top:
            lay.new_page()
            continue
        fit = max(fit, 1)
        chunk, lines = lines[:fit], lines[fit:]
        h = _text_h(len(chunk))
        _box_frame(lay, label, h)
        lay.text_lines(chunk, (f.left + LABEL_W, lay.y, f.body_width - LABEL_W, h))
        lay.y -= h
        if lines:
            lay.new_page()
            label = f"{box.label}（续）"


def _box_frame(lay: Layout, label: str, h: float) -> None:
    f = lay.frame
    lay.label(label, f.left, lay.y, LABEL_W, h)
    lay.rect(f.left + LABEL_W, lay.y - h, f.body_width - LABEL_W, h)


# tables


@dataclass(frozen=True)
class CellStyle:
    """A table's type size, line spacing and padding (left and right of the text)."""

    size: float = SIZE
    leading: float = LEADING
    pad: float = PAD
    dense: bool = False  # column titles in ``size`` (else as labels: 10 pt down to 8.5)


DENSE_PAD = 2.5
FIT_SLACK = 1.0  # a ``fit`` column's text is never flush with its borders
DENSE_LEADING = 1.25  # ems


def table_style(table: Table) -> CellStyle:
    size = table.text_size
    if table.dense:
        return CellStyle(size, DENSE_LEADING * size, DENSE_PAD, dense=True)
    return CellStyle(size, LEADING * size / SIZE)


def _widths(
    lay: Layout,
    columns: Sequence[FormColumn],
    rows: Sequence[Sequence[Any]] = (),
    style: CellStyle | None = None,
) -> list[float]:
    """The columns' widths across the body: a ``fit`` column as wide as its widest value
    in ``rows`` (and its title on two lines), up to its ``fit`` points; the others share
    what is left by weight. Beside ``fit`` columns a weight is also the least width in
    points: the fit columns leave that much, narrower (and wrapping) if they must."""
    style = style or CellStyle()
    body = lay.frame.body_width
    fixed: dict[int, float] = {}
    for k, c in enumerate(columns):
        if c.fit:
            texts = [show(r[k], c.time_format) for r in rows if r[k] is not None]
            need = max((_text_w(t, style.size) for t in texts), default=0.0)
            need = max(need, _title_w(c.title, style.size)) + 2 * style.pad + FIT_SLACK
            fixed[k] = min(c.fit, need)
    total = sum(c.weight for k, c in enumerate(columns) if k not in fixed)
    if not fixed or total <= 0:  # by weight alone, or all fit: widened to fill the body
        parts = [fixed.get(k, c.weight) for k, c in enumerate(columns)]
        return [body * p / sum(parts) for p in parts]
    room = body - min(total, body / 2)  # what the fit columns may take together
    if sum(fixed.values()) > room:
        fixed = {k: w * room / sum(fixed.values()) for k, w in fixed.items()}
    rest = body - sum(fixed.values())
    return [fixed[k] if k in fixed else rest * c.weight / total for k, c in enumerate(columns)]


def _text_w(text: str, size: float) -> float:
    """Width of the widest line of ``text``."""
    return max(pdf_fonts.width(line, size) for line in clean(text).split("\n"))


def _title_w(title: str, size: float) -> float:
    """The least width that holds ``title`` on at most two lines, and one of up to three
    characters (序号, 收回人) on one."""
    w = min(pdf_fonts.width(title, size), max(pdf_fonts.width(title, size) / 2, 3 * size))
    while len(wrap(title, w, size)) > 2:
        w += size / 2
    return w


def _title_lines(title: str, w: float, style: CellStyle) -> list[str]:
    return wrap(title, w - 2 * style.pad, style.size)


def _table_header_height(
    columns: Sequence[FormColumn], widths: list[float], style: CellStyle | None = None
) -> float:
    if style is None or not style.dense:
        most = max(len(fit_label(c.title, w)[0]) for c, w in zip(columns, widths, strict=True))
        return _text_h(most)
    most = max(len(_title_lines(c.title, w, style)) for c, w in zip(columns, widths, strict=True))
    return _text_h(most, style.leading)


def _place_table(lay: Layout, table: Table, keep: float = 0.0) -> None:
    """``keep``: the height of what must follow the last row on its page (a signature)."""
    columns = table.columns
    style = table_style(table)
    widths = _widths(lay, columns, table.rows, style)
    header_h = _table_header_height(columns, widths, style)
    rows: list[Sequence[Any]] = list(table.rows)
    rows += [[None] * len(columns)] * max(0, table.min_rows - len(rows))
    lay.need(header_h + table.row_height + (keep if len(rows) == 1 else 0.0))
    _table_header(lay, columns, widths, header_h, style)
    here = 0  # rows on this page, under its header
    leading = style.leading
    full = lay.frame.body_top - lay.frame.body_bottom - header_h
    for k, row in enumerate(rows):
        bold, struck = k in table.marked, k in table.struck
        cells = [
            _cell_lines(show(v, c.time_format), w, style, table.max_lines) if v is not None else []
            for v, c, w in zip(row, columns, widths, strict=True)
        ]
        tail = keep if k == len(rows) - 1 else 0.0
        while True:
            h = max(_text_h(len(c), leading, table.row_height) for c in cells)
            fits = h <= lay.room + 0.01
            if fits and (here == 0 or h + tail <= lay.room + 0.01):
                _table_row(lay, columns, widths, cells, h, style, bold, struck)
                here += 1
                break
            fit = int((lay.room - 2 * CELL_PAD) // leading)
            if fits or h <= full or fit < 2:  # the row fits a page of its own: it starts one
                lay.new_page()
                _table_header(lay, columns, widths, header_h, style)
                here = 0
                continue
            # a row taller than a page: its lines go on over the next page(s)
            part = [c[:fit] for c in cells]
            _table_row(lay, columns, widths, part, lay.room, style, bold, struck)
            cells = [c[fit:] for c in cells]
            lay.new_page()
            _table_header(lay, columns, widths, header_h, style)
            here = 0
    if table.fill_page:
        while lay.room >= table.row_height:
            _table_row(lay, columns, widths, [[] for _ in widths], table.row_height, style)


def _cell_lines(text: str, w: float, style: CellStyle, most: int = 0) -> list[str]:
    """``text`` wrapped in a cell ``w`` wide; at most ``most`` lines (0: all), the last of
    them then ending in …"""
    inner = w - 2 * style.pad
    lines = wrap(text, inner, style.size)
    if not most or len(lines) <= most:
        return lines
    last = lines[most - 1]
    while last and pdf_fonts.width(last + "…", style.size) > inner:
        last = last[:-1]
    return [*lines[: most - 1], last + "…"]


def _table_header(
    lay: Layout,
    columns: Sequence[FormColumn],
    widths: list[float],
    h: float,
    style: CellStyle | None = None,
) -> None:
    x = lay.frame.left
    for col, w in zip(columns, widths, strict=True):
        if style is None or not style.dense:
            lay.label(col.title, x, lay.y, w, h)
        else:
            lay.rect(x, lay.y - h, w, h, FILL_LABEL)
            _cell_text(lay, _title_lines(col.title, w, style), (x, lay.y, w, h), "center", style)
        x += w
    lay.y -= h


def _table_row(
    lay: Layout,
    columns: Sequence[FormColumn],
    widths: list[float],
    cells: list[list[str]],
    h: float,
    style: CellStyle | None = None,
    bold: bool = False,
    struck: bool = False,
) -> None:
    """One row of cells; ``struck``: a line through every line of its text (a row that
    was voided, still readable)."""
    style = style or CellStyle()
    x = lay.frame.left
    for col, w, lines in zip(columns, widths, cells, strict=True):
        lay.rect(x, lay.y - h, w, h)
        _cell_text(lay, lines, (x, lay.y, w, h), col.align, style, bold, struck and col.strike)
        x += w
    lay.y -= h


STRIKE_RAISE = 0.3  # ems above the baseline: through the middle of the characters


def _cell_text(
    lay: Layout,
    lines: Sequence[str],
    box: tuple[float, float, float, float],
    align: str,
    style: CellStyle,
    bold: bool = False,
    struck: bool = False,
) -> None:
    """``lines`` centred vertically in ``box`` (x, top, width, height), aligned within the
    style's padding; a struck line gets a rule of no height through it (a box op, which
    every renderer of these pages already draws)."""
    x, top, w, h = box
    size, leading = style.size, style.leading
    first = top - (h - len(lines) * leading) / 2
    for k, s in enumerate(lines):
        if not s:
            continue
        baseline = first - leading * k - leading / 2 - 0.36 * size
        sw = pdf_fonts.width(s, size)
        if align == "left":
            tx = x + style.pad
        else:
            tx = x + (w - sw) / 2 if align == "center" else x + w - style.pad - sw
        lay.text(tx, baseline, s, size, bold)
        if struck:
            lay.rect(tx - 1, baseline + STRIKE_RAISE * size, sw + 2, 0)


_PLACE: dict[type, Any] = {
    Section: _place_section,
    Row: _place_row,
    TextBox: _place_text_box,
    Table: _place_table,
}


# check boxes

CHECK_SIDE = 8.0
CHECK_GAP = 4.0  # between a box and its word
CHECK_SPACE = 14.0  # between options


def _option_width(option: str) -> float:
    return CHECK_SIDE + CHECK_GAP + pdf_fonts.width(option, SIZE) + CHECK_SPACE


def _check_lines(checks: Checks, width: float) -> list[list[str]]:
    lines: list[list[str]] = [[]]
    used = PAD
    for option in checks.options:
        ow = _option_width(option)
        if lines[-1] and used + ow > width:
            lines.append([])
            used = PAD
        lines[-1].append(option)
        used += ow
    return lines


def _draw_checks(
    lay: Layout, selected: str | None, lines: list[list[str]], x: float, top: float, h: float
) -> None:
    first = top - (h - len(lines) * LEADING) / 2
    for k, options in enumerate(lines):
        baseline = first - LEADING * k - LEADING / 2 - 0.36 * SIZE
        cx = x + PAD + 2
        for option in options:
            lay.check(cx, baseline - 0.5, option == selected)
            lay.text(cx + CHECK_SIDE + CHECK_GAP, baseline, option)
            cx += _option_width(option)


# --- drawing ------------------------------------------------------------------------------


def render(path: Path, frame: PageFrame, head: FormHead, blocks: Sequence[Block]) -> Path:
    """Lay out ``blocks`` and write the PDF with header and footer on every page."""
    from reportlab.pdfgen.canvas import Canvas

    pages = lay_out(frame, blocks)
    c = Canvas(
        str(path),
        pagesize=frame.sheet,
        initialFontName=pdf_fonts.main_font(),
        initialFontSize=SIZE,
    )
    c.setTitle(f"{head.title} {head.serial}")
    c.setAuthor(head.office)
    c.setCreator("desk")
    c.setSubject(head.form_code)
    for number, ops in enumerate(pages, start=1):
        _draw_sheet(c, frame, head, ops, number, len(pages))
        c.showPage()
    c.save()
    return path


def render_many(
    path: Path, documents: Sequence[tuple[PageFrame, FormHead, Sequence[Block]]], title: str
) -> Path:
    """Several forms one after another in one PDF, each page exactly as ``render`` draws
    it (its own header, and its own "第 X 页 / 共 Y 页"): a batch printed in one go."""
    from reportlab.pdfgen.canvas import Canvas

    if not documents:
        raise ValueError("nothing to render")
    c = Canvas(str(path), initialFontName=pdf_fonts.main_font(), initialFontSize=SIZE)
    c.setTitle(title)
    c.setAuthor(documents[0][1].office)
    c.setCreator("desk")
    for frame, head, blocks in documents:
        pages = lay_out(frame, blocks)
        for number, ops in enumerate(pages, start=1):
            c.setPageSize(frame.sheet)  # a register is landscape
            _draw_sheet(c, frame, head, ops, number, len(pages))
            c.showPage()
    c.save()
    return path


CUT_GRAY = 0.55


def _draw_sheet(
    c: Any, frame: PageFrame, head: FormHead, ops: list[Op], number: int, total: int
) -> None:
    """One sheet of paper: the page with its header and footer — or, for a frame of
    copies, the page once per copy from the top down, a dashed line to cut between."""
    copies = frame.copies or ("",)
    for k, copy in enumerate(copies):
        c.saveState()
        c.translate(0, (len(copies) - 1 - k) * frame.height)
        _header(c, frame, head)
        _draw(c, ops)
        _footer(c, frame, head, number, total, copy)
        c.restoreState()
    c.saveState()
    c.setStrokeGray(CUT_GRAY)
    c.setLineWidth(0.5)
    c.setDash(4, 3)
    for k in range(1, len(copies)):
        c.line(frame.left, k * frame.height, frame.right, k * frame.height)
    c.restoreState()


def draw_text(
    c: Any, x: float, y: float, s: str, size: float, bold: bool = False, spacing: float = 0.0
) -> None:
    """``s`` from (x, y), each character in the font that has it (``spacing`` points
    between characters). A character no font has — an emoji pasted from WeChat — prints
    as a box, and stays in the text a reader copies or searches (see ``_draw_missing``)."""
    glyph = pdf_fonts.glyph
    if all(glyph(ch)[0] != pdf_fonts.NO_FONT for ch in s):  # nearly always
        _draw_runs(c, x, y, s, size, bold, spacing)
        return
    for drawable, piece in _split_missing(s):
        if drawable:
            _draw_runs(c, x, y, piece, size, bold, spacing)
            x += pdf_fonts.width(piece, size) + spacing * len(piece)
        else:
            _draw_missing(c, x, y, piece, size, bold)
            x += pdf_fonts.width(piece, size) + spacing


def _draw_runs(c: Any, x: float, y: float, s: str, size: float, bold: bool, spacing: float) -> None:
    t = c.beginText(x, y)
    if bold:  # the fonts have no bold face: fill and stroke the outline
        c.setLineWidth(size * 0.04)
        t.setTextRenderMode(2)
    if spacing:
        t.setCharSpace(spacing)
    for font, piece in pdf_fonts.runs(s):
        t.setFont(font, size)
        t.textOut(piece)
    # the text state outlives the text object: put back what was changed
    if bold:
        t.setTextRenderMode(0)
    if spacing:
        t.setCharSpace(0)
    c.drawText(t)
    if bold:
        c.setLineWidth(BORDER)


def _split_missing(s: str) -> list[tuple[bool, str]]:
    """``s`` as (drawable, text) pieces: runs every font can draw, and clusters (a
    character with the joiners, variation selectors … after it) that one has no font for."""
    out: list[tuple[bool, str]] = []
    plain = i = 0
    while i < len(s):
        j = i + 1
        while j < len(s) and line_breaking.joins(s[j]):
            j += 1
        if any(pdf_fonts.glyph(ch)[0] == pdf_fonts.NO_FONT for ch in s[i:j]):
            if plain < i:
                out.append((True, s[plain:i]))
            out.append((False, s[i:j]))
            plain = j
        i = j
    if plain < len(s):
        out.append((True, s[plain:]))
    return out


BOX_GLYPH = "□"  # drawn invisibly under a missing character's box, to carry its text


def _draw_missing(c: Any, x: float, y: float, cluster: str, size: float, bold: bool) -> None:
    """A cluster with a character no font has, as a box the width the layout gave it.

    The box is a drawn square; the text is an invisible glyph (render mode 3) inside a
    marked-content span whose /ActualText is the cluster, so copying, searching and
    pdftotext give the emoji itself (PDF 32000-1, 14.9.4) — reportlab cannot map a glyph
    to a character its font lacks. A drawable character whose variation selector is
    missing (❤ + U+FE0F) is drawn as itself in the same kind of span.
    """
    w = pdf_fonts.width(cluster, size)
    font = pdf_fonts.glyph(cluster[0])[0]
    utf16 = cluster.encode("utf-16-be", "surrogatepass").hex().upper()
    c.saveState()  # q … Q also restores the text state (render mode, scaling) set below
    c.addLiteral(f"/Span <</ActualText <FEFF{utf16}>>> BDC")
    t = c.beginText(x, y)
    if font != pdf_fonts.NO_FONT:
        if bold:
            c.setLineWidth(size * 0.04)
            t.setTextRenderMode(2)
        t.setFont(font, size)
        t.textOut(cluster[0])
    else:
        t.setTextRenderMode(3)
        t.setFont(pdf_fonts.main_font(), size)
        t.setHorizScale(100 * max(w, 0.01) / pdf_fonts.width(BOX_GLYPH, size))
        t.textOut(BOX_GLYPH)
    c.drawText(t)
    if font == pdf_fonts.NO_FONT and w > 0:
        side = min(w, size) * 0.78
        c.setLineWidth(size * (0.08 if bold else 0.05))
        c.rect(x + (w - side) / 2, y + 0.36 * size - side / 2, side, side, stroke=1, fill=0)
    c.addLiteral("EMC")
    c.restoreState()


def _draw(c: Any, ops: list[Op]) -> None:
    c.setLineWidth(BORDER)
    for op in ops:
        if not draw_op(c, op):
            raise ValueError(f"unknown drawing operation {op[0]!r}")


def draw_op(c: Any, op: Op) -> bool:
    """Draw one text, box, writing-line, check-box or signature operation; False for
    another kind (the monthly report adds its own chart operations)."""
    kind = op[0]
    if kind == "t":
        draw_text(c, *op[1:])
    elif kind == "r":
        _, x, y, w, h, fill = op
        if fill is None:
            c.rect(x, y, w, h, stroke=1, fill=0)
        else:
            c.setFillGray(fill)
            c.rect(x, y, w, h, stroke=1, fill=1)
            c.setFillGray(0)
    elif kind == "l":  # a dotted line to write on
        _, x1, y, x2 = op
        c.saveState()
        c.setStrokeGray(0.6)
        c.setLineWidth(0.5)
        c.setDash(1, 2)
        c.line(x1, y, x2, y)
        c.restoreState()
    elif kind == "s":
        _draw_signature(c, *op[1:])
    elif kind == "c":
        _, x, y, ticked = op
        c.rect(x, y, CHECK_SIDE, CHECK_SIDE, stroke=1, fill=0)
        if ticked:
            s = CHECK_SIDE
            c.setLineWidth(1.4)
            p = c.beginPath()
            p.moveTo(x + s * 0.15, y + s * 0.55)
            p.lineTo(x + s * 0.42, y + s * 0.2)
            p.lineTo(x + s * 0.95, y + s * 1.05)
            c.drawPath(p, stroke=1, fill=0)
            c.setLineWidth(BORDER)
    else:
        return False
    return True


SIGN_PAD = 3.0  # between a signature's ink and its box
SIGN_PEN = 1.1  # points: the pen at normal pressure (0.5); wider or thinner with it


def _draw_signature(c: Any, x: float, y: float, w: float, h: float, strokes: Strokes) -> None:
    """``strokes`` cropped to their ink, scaled uniformly as large as they fit inside the
    box (x, y: its lower left corner) less padding and half the widest pen, and centred;
    the pen's width follows the pressure, with round ends and joins. Paths only: the text
    a reader copies is unchanged. Clipped to the box, so not a hair of ink leaves it."""
    inset = SIGN_PAD + SIGN_PEN * signature_image.PEN_MAX / 2
    if w <= 2 * inset or h <= 2 * inset:
        return
    lines = signature_image.drawn_lines(strokes)
    scale, dx, dy = signature_image.fit(
        signature_image.ink_bounds(lines), w - 2 * inset, h - 2 * inset
    )
    top = y + h - inset  # the pad's y grows down, the page's up
    c.saveState()
    clip = c.beginPath()
    clip.rect(x, y, w, h)
    c.clipPath(clip, stroke=0, fill=0)
    c.setLineCap(1)
    c.setLineJoin(1)
    c.setStrokeGray(0)
    path, width, end = None, 0.0, None
    for x0, y0, x1, y1, pen in signature_image.segments(lines, scale, dx, dy):
        # one path per run of pieces of the same width (a mouse's signature: one a stroke)
        piece_w = math.floor(SIGN_PEN * pen * 10) / 10  # never wider than the inset allows
        start = (x + inset + x0, top - y0)
        if path is None or piece_w != width or start != end:
            if path is not None:
                c.drawPath(path, stroke=1, fill=0)
            c.setLineWidth(piece_w)
            path, width = c.beginPath(), piece_w
            path.moveTo(*start)
        end = (x + inset + x1, top - y1)
        path.lineTo(*end)
    if path is not None:
        c.drawPath(path, stroke=1, fill=0)
    c.restoreState()


def _header(c: Any, frame: PageFrame, head: FormHead) -> None:
    top, left, right = frame.top, frame.left, frame.right
    middle = (left + right) / 2
    size, spacing = TITLE_SIZE, 6.0
    title_w = pdf_fonts.width(head.title, size) + spacing * (len(head.title) - 1)
    draw_text(c, middle - title_w / 2, top - TITLE_BASE, head.title, size, bold=True,
              spacing=spacing)  # fmt: skip
    stamp = "作废" if head.void_reason else head.stamp
    if stamp:  # a red stamp: this record was cancelled, or is only a draft
        c.saveState()
        c.setStrokeColorRGB(*RED)
        c.setFillColorRGB(*RED)
        c.setLineWidth(1.5)
        c.rect(left, top - 48, STAMP_W, 30, stroke=1, fill=0)
        draw_text(c, left + 14, top - 39, stamp, 18, bold=True, spacing=2)
        c.restoreState()
    _qr(c, frame, head.serial)
    for x, y, text, text_size in header_texts(frame, head):
        draw_text(c, x, y, text, text_size)
    c.setLineWidth(1.2)
    c.line(left, top - HEADER_H + 4, right, top - HEADER_H + 4)
    c.setLineWidth(BORDER)


HeaderText = tuple[float, float, str, float]  # x, baseline, text, size


def header_texts(frame: PageFrame, head: FormHead) -> list[HeaderText]:
    """The office name's lines and the info line's items, each where it fits: nothing
    runs into the QR code's quiet zone, the stamp, the title or another item."""
    return _office_texts(frame, head) + _info_texts(frame, head)


def office_box(frame: PageFrame, serial: str) -> tuple[float, float, float, float]:
    """(x, top, width, height) of the office name: centred above the title, as far from
    the left edge (the stamp) as from the right one (the QR code and its quiet zone)."""
    side = max(frame.right - quiet_box(frame, serial)[0], STAMP_W) + HEADER_GAP
    width = frame.body_width - 2 * side
    return frame.left + side, frame.top + OFFICE_RAISE, width, OFFICE_H


def office_lines(text: str, width: float, height: float) -> tuple[list[str], float]:
    """(lines, size) of an office name in its box: one line at 12 pt, in smaller type if
    it must be (down to 9 pt); else wrapped in even lines, as large as the box's height
    allows (down to 7 pt); a name too long even then ends in … (the PDF's author names
    it whole)."""
    natural = pdf_fonts.width(text, 1.0)
    if natural * OFFICE_LINE_MIN <= width:
        return [text], min(OFFICE_SIZE, width / natural)
    size = OFFICE_SIZE
    while size >= OFFICE_MIN:
        lines = _even_lines(text, width, size)
        if len(lines) <= _lines_in(height, size):
            return lines, size
        size -= 0.5
    return _shorten(wrap(text, width, OFFICE_MIN), _lines_in(height, OFFICE_MIN), width,
                    OFFICE_MIN), OFFICE_MIN  # fmt: skip


def _office_texts(frame: PageFrame, head: FormHead) -> list[HeaderText]:
    office = " ".join(head.office.split())
    if not office:
        return []
    x, top, w, h = office_box(frame, head.serial)
    lines, size = office_lines(office, w, h)
    leading = LINE_SPACING * size
    block = (len(lines) - 1) * leading + (ASCENT + DESCENT) * size
    first = top - (h - block) / 2 - ASCENT * size
    return [
        (x + (w - pdf_fonts.width(s, size)) / 2, first - k * leading, s, size)
        for k, s in enumerate(lines)
    ]


def _info_texts(frame: PageFrame, head: FormHead) -> list[HeaderText]:
    """Form code, serial and subtitle from the left, the print time at the right; in
    smaller type when they do not fit (down to 7.5 pt), and then a long subtitle (the duty
    record's names) wraps in its own box between the serial and the print time."""
    y = frame.top - INFO_BASE
    items = [f"表单编号：{head.form_code}", f"单号：{head.serial}"]
    subtitle = " ".join(head.subtitle.split())
    if subtitle:
        items.append(subtitle)
    printed = f"打印时间：{head.printed_at:%Y-%m-%d %H:%M}"
    size = INFO_SIZE
    while True:
        used = sum(pdf_fonts.width(s, size) for s in [*items, printed])
        gap = min(INFO_GAP, (frame.body_width - used) / len(items))
        if gap >= INFO_GAP_MIN or size <= INFO_MIN:
            break
        size -= 0.5
    printed_x = frame.right - pdf_fonts.width(printed, size)
    texts = [(printed_x, y, printed, size)]
    one_line = gap >= INFO_GAP_MIN
    gap = max(gap, INFO_GAP_MIN)
    x = frame.left
    for s in items if one_line else items[:-1]:
        texts.append((x, y, s, size))
        x += pdf_fonts.width(s, size) + gap
    if not one_line:
        # above the baseline up to the title (the box ends left of the QR's quiet zone)
        end = min(printed_x, quiet_box(frame, head.serial)[0]) - gap
        room = INFO_BASE - TITLE_BASE - DESCENT * TITLE_SIZE - HEADER_GAP / 2 + DESCENT * size
        lines = _shorten(_words_whole(subtitle, end - x, size), _lines_in(room, size), end - x,
                         size)  # fmt: skip
        leading = LINE_SPACING * size
        texts += [(x, y + (len(lines) - 1 - k) * leading, s, size) for k, s in enumerate(lines)]
    return texts


def _words_whole(text: str, width: float, size: float) -> list[str]:
    """``text`` wrapped to ``width`` between its words (at spaces) when that takes no more
    lines than breaking anywhere: the duty record's two names each stay on one line."""
    anywhere = wrap(text, width, size)
    lines: list[str] = []
    for word in text.split(" "):
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and pdf_fonts.width(joined, size) <= width:
            lines[-1] = joined
        else:
            lines.extend(wrap(word, width, size))
    return lines if len(lines) <= len(anywhere) else anywhere


def _even_lines(text: str, width: float, size: float) -> list[str]:
    """``text`` wrapped to ``width``, then in as many lines of even length if it can be:
    a last line of two characters looks stray under a centred one."""
    lines = wrap(text, width, size)
    if len(lines) > 1:
        even = wrap(text, pdf_fonts.width(text, size) / len(lines) + size, size)
        if len(even) == len(lines) and all(pdf_fonts.width(s, size) <= width for s in even):
            return even
    return lines


def _lines_in(height: float, size: float) -> int:
    """How many lines of ``size`` a box ``height`` tall holds, top to bottom of the
    characters (at least one)."""
    return max(1, int((height - (ASCENT + DESCENT) * size) / (LINE_SPACING * size)) + 1)


def _shorten(lines: list[str], most: int, width: float, size: float) -> list[str]:
    """The first ``most`` lines; when some are left out, the last one kept ends in …"""
    if len(lines) <= most:
        return lines
    last = lines[most - 1]
    while last and pdf_fonts.width(last + "…", size) > width:
        last = last[:-1]
    return [*lines[: most - 1], last + "…"]


def _qr(c: Any, frame: PageFrame, serial: str) -> None:
    matrix = qr_matrix(serial)
    x0, y0, side = qr_box(frame)
    module = side / len(matrix)
    top = y0 + side  # module (0, 0) is the top left; PDF's y grows upwards
    c.setFillGray(0)
    for r, col, length in dark_runs(matrix):
        c.rect(x0 + col * module, top - (r + 1) * module, length * module, module, stroke=0, fill=1)


def _footer(
    c: Any, frame: PageFrame, head: FormHead, number: int, total: int, copy: str = ""
) -> None:
    """Form code and serial at the left, the page number in the middle, which copy (联) at
    the right."""
    y = frame.margin_bottom + 2
    page = f"第 {number} 页 / 共 {total} 页"
    draw_text(c, (frame.left + frame.right - pdf_fonts.width(page, 9)) / 2, y, page, 9)
    c.setFillGray(0.35)
    draw_text(c, frame.left, y, f"{head.form_code}　{head.serial}", 8)
    if copy:
        draw_text(c, frame.right - pdf_fonts.width(copy, 9), y, copy, 9)
    c.setFillGray(0)
