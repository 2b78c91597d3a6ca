"""The forms' blocks (``form_layout``) laid out on A4 pages and drawn with reportlab.

Two passes: every block is laid out into pages of simple drawing operations; then each
page is drawn with its header (office, title, form code, serial, QR code, print time)
and footer ("第 X 页 / 共 Y 页"), the page count now known. Platypus could do the same
with more machinery; a form is a stack of bordered rows, and drawing them directly keeps
a one-page work order close to a bare canvas (benchmarks/bench_forms.py).

Nothing is clipped or drawn over something else. A ``Row`` that does not fit moves to
the next page whole — unless a very long text makes it tall, then its cells are laid
out one under the other as full-width boxes; a ``TextBox`` continues on the next page
(its label marked 续); a ``Table`` repeats its column headers on every page, and a row
taller than a page goes on over the next. Text wraps between CJK characters, keeps
Latin words and numbers whole where it can, and never starts a line with closing
punctuation nor ends one with opening punctuation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desk.reports import pdf_fonts
from desk.reports.form_data import FormHead
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
from desk.reports.qr import dark_runs, qr_matrix

MM = 72 / 25.4
A4_PORTRAIT = (210 * MM, 297 * MM)
A4_LANDSCAPE = (297 * MM, 210 * MM)

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

BORDER = 0.7
FILL_LABEL = 0.93
FILL_SECTION = 0.82
RED = (0.8, 0.1, 0.1)

NO_START = set("，。、；：？！）》」』】〉”’,.;:?!)]}%·…—～")  # not at the start of a line
NO_END = set("（《「『【〈“‘([{")  # not at the end of a line
WORD_EXTRA = set("-_.@/:%+#&'")

Op = tuple[Any, ...]


@dataclass(frozen=True)
class PageFrame:
    width: float
    height: float
    margin_x: float = 14 * MM
    margin_top: float = 11 * MM
    margin_bottom: float = 10 * MM

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


def qr_box(frame: PageFrame) -> tuple[float, float, float]:
    """(x, y of the lower left corner, side) of the QR code's modules, flush with the top
    right corner of the body; the white quiet zone around them lies in the margin."""
    return frame.right - QR_SIDE, frame.top - QR_SIDE, QR_SIDE


# --- text -------------------------------------------------------------------------------


def clean(text: str) -> str:
    """Line breaks as \\n, tabs as spaces, other control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(ch for ch in text if ch == "\n" or ch >= " ")


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in WORD_EXTRA)


