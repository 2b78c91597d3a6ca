"""The forms as xlsx, reloaded with openpyxl (cells, types, print settings, QR code, no
formulas) and converted by LibreOffice to PDF, as an office would print them.

LibreOffice (libreoffice-calc-nogui) and poppler-utils are required: CI installs them.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.form_samples import ALL, REPORTER, complaint, register, sentences, workorder
from helpers.xlsx_parts import picture_anchors, print_with_libreoffice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from PIL import Image

from desk.reports.form_data import LoanRegister, render
from desk.reports.qr import QUIET, qr_matrix
from desk.reports.xlsx_forms import LABEL_COLS, TEXT_ROW_LINES, _split_text, _step, render_xlsx

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def load(path: Path) -> Any:
    return load_workbook(path).active


def labelled(ws: Any) -> dict[str, Any]:
    """label → the cell right of it (the first of each label, top to bottom)."""
    found: dict[str, Any] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.style == "form_label" and isinstance(cell.value, str):
                found.setdefault(cell.value, ws.cell(cell.row, cell.column + LABEL_COLS))
    return found


def row_of(ws: Any, value: Any) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == value)


@pytest.fixture(params=sorted(ALL))
def sheet(request, tmp_path: Path) -> tuple[Any, Any, Path]:
    form = ALL[request.param]()
    path = render_xlsx(form, tmp_path / f"{request.param}.xlsx")
    return form, load(path), path


def test_workorder_cells_are_typed(tmp_path: Path) -> None:
    ws = load(render(workorder(), tmp_path / "wo.xlsx"))
    assert ws["A1"].value == "阳光花园物业服务中心" and ws["A2"].value == "派工单"
    assert "PG-20261123-003" in ws["A3"].value and "QR-025SD" in ws["A3"].value
    cells = labelled(ws)
    assert cells["报修时间"].value == datetime(2026, 11, 23, 8, 12)
    assert cells["报修时间"].number_format == "yyyy-mm-dd hh:mm"
    assert cells["预计到料"].value == datetime(2026, 11, 24) and (
        cells["预计到料"].number_format == "yyyy-mm-dd"
    )
    assert cells["报修人"].value == REPORTER
    assert cells["维修人员/班组"].value == "工程部 张犇师傅"
    assert cells["有偿服务"].value == "☑是　□否"
    assert cells["回访满意度"].value == "□非常满意　☑满意　□基本满意　□不满意"
    assert cells["合计（元）"].value == 90 and cells["合计（元）"].number_format == "0.00"
    assert cells["人工费（元）"].data_type == "n"
    assert cells["到场时间"].value == datetime(2026, 11, 23, 8, 35)
    assert cells["报修内容"].value == workorder().description
    assert cells["业主签字"].value is None  # signed by hand
    # the materials table: number, name, quantity, unit price, amount as numbers
    r = row_of(ws, "不锈钢编织软管 60cm")
    values = [c.value for c in ws[r] if c.value is not None]
    assert values == [2, "不锈钢编织软管 60cm", 2, 12.5, 25]


def test_print_settings(sheet) -> None:
    form, ws, _path = sheet
    landscape = isinstance(form, LoanRegister)
    ps = ws.page_setup
    assert ps.orientation == ("landscape" if landscape else "portrait")
    assert int(ps.paperSize) == 9  # A4
    assert (int(ps.fitToWidth), int(ps.fitToHeight)) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == ("$1:$4" if landscape else "$1:$3")
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert form.head.serial in ws.oddFooter.left.text
    title = next(r for r in ws.merged_cells.ranges if r.min_row == r.max_row == 2)
    assert title.min_col == 1 and title.max_col >= 10
    assert ws["A2"].value == form.head.title and ws["A2"].font.b
    thin = [c for row in ws.iter_rows(min_row=5) for c in row if c.border.left.style == "thin"]
    assert thin  # a bordered grid
    assert ws.print_area


def test_qr_code_image_is_the_serial(sheet) -> None:
    form, ws, path = sheet
    [(row, col)] = picture_anchors(path)
    assert row == 0 and col >= ws.max_column - 3  # beside the title
    with zipfile.ZipFile(path) as z:
        png = z.read(next(n for n in z.namelist() if n.startswith("xl/media/")))
    image = Image.open(io.BytesIO(png)).convert("L")
    matrix = qr_matrix(form.head.serial)
    module = image.width / (len(matrix) + 2 * QUIET)
    drawn = [
        [image.getpixel((int((QUIET + c + 0.5) * module), int((QUIET + r + 0.5) * module))) < 128
         for c in range(len(matrix))]
        for r in range(len(matrix))
    ]  # fmt: skip
    assert drawn == [list(row) for row in matrix]


def test_register_columns_and_rows(tmp_path: Path) -> None:
    ws = load(render_xlsx(register(), tmp_path / "reg.xlsx"))
    header = [c.value for c in ws[4]]
    assert header == ["序号", "状态", "单号", "借出时间", "物品", "数量", "借用人", "房号",
                      "联系电话", "押金（元）", "预计归还", "借用人签字", "借出人", "归还时间",
                      "归还状况", "退还押金（元）", "收回人", "备注"]  # fmt: skip
    first = [c.value for c in ws[5]]
    assert first[:10] == [1, "▲逾期", "JY-20261123-001", datetime(2026, 11, 23, 9, 10), "人字梯",
                          2, "孙燚", "2-1-101", "13812340001", 100]  # fmt: skip
    assert ws["D5"].number_format == "hh:mm"  # a one-day register: the time is enough
    assert ws["K6"].number_format == "mm-dd hh:mm"  # due back the next day
    assert ws["L5"].value is None  # the borrower's signature box
    assert ws["R5"].value == "=1+1" and ws["R7"].value == "@all -先借后登；作废：登记错了"
    # returned: time, condition and who took it back in their own columns (no deposit)
    assert [ws[f"{c}6"].value for c in "NOPQ"] == [datetime(2026, 11, 23, 16), "完好", None, "李燚"]
    assert ws["G7"].value == "吴𠮷" and ws["B7"].value == "作废"
    # overdue bold, voided struck through (not the mark saying so), the others plain
    assert all(ws.cell(5, c).font.b for c in range(1, 19))
    assert all(ws.cell(7, c).font.strike for c in range(1, 19) if c != 2)
    assert not ws["B7"].font.strike and not ws["A6"].font.b and not ws["A6"].font.strike
    assert ws.freeze_panes == "A5"
    assert ws.max_row >= 4 + 15  # blank rows to write in by hand
    assert all(ws.cell(r, 1).border.left.style == "thin" for r in range(4, ws.max_row + 1))


def test_no_formula_cells_from_user_text(tmp_path: Path) -> None:
    crafted = {
        "reporter": '=HYPERLINK("http://x","点我")',
        "description": "+86 138 不要打",
        "location": "-1层",
        "assignee": "@all",
        "cause": "=1+1",
    }
    ws = load(render_xlsx(workorder(**crafted), tmp_path / "wo.xlsx"))
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    cells = labelled(ws)
    expected = [
        ("报修人", crafted["reporter"]),
        ("报修内容", crafted["description"]),
        ("报修位置", "-1层"),
        ("维修人员/班组", "@all"),
        ("故障原因", "=1+1"),
    ]
    for label, value in expected:
        assert cells[label].value == value and cells[label].data_type == "s"
        assert cells[label].quotePrefix
    reg = load(render_xlsx(register(), tmp_path / "reg.xlsx"))
    assert not [c for row in reg.iter_rows() for c in row if c.data_type == "f"]


def test_control_characters_are_dropped_not_fatal(tmp_path: Path) -> None:
    form = workorder(reporter="王\x01五\x0b", description="漏水\r\n很急\x00")
    cells = labelled(load(render_xlsx(form, tmp_path / "wo.xlsx")))
    assert cells["报修人"].value == "王五" and cells["报修内容"].value == "漏水\n很急"


def test_long_complaint_is_spread_over_rows_and_loses_nothing(tmp_path: Path) -> None:
    description = sentences(3000)
    form = complaint(description=description, witnesses=sentences(2500))
    ws = load(render_xlsx(form, tmp_path / "long.xlsx"))
    assert labelled(ws)["证人"].value == sentences(2500)  # whole in its cell
    assert all(d.height is None or d.height <= 409 for d in ws.row_dimensions.values())
    label = row_of(ws, "投诉内容")
    merged = next(r for r in ws.merged_cells.ranges if (r.min_row, r.min_col) == (label, 1))
    pieces = [ws.cell(r, LABEL_COLS + 1).value for r in range(merged.min_row, merged.max_row + 1)]
    assert len(pieces) > 1 and "".join(pieces) == description
    for r in range(merged.min_row, merged.max_row + 1):
        assert 20 <= ws.row_dimensions[r].height <= 409  # Excel's limit; under a page


@pytest.fixture(scope="module")
def libreoffice_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every form's xlsx converted by LibreOffice in one run (it takes seconds to start)."""
    folder = tmp_path_factory.mktemp("lo")
    sources = [render_xlsx(make(), folder / f"{name}.xlsx") for name, make in sorted(ALL.items())]
    print_with_libreoffice(sources, folder)
    return {name: folder / f"{name}.pdf" for name in ALL}


