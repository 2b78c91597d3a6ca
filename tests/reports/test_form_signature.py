"""A signature written on the screen, printed in the resident's signature box: 派工单 and
投诉处理单 (业主签字), the loan slip (借用人签字). The PNG kept beside the strokes; the PDF
draws the strokes inside the box and nowhere else, the date beside it the signing time,
the layout otherwise unchanged; the xlsx shows the PNG in the box.

poppler-utils (pdfinfo, pdftotext, pdftoppm) are required: CI installs them.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from helpers.form_samples import complaint, slip, workorder
from helpers.form_stages import complaint_stages, order_stages
from helpers.xlsx_parts import NS, picture_anchors
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from PIL import Image, ImageChops

from desk.models.signature import Strokes
from desk.reports.form_data import Form, Signature, render
from desk.reports.form_layout import DATE_LINE, ON_SCREEN, SLIP_COPIES, blocks_for, sign_row
from desk.reports.pdf_layout import HALF, PORTRAIT, PageFrame, draw_op, lay_out
from desk.reports.signature_image import (
    PNG_MAX_ASPECT,
    drawn_lines,
    fit,
    ink_bounds,
    signature_png,
)
from desk.reports.xlsx_forms import LABEL_COLS

SIGNED_AT = datetime(2026, 12, 6, 14, 3)
WHEN = f"2026-12-06 14:03 {ON_SCREEN}"
DPI = 100
PX = DPI / 72  # pixels a point in the rendered pages


def scrawl(width: float = 600, height: float = 200) -> Strokes:
    """A name written quickly on a 600 × 200 pad: a loop across, a slash, a firm bar."""
    wave = tuple(
        (80 + 420 * t + 25 * math.sin(40 * t), 100 + 45 * math.sin(17 * t) * (1 - t / 2),
         0.3 + 0.5 * math.sin(math.pi * t))
        for t in (i / 199 for i in range(200))
    )  # fmt: skip
    slash = tuple((120 + 8 * k, 40 + 12 * k, 0.5) for k in range(10))
    bar = ((400.0, 150.0, 0.9), (470.0, 150.0, 0.9))
    return Strokes(width, height, (wave, slash, bar)).check()


SIGNATURE = Signature(scrawl(), SIGNED_AT, "王堃喆")

# each form with the resident's signature, and the label of its box
SIGNED: dict[str, tuple[Callable[[], Form], str]] = {
    "workorder": (lambda: workorder(resident_signature=SIGNATURE), "业主签字"),
    "complaint": (lambda: complaint(resident_signature=SIGNATURE), "业主签字"),
    "slip": (lambda: replace(slip(), resident_signature=SIGNATURE), "借用人签字"),
}


def run(*args: str | Path) -> bytes:
    tools = ("pdfinfo", "pdftotext", "pdftoppm")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    assert not missing, f"poppler-utils is required (apt-get install poppler-utils): {missing}"
    return subprocess.run([str(a) for a in args], check=True, capture_output=True).stdout


def pages(path: Path) -> int:
    found = re.search(rb"Pages:\s+(\d+)", run("pdfinfo", path))
    assert found
    return int(found.group(1))


def text_of(path: Path) -> str:
    """The text as copied out of the PDF, in drawing order, without white space."""
    return re.sub(r"\s+", "", run("pdftotext", "-raw", "-enc", "UTF-8", path, "-").decode())


def picture(path: Path) -> Image.Image:
    """The first page in grey at DPI."""
    png = run("pdftoppm", "-r", DPI, "-gray", "-png", "-singlefile", path)
    return Image.open(io.BytesIO(png)).convert("L")  # poppler writes grey as RGB


def ink(png: bytes) -> Image.Image:
    """A PNG's ink as a grey mask (255: fully inked), whatever its background."""
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return ImageChops.invert(Image.alpha_composite(white, image).convert("L"))


def dark(mask: Image.Image) -> int:
    """How many pixels of a grey mask are more than half inked."""
    return sum(mask.histogram()[129:])


def frame_of(form: Form) -> PageFrame:
    """The page the PDF draws: a slip twice on half sheets (it fits half a sheet here)."""
    if form.__class__.__name__ == "LoanSlip":
        half = replace(HALF, copies=SLIP_COPIES)
        assert len(lay_out(half, blocks_for(form))) == 1
        return half
    return PORTRAIT


