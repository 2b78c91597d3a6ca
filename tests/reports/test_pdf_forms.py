"""The PDF forms, read back: text (rare and non-BMP characters included), embedded fonts,
A4 pages, a long complaint paginated with every word on the page, the QR code's modules.

poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm) are required: CI installs them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import fields, is_dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers.form_samples import ALL, DISPATCHER, OFFICE, REPORTER, complaint, sentences, workorder
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.models.errors import DeskError
from desk.paths import resource
from desk.reports import pdf_fonts
from desk.reports.form_data import Form, LoanRegister, LoanSlip, render
from desk.reports.form_layout import Checks, Row, TextBox, register_blocks
from desk.reports.pdf_forms import render_pdf
from desk.reports.pdf_layout import (
    LANDSCAPE,
    NO_END,
    NO_START,
    PORTRAIT,
    PageFrame,
    clean,
    lay_out,
    qr_box,
    wrap,
)
from desk.reports.pdf_layout import render as render_blocks
from desk.reports.qr import QUIET, qr_matrix

POPPLER = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")


def run(*args: str | Path) -> str:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    assert not missing, f"poppler-utils is required (apt-get install poppler-utils): {missing}"
    return subprocess.run([str(a) for a in args], check=True, capture_output=True).stdout.decode()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text as copied out of the PDF, in drawing order."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return run("pdftotext", "-raw", "-enc", "UTF-8", *pages, path, "-")


def page_count(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", path)).group(1))


@pytest.fixture(params=sorted(ALL))
def rendered(request, tmp_path: Path) -> tuple[Form, Path]:
    form = ALL[request.param]()
    return form, render_pdf(form, tmp_path / f"{request.param}.pdf")


# --- every filled field is on the page, as text ------------------------------------------

# fields printed in another shape, or not at all (a slip or register has no state column)
NOT_AS_IS = {"quantity", "state", "overdue", "due_at", "start", "end"}


def printed_values(value: Any, name: str = "") -> list[str]:
    """The texts a form must show for ``value`` (a form, one of its parts, or a field)."""
    if name in NOT_AS_IS or value is None or isinstance(value, bool):
        return []
    if is_dataclass(value):
        return [v for f in fields(value) for v in printed_values(getattr(value, f.name), f.name)]
    if isinstance(value, tuple):
        return [v for item in value for v in printed_values(item, name)]
    if isinstance(value, datetime):
        return [f"{value:%Y-%m-%d %H:%M}"]
    if isinstance(value, date):
        return [value.isoformat()]
    if isinstance(value, Decimal):
        return [f"{value:.2f}"]
    return [str(value)] if str(value) else []


def test_every_filled_field_is_in_the_text(rendered) -> None:
    form, path = rendered
    text = squash(pdf_text(path))
    if isinstance(form, LoanRegister):  # times print without the date the subtitle gives
        rows = form.rows
        form = replace(form, rows=())
        for row in rows:
            times = [row.lent_at, row.expected_return_at, row.returned_at]
            values = printed_values(
                replace(row, lent_at=None, expected_return_at=None, returned_at=None)
            )
            values += [f"{t:%H:%M}" for t in times if t]
            for value in values:  # each in its own column (condition, refund, remarks …)
                assert squash(value) in text, value
    expected = printed_values(form)
    assert expected and OFFICE in expected
    missing = [v for v in expected if squash(v) not in text]
    assert missing == []


def test_rare_characters_copy_out_unchanged(tmp_path: Path) -> None:
    path = render_pdf(workorder(), tmp_path / "wo.pdf")
    text = pdf_text(path)
    # 堃 喆 燚 犇 from the main font, 䶮 (Extension A) and 𠮷 (Extension B) from the fallbacks
    for name in (REPORTER, DISPATCHER, "张犇师傅", "李燚"):
        assert name in text
    assert "₻" not in text  # what reportlab's own ToUnicode made of 𠮷


def test_to_unicode_patch_is_needed_and_called(tmp_path: Path, monkeypatch) -> None:
    """pdf_fonts replaces reportlab's ttfonts.makeToUnicodeCMap (pyproject caps reportlab's
    major version for it). Fails when reportlab writes 𠮷 right itself (drop the patch
    and the cap) or no longer calls that function (the patch would silently do nothing)."""
    from reportlab.pdfbase import ttfonts

    pdf_fonts.main_font()  # loading a font installs the replacement
    upstream = pdf_fonts._upstream
    assert upstream is not None and ttfonts.makeToUnicodeCMap is not upstream
    subset = [0, ord("王"), ord("𠮷")]
    assert "<02> <20BB7>" in upstream("F", subset).splitlines()  # 5 hex digits: unreadable
    fixed = ttfonts.makeToUnicodeCMap("F", subset).splitlines()
    assert "<02> <D842DFB7>" in fixed and "<01> <738B>" in fixed  # UTF-16, as PDF asks

    calls: list[str] = []
    replacement = ttfonts.makeToUnicodeCMap

    def recording(fontname: str, subset: list[int]) -> str:
        calls.append(cmap := replacement(fontname, subset))
        return cmap

    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", recording)
    render_pdf(workorder(), tmp_path / "wo.pdf")  # its reporter's name has 𠮷
    assert any("<D842DFB7>" in cmap for cmap in calls), "reportlab did not call the patch"


def test_fonts_are_embedded_subsets(rendered) -> None:
    form, path = rendered
    lines = run("pdffonts", path).splitlines()[2:]
    assert lines
    fonts = {}
    for line in lines:
        cells = line.split()
        name, (emb, sub, uni) = cells[0], cells[-5:-2]
        fonts[name.split("+", 1)[1]] = (emb, sub, uni)
    assert all(flags == ("yes", "yes", "yes") for flags in fonts.values()), fonts
    # the fallback fonts are there exactly when the page has a character only they have
    text = pdf_text(path)
    want = {"WenQuanYiMicroHei-0"}
    if any(ord(ch) > 0xFFFF for ch in text):
        want.add("HanaMinB")
    if "䶮" in text:
        want.add("DeskHanExtA-Regular")
    assert set(fonts) == want
    assert isinstance(form, LoanSlip) or len(want) > 1  # the samples name 𠮷 or 䶮


def test_pages_are_a4(rendered) -> None:
    form, path = rendered
    info = run("pdfinfo", "-f", "1", "-l", "99", path)
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert sizes and len(sizes) == page_count(path)
    want = (842, 595) if isinstance(form, LoanRegister) else (595, 842)
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {want}


def test_renders_through_the_one_door(tmp_path: Path) -> None:
    assert render(workorder(), tmp_path / "A.PDF").read_bytes().startswith(b"%PDF")


# --- long text continues on the next page, nothing outside the page or on top of another -----


def words(path: Path, tmp_path: Path) -> list[tuple[int, float, float, float, float, float, str]]:
    """(page, page width, xMin, yMin, xMax, yMax, text) of every word pdftotext finds."""
    out = tmp_path / "bbox.html"
    run("pdftotext", "-bbox", path, out)
    found = []
    for number, (width, height, body) in enumerate(
        re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out.read_text(), re.S),
        start=1,
    ):
        for box in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            body,
        ):
            x0, y0, x1, y1 = (float(v) for v in box.groups()[:4])
            assert 0 <= y0 < y1 <= float(height), box.group(0)
            found.append((number, float(width), x0, y0, x1, y1, box.group(5)))
    return found


def body_text(path: Path, form: Form, labels: list[str]) -> str:
    """The PDF's text without what every page repeats (head, foot, ``labels``), squashed."""
    text = re.sub(r"第\d+页/共\d+页", "", squash(pdf_text(path)))
    head = form.head
    repeated = [OFFICE, head.title, f"表单编号：{head.form_code}", f"单号：{head.serial}",
                head.subtitle, f"打印时间：{head.printed_at:%Y-%m-%d %H:%M}",
                f"{head.form_code}　{head.serial}", *labels]  # fmt: skip
    for piece in sorted(filter(None, repeated), key=len, reverse=True):  # 借用人签字 before 借用人
        text = text.replace(squash(piece), "")
    return text