@pytest.mark.parametrize("name", sorted(ALL))
def test_libreoffice_prints_it_on_a4(name: str, libreoffice_pdfs: dict[str, Path]) -> None:
    path = libreoffice_pdfs[name]
    form = ALL[name]()
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size, info
    want = (842, 595) if isinstance(form, LoanRegister) else (595, 842)
    assert (round(float(size.group(1))), round(float(size.group(2)))) == want
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert form.head.title in flat and form.head.serial in flat
    assert "第1页/共" in flat  # the footer's page number
    assert "###" not in flat  # every date and number fits its column


FORMULA_LIKE = st.sampled_from(["=", "+", "-", "@", "=1+1", "=SUM(A1:A9)", "-2", "+x"])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=st.one_of(st.just(""), FORMULA_LIKE), body=TEXT)
def test_any_text_comes_back_as_the_same_text(prefix: str, body: str, tmp_path: Path) -> None:
    text = prefix + body
    form = workorder(reporter=text, cause=text)
    ws = load(render_xlsx(form, tmp_path / "any.xlsx"))
    expected = ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    cells = labelled(ws)
    assert cells["报修人"].value == (expected or None)
    if expected.strip():  # a long text's box; a blank one gets lines to write on instead
        assert cells["故障原因"].value == expected
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]


@settings(max_examples=100, deadline=None)
@given(st.text(st.sampled_from([*"中文字，。abc 12", "\n", "𠮷"]), max_size=3000))
def test_long_text_pieces_join_back_and_fit_a_row(text: str) -> None:
    chars = 60.0
    pieces = _split_text(text, chars)
    assert "".join(pieces) == text
    for piece in pieces:
        lines, _width = 1, 0
        for ch in piece:
            lines, _width = _step(ch, lines, _width, chars)
        assert lines <= TEXT_ROW_LINES + 1  # a cut after a line break leaves it the last