def wrap(text: str, width: float, size: float = SIZE) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points at ``size``."""
    limit = width / size
    lines: list[str] = []
    for para in clean(text).split("\n"):
        lines.extend(_wrap_para(para, limit))
    return lines


def _wrap_para(para: str, limit: float) -> list[str]:
    glyph = pdf_fonts.glyph
    out: list[str] = []
    start, i, n, w = 0, 0, len(para), 0.0
    while i < n:
        cw = glyph(para[i])[1]
        if w + cw > limit and i > start:
            cut = _break_at(para, start, i)
            out.append(para[start:cut].rstrip())
            start = cut
            while start < n and para[start] == " ":
                start += 1
            i = max(i, start)
            w = sum(glyph(ch)[1] for ch in para[start:i])
            continue
        w += cw
        i += 1
    if start < n or not out:
        out.append(para[start:].rstrip())
    return out


def _break_at(para: str, start: int, i: int) -> int:
    """Where the line that would overflow at ``para[i]`` ends."""
    cut = i
    # carry characters over so that closing punctuation does not start the next line nor
    # opening punctuation end this one
    while cut - 1 > start and (para[cut] in NO_START or para[cut - 1] in NO_END):
        cut -= 1
    if para[cut] in NO_START or para[cut - 1] in NO_END:
        cut = i  # a line of nothing but punctuation: cut where it overflows
    if _is_word(para[cut]) and _is_word(para[cut - 1]):  # never inside a word or number …
        j = cut - 1
        while j > start and _is_word(para[j - 1]):
            j -= 1
        while j - 1 > start and para[j - 1] in NO_END:
            j -= 1
        if j > start:
            return j
        # … unless it is longer than the line: after its last - / . before the edge
        soft = max(para.rfind(mark, start + 1, i) for mark in "-/.")
        return soft + 1 if soft > start else i
    return cut


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
    lay = Layout(frame)
    for i, block in enumerate(blocks):
        if isinstance(block, Section) and i + 1 < len(blocks):
            lay.need(SECTION_H + _first_height(lay, blocks[i + 1]))  # a title never ends a page
        _PLACE[type(block)](lay, block)
    return lay.pages


def _first_height(lay: Layout, block: Block) -> float:
    """Height of the smallest piece of ``block`` that may start a page."""
    if isinstance(block, Section):
        return SECTION_H
    if isinstance(block, Row):
        return _row_cells(lay, block)[0]
    if isinstance(block, TextBox):
        lines = _box_lines(lay, block)
        if not lines:
            return block.blank_lines * WRITE_GAP + PAD
        return min(len(lines), 2) * LEADING + 2 * PAD
    widths = _widths(lay, block.columns)
    return _table_header_height(block.columns, widths) + block.row_height


def _place_section(lay: Layout, block: Section) -> None:
    f = lay.frame
    lay.rect(f.left, lay.y - SECTION_H, f.body_width, SECTION_H, FILL_SECTION)
    lay.text_lines([block.title], (f.left, lay.y, f.body_width, SECTION_H), bold=True)
    lay.y -= SECTION_H


# rows


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
            height = max(height, len(content) * LEADING + 2 * PAD)
        else:
            content = wrap(show(cell.value), w - label_w - 2 * PAD)
            height = max(height, len(content) * LEADING + 2 * PAD)
        if cell.label:
            label_lines = fit_label(cell.label, label_w)[0]
            height = max(height, len(label_lines) * LEADING + 2 * PAD)
        laid.append((cell, x, w, label_w, content))
        x += w
    return height, laid


def _place_row(lay: Layout, row: Row) -> None:
    h, laid = _row_cells(lay, row)
    if h > lay.room and h > (lay.frame.body_top - lay.frame.body_bottom) / 3:
        # a tall row (a very long text in a cell) that does not fit here: rather than leave
        # a hole or run off the page, the cells go one under the other, full width, each
        # long text in a box that continues on the next page
        for cell in row.cells:
            if isinstance(cell.value, Checks):
                _place_row(lay, Row([replace(cell, span=GRID)]))
            else:
                _place_text_box(lay, TextBox(cell.label, show(cell.value), blank_lines=1))
        return
    lay.need(h)
    top = lay.y
    for cell, x, w, label_w, content in laid:
        if cell.label:
            lay.label(cell.label, x, top, label_w, h)
        vx, vw = x + label_w, w - label_w
        lay.rect(vx, top - h, vw, h)
        if isinstance(cell.value, Checks):
            _draw_checks(lay, cell.value.selected, content, vx, top, h)
        else:
            lay.text_lines(content, (vx, top, vw, h), align=cell.align)
    lay.y = top - h


# text boxes


def _box_lines(lay: Layout, box: TextBox) -> list[str]:
    if not box.text.strip():
        return []
    return wrap(box.text, lay.frame.body_width - LABEL_W - 2 * PAD)


def _place_text_box(lay: Layout, box: TextBox) -> None:
    f = lay.frame
    lines = _box_lines(lay, box)
    if not lines:
        h = box.blank_lines * WRITE_GAP + PAD
        lay.need(h)
        _box_frame(lay, box.label, h)
        for k in range(1, box.blank_lines):
            lay.line(f.left + LABEL_W + PAD, lay.y - PAD / 2 - k * WRITE_GAP, f.right - PAD)
        lay.y -= h
        return
    label = box.label
    while lines:
        fit = int((lay.room - 2 * PAD) // LEADING)
        if fit < min(len(lines), 2) and not lay.at_top:
            lay.new_page()
            continue
        fit = max(fit, 1)
        chunk, lines = lines[:fit], lines[fit:]
        h = max(ROW_H, len(chunk) * LEADING + 2 * PAD)
        _box_frame(lay, label, h)
        box_xywh = (f.left + LABEL_W, lay.y, f.body_width - LABEL_W, h)
        lay.text_lines(chunk, box_xywh, valign="top" if len(chunk) > 1 else "middle")
        lay.y -= h
        if lines:
            lay.new_page()
            label = f"{box.label}（续）"


def _box_frame(lay: Layout, label: str, h: float) -> None:
    f = lay.frame
    lay.label(label, f.left, lay.y, LABEL_W, h)
    lay.rect(f.left + LABEL_W, lay.y - h, f.body_width - LABEL_W, h)


# tables


def _widths(lay: Layout, columns: Sequence[FormColumn]) -> list[float]:
    total = sum(c.weight for c in columns)
    return [lay.frame.body_width * c.weight / total for c in columns]


def _table_header_height(columns: Sequence[FormColumn], widths: list[float]) -> float:
    most = max(len(fit_label(c.title, w)[0]) for c, w in zip(columns, widths, strict=True))
    return max(ROW_H, most * LEADING + 2 * PAD)


def _place_table(lay: Layout, table: Table) -> None:
    columns = table.columns
    widths = _widths(lay, columns)
    header_h = _table_header_height(columns, widths)
    rows: list[Sequence[Any]] = list(table.rows)
    rows += [[None] * len(columns)] * max(0, table.min_rows - len(rows))
    lay.need(header_h + table.row_height)
    _table_header(lay, columns, widths, header_h)
    size = table.text_size
    leading = LEADING * size / SIZE
    full = lay.frame.body_top - lay.frame.body_bottom - header_h
    for k, row in enumerate(rows):
        bold = k in table.marked
        cells = [
            wrap(show(v, c.time_format), w - 2 * PAD, size) if v is not None else []
            for v, c, w in zip(row, columns, widths, strict=True)
        ]
        while True:
            h = max([table.row_height] + [len(c) * leading + 2 * PAD for c in cells])
            if h <= lay.room + 0.01:
                _table_row(lay, columns, widths, cells, h, size, bold)
                break
            fit = int((lay.room - 2 * PAD) // leading)
            if h <= full or fit < 2:  # the row fits a page of its own: it starts one
                lay.new_page()
                _table_header(lay, columns, widths, header_h)
                continue
            # a row taller than a page: its lines go on over the next page(s)
            _table_row(lay, columns, widths, [c[:fit] for c in cells], lay.room, size, bold)
            cells = [c[fit:] for c in cells]
            lay.new_page()
            _table_header(lay, columns, widths, header_h)
    if table.fill_page:
        while lay.room >= table.row_height:
            _table_row(lay, columns, widths, [[] for _ in widths], table.row_height, size)


def _table_header(
    lay: Layout, columns: Sequence[FormColumn], widths: list[float], h: float
) -> None:
    x = lay.frame.left
    for col, w in zip(columns, widths, strict=True):
        lay.label(col.title, x, lay.y, w, h)
        x += w
    lay.y -= h


def _table_row(
    lay: Layout,
    columns: Sequence[FormColumn],
    widths: list[float],
    cells: list[list[str]],
    h: float,
    size: float = SIZE,
    bold: bool = False,
) -> None:
    x = lay.frame.left
    for col, w, lines in zip(columns, widths, cells, strict=True):
        lay.rect(x, lay.y - h, w, h)
        lay.text_lines(lines, (x, lay.y, w, h), align=col.align, size=size, bold=bold)
        x += w
    lay.y -= h


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
        pagesize=(frame.width, frame.height),
        initialFontName=pdf_fonts.main_font(),
        initialFontSize=SIZE,
    )
    c.setTitle(f"{head.title} {head.serial}")
    c.setAuthor(head.office)
    c.setCreator("desk")
    c.setSubject(head.form_code)
    for number, ops in enumerate(pages, start=1):
        _header(c, frame, head)
        _draw(c, ops)
        _footer(c, frame, head, number, len(pages))
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
            c.setPageSize((frame.width, frame.height))  # a register is landscape
            _header(c, frame, head)
            _draw(c, ops)
            _footer(c, frame, head, number, len(pages))
            c.showPage()
    c.save()
    return path


def draw_text(
    c: Any, x: float, y: float, s: str, size: float, bold: bool = False, spacing: float = 0.0
) -> None:
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


def _draw(c: Any, ops: list[Op]) -> None:
    c.setLineWidth(BORDER)
    for op in ops:
        if not draw_op(c, op):
            raise ValueError(f"unknown drawing operation {op[0]!r}")


def draw_op(c: Any, op: Op) -> bool:
    """Draw one text, box, writing-line or check-box operation; False for another kind
    (the monthly report adds its own chart operations)."""
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


def _header(c: Any, frame: PageFrame, head: FormHead) -> None:
    top, left, right = frame.top, frame.left, frame.right
    middle = (left + right) / 2
    if head.office:
        draw_text(c, middle - pdf_fonts.width(head.office, 12) / 2, top - 14, head.office, 12)
    size, spacing = 19.0, 6.0
    title_w = pdf_fonts.width(head.title, size) + spacing * (len(head.title) - 1)
    draw_text(c, middle - title_w / 2, top - 41, head.title, size, bold=True, spacing=spacing)
    stamp = "作废" if head.void_reason else head.stamp
    if stamp:  # a red stamp: this record was cancelled, or is only a draft
        c.saveState()
        c.setStrokeColorRGB(*RED)
        c.setFillColorRGB(*RED)
        c.setLineWidth(1.5)
        c.rect(left, top - 48, 64, 30, stroke=1, fill=0)
        draw_text(c, left + 14, top - 39, stamp, 18, bold=True, spacing=2)
        c.restoreState()
    _qr(c, frame, head.serial)
    # the info line below the QR code: form code, serial, subtitle; print time on the right
    y = top - QR_SIDE - 13
    x = left
    for item in (f"表单编号：{head.form_code}", f"单号：{head.serial}", head.subtitle):
        if item:
            draw_text(c, x, y, item, 9.5)
            x += pdf_fonts.width(item, 9.5) + 24
    printed = f"打印时间：{head.printed_at:%Y-%m-%d %H:%M}"
    draw_text(c, right - pdf_fonts.width(printed, 9.5), y, printed, 9.5)
    c.setLineWidth(1.2)
    c.line(left, top - HEADER_H + 4, right, top - HEADER_H + 4)
    c.setLineWidth(BORDER)


def _qr(c: Any, frame: PageFrame, serial: str) -> None:
    matrix = qr_matrix(serial)
    x0, y0, side = qr_box(frame)
    module = side / len(matrix)
    top = y0 + side  # module (0, 0) is the top left; PDF's y grows upwards
    c.setFillGray(0)
    for r, col, length in dark_runs(matrix):
        c.rect(x0 + col * module, top - (r + 1) * module, length * module, module, stroke=0, fill=1)


def _footer(c: Any, frame: PageFrame, head: FormHead, number: int, total: int) -> None:
    y = frame.margin_bottom + 2
    page = f"第 {number} 页 / 共 {total} 页"
    draw_text(c, (frame.left + frame.right - pdf_fonts.width(page, 9)) / 2, y, page, 9)
    c.setFillGray(0.35)
    draw_text(c, frame.left, y, f"{head.form_code}　{head.serial}", 8)
    c.setFillGray(0)
