"""A list as print-ready xlsx, reloaded with openpyxl (and printed by LibreOffice)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from desk.reports.list_xlsx import HEADER_ROW, WIDE_MAX_WIDTH, SheetColumn, write_list

COLUMNS = [
    SheetColumn("单号"),
    SheetColumn("时间", "datetime"),
    SheetColumn("姓名"),
    SheetColumn("数量", "int"),
    SheetColumn("押金", "number"),
    SheetColumn("约定日期", "date"),
    SheetColumn("内容", "wide"),
]
T0 = datetime(2026, 11, 29, 15, 29)
ROWS = [
    ("JY-20261129-001", T0, "张三", 2, Decimal("50.00"), date(2026, 12, 1), "折叠梯借用"),
    ("JY-20261129-002", T0 - timedelta(hours=1), "=1+1", 1, None, None, ""),
    ("JY-20261129-003", None, "@SUM(A1)", 0, Decimal("0.5"), None, "-1"),
]
FORMULA_LIKE = ["=1+1", "@SUM(A1)", "-1", "+86 138", '=HYPERLINK("x")', "\tTAB", "#N/A"]


def write(path: Path, rows=ROWS, columns=COLUMNS, **kw) -> int:
    values = {"title": "物品借用列表", "subtitle": "范围：全部　日期：不限", "footer": "导出于 x"}
    return write_list(path, columns=columns, rows=rows, **values | kw)


@pytest.fixture
def sheet(tmp_path: Path):
    path = tmp_path / "list.xlsx"
    assert write(path) == 3
    return load_workbook(path).active


def test_title_subtitle_header_and_typed_values(sheet) -> None:
    assert sheet.title == "物品借用列表"
    assert sheet["A1"].value == "物品借用列表" and sheet["A1"].font.b
    assert sheet["A2"].value == "范围：全部　日期：不限"
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:G1", "A2:G2"}
    assert [c.value for c in sheet[HEADER_ROW]] == [c.title for c in COLUMNS]
    assert all(c.font.b and c.border.bottom.style == "thin" for c in sheet[HEADER_ROW])
    first = sheet[HEADER_ROW + 1]
    assert [c.value for c in first] == [
        "JY-20261129-001", T0, "张三", 2, 50, datetime(2026, 12, 1), "折叠梯借用"
    ]  # fmt: skip
    time_cell, qty, deposit, day = first[1], first[3], first[4], first[5]
    assert isinstance(time_cell.value, datetime) and time_cell.is_date
    assert time_cell.number_format == "yyyy-mm-dd hh:mm"
    assert day.is_date and day.number_format == "yyyy-mm-dd"
    assert qty.data_type == "n" and isinstance(qty.value, int)
    assert deposit.data_type == "n" and deposit.number_format == "0.00"
    assert all(c.border.left.style == "thin" for c in first)
    # empty values are empty cells, still with their border
    second = sheet[HEADER_ROW + 2]
    assert [c.value for c in second][4:] == [None, None, None]
    assert second[6].border.left.style == "thin"
    assert sheet.max_row == HEADER_ROW + 3
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:G{HEADER_ROW + 3}"


def test_print_setup(sheet) -> None:
    setup = sheet.page_setup
    assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert setup.orientation == "portrait"  # the columns' widths add up to less than A4's
    # one page wide (XlsxWriter leaves out fitToWidth="1": the file format's default)
    assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.oddFooter.center.text == "第 &P 页 / 共 &N 页"
    assert sheet.oddFooter.left.text == "物品借用列表"
    assert sheet.oddFooter.right.text == "导出于 x"


def test_footer_escapes_ampersands(tmp_path: Path) -> None:
    path = tmp_path / "narrow.xlsx"
    write(path, [("a", 1)], [SheetColumn("名称"), SheetColumn("数量", "int")], title="A&B 列表")
    ws = load_workbook(path).active
    assert ws.oddFooter.left.text == "A&&B 列表"  # a lone & would start a footer code


def test_widths_follow_content_and_long_text_wraps(tmp_path: Path) -> None:
    long = "业主反映卫生间顶部渗水，楼上住户不在家，需要联系楼上业主后上门查看处理" * 2
    path = tmp_path / "wide.xlsx"
    rows = [("PG-20261129-001", T0, "欧阳娜娜", 1, None, None, long), *ROWS]
    write(path, rows)
    ws = load_workbook(path).active
    widths = {  # one <col> element may cover neighbours of the same width
        get_column_letter(i): d.width
        for d in ws.column_dimensions.values()
        for i in range(d.min, d.max + 1)
    }
    assert widths["A"] >= len("PG-20261129-001") and widths["B"] >= 16
    assert widths["C"] >= 8  # four Chinese characters
    assert widths["G"] == WIDE_MAX_WIDTH
    assert ws[f"G{HEADER_ROW + 1}"].alignment.wrap_text
    assert ws.row_dimensions[HEADER_ROW + 1].height >= 4 * 13.5  # 140 units on ~43 a line
    assert ws.row_dimensions[HEADER_ROW + 2].height is None  # one line: the default height
    assert ws.page_setup.orientation == "landscape"  # too wide for A4 portrait now


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_stays_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.xlsx"
    write(path, [("x", T0, text, 1, None, None, text)])
    ws = load_workbook(path).active
    for cell in (ws[f"C{HEADER_ROW + 1}"], ws[f"G{HEADER_ROW + 1}"]):
        assert cell.value == text and cell.data_type == "s"
        assert cell.quotePrefix == (text[0] in "=+-@\t")
    with zipfile.ZipFile(path) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_no_formula_anywhere(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    rows = [(t, T0, t, 1, None, None, t) for t in FORMULA_LIKE]
    write(path, rows, title="=cmd|' /C calc'!A0", subtitle="@SUM(1)")
    ws = load_workbook(path).active
    assert ws["A1"].value == "=cmd|' /C calc'!A0" and ws["A1"].data_type == "s"
    assert ws["A2"].value == "@SUM(1)" and ws["A2"].quotePrefix
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_control_characters_are_dropped_and_enum_text_kept(tmp_path: Path) -> None:
    from enum import StrEnum

    class State(StrEnum):
        DONE = "已完成"

    path = tmp_path / "c.xlsx"
    write(path, [("a\x00b\x07\uffff", T0, State.DONE, 1, None, None, "ok")])
    ws = load_workbook(path).active
    assert ws[f"A{HEADER_ROW + 1}"].value == "ab"
    assert ws[f"C{HEADER_ROW + 1}"].value == "已完成"


def test_empty_list_keeps_title_and_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    assert write(path, []) == 0
    ws = load_workbook(path).active
    assert ws.max_row == HEADER_ROW and ws["A3"].value == "单号"


def test_bad_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    with pytest.raises(ValueError, match="kind"):
        write(path, columns=[SheetColumn("x", "money")])
    with pytest.raises(ValueError, match="3 values for 7 columns"):
        write(path, [("a", T0, "b")])
    with pytest.raises(TypeError, match="cannot write"):
        write(path, [("a", T0, "b", 1, None, None, object())])


def test_failed_export_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    write(path)
    before = path.read_bytes()

    def broken():
        yield from ROWS
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write(path, broken())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.glob("*.xlsx")] == ["list.xlsx"]  # no part file left


# XML 1.0 cannot hold control characters (dropped, see above) nor a CR (read back as LF);
# lone surrogates cannot be encoded. U+FFFE/U+FFFF are dropped. Everything else must come
# back exactly, as text.
TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(13, 32)])),
    ),
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(TEXT, min_size=1, max_size=5))
def test_any_text_round_trips_as_text(tmp_path: Path, texts: list[str]) -> None:
    path = tmp_path / "p.xlsx"
    columns = [SheetColumn("文本"), SheetColumn("长文本", "wide")]
    write(path, [(t, t) for t in texts], columns)
    ws = load_workbook(path).active
    for text, row in zip(texts, ws.iter_rows(min_row=HEADER_ROW + 1), strict=True):
        expected = text.replace("\ufffe", "").replace("\uffff", "")
        for cell in row:
            if expected == "":
                assert cell.value is None
            else:
                assert cell.value == expected and cell.data_type == "s"


def test_libreoffice_prints_title_values_and_repeats_the_header(tmp_path: Path) -> None:
    """LibreOffice (installed in CI: libreoffice-calc-nogui, poppler-utils) converts the
    file to PDF; a list of three pages shows the header on every page."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (apt install libreoffice-calc-nogui)"
    assert shutil.which("pdftotext"), "poppler-utils is needed"
    rows = [
        (f"JY-20261129-{i:03d}", T0 - timedelta(minutes=i), f"借用人{i}", i, None, None, "雨伞")
        for i in range(150)
    ]
    path = tmp_path / "printed.xlsx"
    write(path, rows)
    profile = tmp_path / "lo-profile"  # a private profile: runs in parallel never collide
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "printed.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = ["".join(p.split()) for p in text.split("\f") if p.strip()]  # without spaces
    assert len(pages) >= 3
    assert "物品借用列表" in pages[0] and "JY-20261129-000" in pages[0]
    assert "2026-11-2915:29" in pages[0]  # the date as a date, formatted
    for number, page in enumerate(pages, start=1):
        assert "单号" in page and "借用人" in page, f"no header on page {number}"
        assert f"第{number}页/共{len(pages)}页" in page
    assert "JY-20261129-149" in pages[-1]