def test_long_complaint_continues_across_pages(tmp_path: Path) -> None:
    description = sentences(3000)
    form = complaint(description=description)
    path = render_pdf(form, tmp_path / "long.pdf")
    pages = page_count(path)
    assert pages >= 3
    # the text reads on from page to page
    assert squash(description) in body_text(path, form, ["投诉内容（续）", "投诉内容"])
    assert f"第{pages}页/共{pages}页" in squash(pdf_text(path, pages))
    assert "投诉内容（续）" in pdf_text(path, 2)


def test_no_word_outside_the_page_or_over_another(tmp_path: Path) -> None:
    path = render_pdf(complaint(description=sentences(3000)), tmp_path / "long.pdf")
    found = words(path, tmp_path)
    margin = PORTRAIT.margin_x
    for _page, width, x0, _y0, x1, _y1, text in found:
        assert margin - 1 <= x0 < x1 <= width - margin + 1, text
    by_page: dict[int, list[tuple[float, float, float, float]]] = {}
    for page, _w, x0, y0, x1, y1, _t in found:
        by_page.setdefault(page, []).append((x0, y0, x1, y1))
    for page, boxes in by_page.items():
        boxes.sort()
        for i, (_ax0, ay0, ax1, ay1) in enumerate(boxes):
            for bx0, by0, _bx1, by1 in boxes[i + 1 :]:
                if bx0 >= ax1 - 0.5:
                    break  # sorted by xMin: no later box can reach back
                overlap_y = min(ay1, by1) - max(ay0, by0)
                assert overlap_y <= 0.5, f"page {page}: words overlap"