def boxes(form: Form) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """The signature's box and the date's box beside it, in pixels of the rendered sheet
    (left, top, right, bottom), one of each for every copy on the sheet."""
    frame = frame_of(form)
    [ops] = lay_out(frame, blocks_for(form))
    [(_s, x, y, w, h, _strokes)] = [op for op in ops if op[0] == "s"]
    # the date's value: the box at the right end of the signature's row
    row = [op for op in ops if op[0] == "r" and op[5] is None and op[2] == y and op[4] == h]
    _r, dx, _dy, dw, _dh, _fill = max(row, key=lambda op: op[1])
    copies = max(1, len(frame.copies))
    sheet_h = frame.height * copies
    signs, dates = [], []
    for k in range(copies):
        shift = (copies - 1 - k) * frame.height
        top, bottom = (sheet_h - shift - y - h) * PX, (sheet_h - shift - y) * PX
        signs.append((x * PX, top, (x + w) * PX, bottom))
        dates.append((dx * PX, top, (dx + dw) * PX, bottom))
    return signs, dates


def inside(box: tuple[float, ...], px: int, py: int, margin: float = 0.0) -> bool:
    left, top, right, bottom = box
    return left + margin <= px <= right - margin and top + margin <= py <= bottom - margin


# --- the PNG ----------------------------------------------------------------------------


def test_the_png_is_the_ink_cropped_scaled_to_the_height_and_transparent() -> None:
    strokes = Strokes(1000, 500, (((100.0, 100.0, 0.5), (400.0, 200.0, 0.5)),))  # 3 : 1
    png = signature_png(strokes)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.height == 200
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0  # transparent around
    mask = ink(png)
    left, top, right, bottom = mask.point(lambda v: 255 if v > 128 else 0).getbbox()
    assert dark(mask) > 1000  # dark pixels, not a hairline
    # the ink fills the height less a small margin, and keeps its 3 : 1 (less the pen's ends)
    assert bottom - top > 0.75 * image.height
    assert 2.6 < (right - left) / (bottom - top) < 3.2
    assert image.width < 3.5 * image.height  # cropped: none of the pad's empty width


def test_a_long_signature_is_at_most_four_times_as_wide_as_high() -> None:
    strokes = Strokes(2000, 200, (((0.0, 90.0, 0.5), (1000.0, 110.0, 0.5)),))
    image = Image.open(io.BytesIO(signature_png(strokes, height_px=100)))
    assert (image.width, image.height) == (PNG_MAX_ASPECT * 100, 100)
    left, top, right, bottom = ink(signature_png(strokes, height_px=100)).getbbox()
    assert left > 0 and right < image.width and top > 0 and bottom < image.height  # all of it


def test_the_pen_follows_the_pressure() -> None:
    def inked(pressure: float) -> int:
        line = ((0.0, 0.0, pressure), (300.0, 100.0, pressure))
        return dark(ink(signature_png(Strokes(300, 100, (line,)))))

    assert inked(0.2) < inked(0.5) < inked(1.0)


