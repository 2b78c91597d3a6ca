"""A character no embedded font has (an emoji pasted from WeChat) prints as a visible box
and stays in the text copied out of the PDF; the xlsx keeps it as it is.

poppler-utils (pdftotext, pdftoppm) are required: CI installs them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from helpers.form_samples import workorder
from openpyxl import load_workbook

from desk.reports import pdf_fonts
from desk.reports.form_layout import blocks_for
from desk.reports.pdf_forms import render_pdf
from desk.reports.pdf_layout import PORTRAIT, clean, lay_out
from desk.reports.xlsx_forms import render_xlsx

DESCRIPTION = "业主发来照片😀🏠，说楼下王𠮷家也漏水❤\ufe0f，请看👨\u200d👩\u200d👧"
DPI = 100


def run(*args: str | Path) -> bytes:
    assert shutil.which(str(args[0])), "poppler-utils is required (apt-get install poppler-utils)"
    return subprocess.run([str(a) for a in args], check=True, capture_output=True).stdout


def dark_pixels(path: Path, tmp_path: Path, box: tuple[float, float, float, float]) -> int:
    """How many pixels of page 1 inside ``box`` (x0, y0, x1, y1 in points, y up) are not
    white, the page rasterized at 100 dpi."""
    run("pdftoppm", "-gray", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", path,
        tmp_path / "page")  # fmt: skip
    magic, width, _height, _maxval, pixels = (tmp_path / "page.pgm").read_bytes().split(maxsplit=4)
    assert magic == b"P5"
    scale, w = DPI / 72, int(width)
    x0, y0, x1, y1 = box
    rows = range(round((PORTRAIT.height - y1) * scale), round((PORTRAIT.height - y0) * scale))
    cols = range(round(x0 * scale), round(x1 * scale))
    return sum(pixels[r * w + c] < 200 for r in rows for c in cols)


def slot(text: str, ch: str) -> tuple[float, float, float, float]:
    """Where the layout puts ``ch`` of the work order's description: its advance, from
    the baseline to a character's height."""
    ops = lay_out(PORTRAIT, blocks_for(workorder(description=text)))[0]
    _t, x, y, line, size, _bold = next(op for op in ops if op[0] == "t" and ch in op[3])
    left = x + pdf_fonts.width(line[: line.index(ch)], size)
    return left, y, left + pdf_fonts.width(ch, size), y + 0.8 * size


def test_no_font_has_it_but_the_layout_gives_it_a_full_width() -> None:
    assert pdf_fonts.glyph("😀") == (pdf_fonts.NO_FONT, 1.0)
    assert pdf_fonts.glyph("\ufe0f") == (pdf_fonts.NO_FONT, 0.0)  # joins the ❤ before it
    assert pdf_fonts.glyph("𠮷")[0] == "DeskHanB"


def test_emoji_prints_as_a_box_and_copies_as_itself(tmp_path: Path) -> None:
    path = render_pdf(workorder(description=DESCRIPTION), tmp_path / "emoji.pdf")
    text = run("pdftotext", "-raw", "-enc", "UTF-8", path, "-").decode()
    assert DESCRIPTION in text.replace("\n", "")  # the emoji, their sequences and 𠮷
    assert dark_pixels(path, tmp_path, slot(DESCRIPTION, "🏠")) > 10
    # the same place is blank with a full-width space there: what shows is the box
    spaced = DESCRIPTION.replace("🏠", "\u3000")
    blank = render_pdf(workorder(description=spaced), tmp_path / "space.pdf")
    assert slot(spaced, "\u3000") == slot(DESCRIPTION, "🏠")
    assert dark_pixels(blank, tmp_path, slot(spaced, "\u3000")) == 0


def test_bold_and_spaced_text_keep_the_character_too(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from desk.reports.pdf_layout import draw_text

    path = tmp_path / "draw.pdf"
    c = Canvas(str(path), initialFontName=pdf_fonts.main_font())
    draw_text(c, 50, 700, "标题😀", 19, bold=True, spacing=6)
    draw_text(c, 50, 650, "后来的字", 10)  # the state after a box is the usual one
    c.showPage()
    c.save()
    text = run("pdftotext", "-raw", "-enc", "UTF-8", path, "-").decode()
    assert "标题😀" in re.sub(r"\s", "", text) and "后来的字" in text


def test_the_xlsx_keeps_the_characters_as_they_are(tmp_path: Path) -> None:
    ws = load_workbook(render_xlsx(workorder(description=DESCRIPTION), tmp_path / "e.xlsx")).active
    assert DESCRIPTION in [cell.value for row in ws.iter_rows() for cell in row]


def test_clean_drops_what_has_no_glyph_and_keeps_the_rest() -> None:
    assert clean("甲\x7f乙\x85丙\u2028丁\ud800😀\t戊") == "甲乙丙\n丁😀    戊"