def test_long_cell_text_grows_the_row_instead_of_spilling(tmp_path: Path) -> None:
    target = "被投诉的是" + "物业保洁外包公司的夜班清运人员和他们的车辆" * 4
    form = complaint(target=target, occurred_place="地下车库B2层东侧出入口附近" * 3)
    path = render_pdf(form, tmp_path / "cells.pdf")
    assert squash(target) in squash(pdf_text(path))
    for _page, width, x0, _y0, x1, _y1, text in words(path, tmp_path):
        assert PORTRAIT.margin_x - 1 <= x0 < x1 <= width - PORTRAIT.margin_x + 1, text


# --- the QR code ---------------------------------------------------------------------------


def read_pgm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, width, height, _maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    return int(width), int(height), pixels


@pytest.mark.parametrize("name", ["workorder", "register"])
def test_qr_code_is_the_serial(name: str, tmp_path: Path) -> None:
    """Render page 1 and read every module back: the drawn matrix is the serial's."""
    form = ALL[name]()
    frame: PageFrame = LANDSCAPE if name == "register" else PORTRAIT
    path = render_pdf(form, tmp_path / "qr.pdf")
    dpi = 300
    run("pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", path,
        tmp_path / "page")  # fmt: skip
    width, _height, pixels = read_pgm(tmp_path / "page.pgm")
    scale = dpi / 72

    def dark(x_pt: float, y_pt: float) -> bool:
        px, py = round(x_pt * scale), round((frame.height - y_pt) * scale)
        return pixels[py * width + px] < 128

    matrix = qr_matrix(form.head.serial)
    n = len(matrix)
    x0, y0, side = qr_box(frame)
    module = side / n
    drawn = [
        [dark(x0 + (c + 0.5) * module, y0 + side - (r + 0.5) * module) for c in range(n)]
        for r in range(n)
    ]
    assert drawn == [list(row) for row in matrix]
    # the quiet zone around it is white, and inside the paper
    for k in range(-QUIET, n + QUIET):
        for r, c in ((-2, k), (n + 1, k), (k, -2), (k, n + 1)):
            assert not dark(x0 + (c + 0.5) * module, y0 + side - (r + 0.5) * module)
    assert x0 + side + QUIET * module <= frame.width and y0 + side + QUIET * module <= frame.height


def test_qr_matrix_encodes_the_serial() -> None:
    matrix = qr_matrix("PG-20261123-003")
    assert len(matrix) == 21  # version 1: large modules, easy to scan
    assert matrix[0][:7] == (True,) * 7  # a finder pattern in the corner


# --- fonts and wrapping --------------------------------------------------------------------


def test_text_is_split_into_runs_by_font() -> None:
    assert pdf_fonts.runs("王𠮷䶮a1") == [
        ("DeskSans", "王"),
        ("DeskHanB", "𠮷"),
        ("DeskHanExtA", "䶮"),
        ("DeskSans", "a1"),
    ]
    assert pdf_fonts.runs("") == []
    assert pdf_fonts.width("𠮷", 10) == pytest.approx(10, abs=1)