# --- the PDF ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SIGNED))
def test_the_signature_is_drawn_inside_its_box_and_nowhere_else(name: str, tmp_path: Path) -> None:
    make, _label = SIGNED[name]
    form = make()
    signed = picture(render(form, tmp_path / "signed.pdf"))
    plain = picture(render(replace(form, resident_signature=None), tmp_path / "plain.pdf"))
    assert signed.size == plain.size
    signs, dates = boxes(form)
    changed = ImageChops.difference(signed, plain).tobytes()  # one byte a pixel (grey)
    width = signed.width
    found = [(i % width, i // width) for i, v in enumerate(changed) if v > 24]
    # the strokes, 3 pt clear of the borders (the box's lines are left as they were) …
    in_sign = [p for p in found if any(inside(b, *p, margin=1) for b in signs)]
    # … and the date's text, nothing else on the page
    stray = [p for p in found if not any(inside(b, *p) for b in [*signs, *dates])]
    assert stray == []
    for box in signs:  # in every copy of a slip
        inked = [p for p in in_sign if inside(box, *p)]
        assert len(inked) > 100
        _left, top, _right, bottom = box  # centred vertically
        ys = [py for _px, py in inked]
        assert abs((min(ys) + max(ys)) / 2 - (top + bottom) / 2) <= 2
    assert len(in_sign) == len([p for p in found if any(inside(b, *p) for b in signs)])


@pytest.mark.parametrize("name", sorted(SIGNED))
def test_the_date_is_the_signing_time_and_no_other_text_changes(name: str, tmp_path: Path) -> None:
    make, label = SIGNED[name]
    form = make()
    signed = text_of(render(form, tmp_path / "signed.pdf"))
    plain = text_of(render(replace(form, resident_signature=None), tmp_path / "plain.pdf"))
    blank = re.sub(r"\s+", "", DATE_LINE)
    when = re.sub(r"\s+", "", WHEN)
    assert f"{label}日期{blank}" in plain
    assert signed == plain.replace(f"{label}日期{blank}", f"{label}日期{when}")
    assert signed.count(when) == max(1, len(frame_of(form).copies))


@pytest.mark.parametrize("name", sorted(SIGNED))
def test_the_layout_is_the_same_but_for_the_strokes_and_the_date(name: str) -> None:
    make, _label = SIGNED[name]
    form = make()
    frame = frame_of(form)
    signed = lay_out(frame, blocks_for(form))
    plain = lay_out(frame, blocks_for(replace(form, resident_signature=None)))
    assert len(signed) == len(plain) == 1
    strokes = [op for op in signed[0] if op[0] == "s"]
    assert len(strokes) == 1 and strokes[0][-1] == SIGNATURE.strokes
    texts = [op for op in signed[0] if op[0] != "s"]
    assert [op for op in texts if op not in plain[0]] == [
        op for op in texts if op[0] == "t" and op[3] == WHEN
    ]
    assert len(texts) == len(plain[0])  # DATE_LINE's text gave way to the time


@pytest.mark.parametrize("stage", list(order_stages()))
def test_a_signed_work_order_is_one_page_at_every_stage(stage: str, tmp_path: Path) -> None:
    form = order_stages(resident_signature=SIGNATURE)[stage]
    assert pages(render(form, tmp_path / "order.pdf")) == 1


@pytest.mark.parametrize("stage", list(complaint_stages()))
def test_a_signed_complaint_is_one_page_at_every_stage(stage: str, tmp_path: Path) -> None:
    form = complaint_stages(resident_signature=SIGNATURE)[stage]
    assert pages(render(form, tmp_path / "complaint.pdf")) == 1


def test_a_signed_slip_still_prints_twice_on_one_sheet(tmp_path: Path) -> None:
    path = render(SIGNED["slip"][0](), tmp_path / "slip.pdf")
    assert pages(path) == 1
    text = text_of(path)
    assert all(re.sub(r"\s+", "", copy) in text for copy in SLIP_COPIES)


def test_other_signature_boxes_stay_blank_to_sign_by_hand() -> None:
    form = SIGNED["complaint"][0]()
    rows = [b for b in blocks_for(form) if getattr(b, "signature", False)]
    with_value = [c.label for r in rows for c in r.cells if isinstance(c.value, Signature)]
    assert with_value == ["业主签字"]
    assert sign_row("部门负责人签字").cells[1].value == DATE_LINE


# --- the xlsx ---------------------------------------------------------------------------


def picture_sizes(path: Path) -> list[tuple[int, int]]:
    """(width, height) in EMU of each picture anchored by one cell, in the drawing's order."""
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read("xl/drawings/drawing1.xml"))
    found = []
    for anchor in root:
        ext = anchor.find("xdr:ext", NS)
        if anchor.find("xdr:pic", NS) is not None and ext is not None:
            found.append((int(ext.get("cx", 0)), int(ext.get("cy", 0))))
    return found


@pytest.mark.parametrize("name", sorted(SIGNED))
def test_the_xlsx_shows_the_png_in_the_signature_box(name: str, tmp_path: Path) -> None:
    make, label = SIGNED[name]
    path = render(make(), tmp_path / "signed.xlsx")
    ws = load_workbook(path).active
    [cell] = [c for row in ws.iter_rows() for c in row if c.value == label]
    box = next(
        r for r in ws.merged_cells.ranges
        if r.min_row == cell.row and r.min_col == cell.column + LABEL_COLS
    )  # fmt: skip
    assert ws.cell(box.min_row, box.min_col).value is None  # no text: the picture
    date = ws.cell(box.min_row, box.max_col + 1 + LABEL_COLS)
    assert ws.cell(box.min_row, box.max_col + 1).value == "日期" and date.value == WHEN
    anchors = picture_anchors(path)
    assert len(anchors) == 2  # the QR code and the signature
    row, col = anchors[1]
    assert row + 1 == box.min_row and box.min_col <= col + 1 <= box.max_col
    width, height = picture_sizes(path)[1]
    row_emu = ws.row_dimensions[box.min_row].height * 12700  # EMU a point
    assert 0.7 * row_emu < height < row_emu  # the row's height less a little padding
    assert width > 2 * height  # the scrawl's proportions


def test_an_unsigned_xlsx_has_only_the_qr_code(tmp_path: Path) -> None:
    path = render(workorder(), tmp_path / "plain.xlsx")
    assert len(picture_anchors(path)) == 1


# --- any signature ----------------------------------------------------------------------


class Recorder:
    """The canvas calls a signature is drawn with: every point of every path and the line
    width it is stroked with."""

    def __init__(self) -> None:
        self.width = 0.0
        self.clip: tuple[float, float, float, float] | None = None
        self.points: list[tuple[float, float, float]] = []

    def beginPath(self) -> Any:  # reportlab's names
        return RecordedPath(self)

    def clipPath(self, path: Any, stroke: int, fill: int) -> None:
        self.clip = path.rect_

    def setLineWidth(self, width: float) -> None:
        self.width = width

    def drawPath(self, path: Any, stroke: int, fill: int) -> None:
        self.points += [(x, y, self.width) for x, y in path.points]

    def __getattr__(self, name: str) -> Callable[..., None]:  # saveState, setLineCap …
        return lambda *args, **kwargs: None


class RecordedPath:
    def __init__(self, canvas: Recorder) -> None:
        self.points: list[tuple[float, float]] = []
        self.rect_: tuple[float, float, float, float] | None = None

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.rect_ = (x, y, w, h)

    def moveTo(self, x: float, y: float) -> None:
        self.points.append((x, y))

    def lineTo(self, x: float, y: float) -> None:
        self.points.append((x, y))


PAD_SIZE = st.tuples(st.floats(50, 2000), st.floats(50, 2000))


@st.composite
def any_strokes(draw: st.DrawFn) -> Strokes:
    """Valid strokes: points anywhere on the pad, any pressure."""
    width, height = draw(PAD_SIZE)
    point = st.tuples(st.floats(0, width), st.floats(0, height), st.floats(0, 1))
    lines = draw(st.lists(st.lists(point, min_size=1, max_size=30), min_size=1, max_size=6))
    strokes = Strokes(width, height, tuple(tuple(line) for line in lines))
    left, top, right, bottom = strokes.bounds()
    assume(strokes.points >= 2 and max(right - left, bottom - top) >= 0.04 * max(width, height))
    return strokes.check()


BOX = (100.0, 200.0, 231.0, 34.0)  # the resident's box on a 派工单: x, y, w, h in points


@settings(max_examples=150, deadline=None)
@given(strokes=any_strokes())
def test_any_signature_is_drawn_inside_its_box(strokes: Strokes) -> None:
    c = Recorder()
    assert draw_op(c, ("s", *BOX, strokes))
    x, y, w, h = BOX
    assert c.clip == BOX and c.points
    for px, py, pen in c.points:
        assert x + 3 <= px - pen / 2 and px + pen / 2 <= x + w - 3
        assert y + 3 <= py - pen / 2 and py + pen / 2 <= y + h - 3


@settings(max_examples=60, deadline=None)
@given(strokes=any_strokes(), height=st.integers(16, 120))
def test_any_signature_makes_a_png_with_all_its_ink(strokes: Strokes, height: int) -> None:
    png = signature_png(strokes, height_px=height)
    image = Image.open(io.BytesIO(png))
    assert image.height == height and 1 <= image.width <= PNG_MAX_ASPECT * height
    bbox = ink(png).getbbox()
    assert bbox is not None  # something is drawn
    left, top, right, bottom = bbox
    assert left > 0 and top > 0 and right < image.width and bottom < image.height


@pytest.mark.parametrize("tiny", [1.1125369292536007e-308, 1e-12])
def test_ink_a_hair_high_or_wide_draws_as_a_line_or_a_dot(tiny: float, tmp_path: Path) -> None:
    """Found by hypothesis on a second machine: a height of 1e-308 overflowed the scale."""
    flat = Strokes(50.0, 50.0, (((0.0, 0.0, 0.0), (2.0, tiny, 0.0)),))
    dot = Strokes(50.0, 50.0, (((3.0, 3.0, 0.5), (3.0 + tiny, 3.0 + tiny, 0.5)),))
    for strokes in (flat, dot):
        png = signature_png(strokes, height_px=16)
        assert png.startswith(b"\x89PNG")
        scale, dx, dy = fit(ink_bounds(drawn_lines(strokes)), 100.0, 30.0)
        assert all(math.isfinite(v) for v in (scale, dx, dy))