def test_wrap_keeps_words_and_punctuation_rules() -> None:
    width = pdf_fonts.width("中" * 12, 10)
    lines = wrap("请联系张师傅，电话13812345678，或者发邮件到repair@example.com。", width)
    assert any("13812345678" in line for line in lines)
    assert any("repair@example.com。" in line for line in lines)
    # a word longer than the line breaks after a hyphen, slash or dot
    assert wrap("JY-20261123-001", pdf_fonts.width("JY-20261123-00", 10)) == [
        "JY-20261123-",
        "001",
    ]
    assert all(line[0] not in NO_START for line in lines[1:])
    assert all(line[-1] not in NO_END for line in lines)
    assert wrap("", 100) == [""] and wrap("a\n\nb", 100) == ["a", "", "b"]
    assert wrap("甲\t乙\r\n丙\x00", 100) == ["甲    乙", "丙"]


TEXT = st.text(
    alphabet=st.sampled_from([*"中文字，。、（）《》“”测试 abcXYZ019-@./\n", "𠮷", "䶮"]),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.integers(min_value=20, max_value=400))
def test_wrap_loses_nothing_and_stays_inside(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert squash("".join(lines)) == squash(clean(text))
    for line in lines:
        assert len(line) <= 1 or pdf_fonts.width(line, 10) <= width + 0.01


def test_blocks_fill_pages_without_running_past_the_bottom() -> None:
    blocks = [Row([]), *[TextBox("说明", "字" * 500) for _ in range(6)]]
    pages = lay_out(PORTRAIT, blocks)
    assert len(pages) > 1
    for ops in pages:
        for op in ops:
            if op[0] == "r":
                _, _x, y, _w, h, _fill = op
                assert y >= PORTRAIT.body_bottom - 0.01 and y + h <= PORTRAIT.body_top + 0.01


def test_void_form_is_stamped(tmp_path: Path) -> None:
    form = workorder(head=replace(workorder().head, void_reason="业主重复报修"))
    text = pdf_text(render_pdf(form, tmp_path / "void.pdf"))
    assert "作废" in text and "作废原因" in text and "业主重复报修" in text


def test_check_boxes_carry_their_words() -> None:
    assert Checks(("满意", "不满意"), "满意").text() == "☑满意　□不满意"


def test_text_longer_than_a_page_in_a_cell_or_table_row_is_not_lost(tmp_path: Path) -> None:
    """A renderer takes any data: a cell or a register row longer than a page still
    prints in full, on as many pages as it needs, every word on the paper."""
    huge = sentences(2500)
    rows = ALL["register"]().rows
    register = replace(ALL["register"](), rows=(replace(rows[0], remarks=huge), *rows[1:]))
    # the register caps its cells at 3 lines (test_loan_register); its table uncapped
    table = replace(register_blocks(register)[0], max_lines=0)
    cases = [
        (complaint(witnesses=huge), None, ["证人（续）", "证人"]),
        (register, [table], [c.title for c in table.columns]),
    ]
    for n, (form, blocks, labels) in enumerate(cases):
        path = tmp_path / f"huge{n}.pdf"
        if blocks is None:
            render_pdf(form, path)
        else:
            render_blocks(path, LANDSCAPE, form.head, blocks)
        assert page_count(path) >= 2
        assert squash(huge) in body_text(path, form, labels)
        for _page, width, x0, _y0, x1, _y1, word in words(path, tmp_path):
            assert 0 <= x0 < x1 <= width, word


def test_a_missing_font_file_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(pdf_fonts.FONT_FILES, "DeskMissing", ("no-such-font.ttf", 0))
    with pytest.raises(DeskError, match=re.escape("找不到打印表单用的字体文件 no-such-font.ttf")):
        pdf_fonts._load("DeskMissing")


def test_fonts_ship_with_their_licences() -> None:
    folder = resource("fonts")
    for filename, _face in pdf_fonts.FONT_FILES.values():
        assert (folder / filename).is_file()
        assert filename in (folder / "README.md").read_text(encoding="utf-8")
    assert (folder / "WQY-MICROHEI-LICENSE.txt").is_file()
    assert "Hanazono Font License" in (folder / "HANAZONO-LICENSE.txt").read_text("utf-8")
