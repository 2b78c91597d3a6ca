"""月度服务统计 as xlsx: reopened with openpyxl (values, formats, charts, print settings) and
printed through LibreOffice, as the supervisor would."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers.statistics_samples import OFFICE, many_problems, problem, report
from helpers.xlsx_parts import charts
from openpyxl import load_workbook

from desk.reports.statistics_xlsx import SHEET_TITLE, write_statistics_xlsx


@pytest.fixture
def sheet(tmp_path: Path) -> Any:
    path = write_statistics_xlsx(report(), tmp_path / "统计.xlsx")
    return load_workbook(path)[SHEET_TITLE]


def find(ws: Any, text: str) -> tuple[int, int]:
    """(row, column) of the first cell holding ``text``."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} is not on the sheet")


def row_after(ws: Any, section: str, first: str) -> list[Any]:
    """The values of the row whose first cell is ``first``, in section ``section``."""
    start, _ = find(ws, section)
    for r in range(start + 1, ws.max_row + 1):
        if ws.cell(r, 1).value == first:
            return [ws.cell(r, c).value for c in range(1, 11)]
    raise AssertionError(f"no row {first!r} under {section!r}")


def test_the_title_and_the_heading(sheet) -> None:
    assert sheet["A1"].value == OFFICE
    assert sheet["A2"].value == "月度服务统计（2026年10月）"
    assert "A2:J2" in {str(r) for r in sheet.merged_cells.ranges}
    assert "统计期间：2026-10-01 至 2026-10-31" in sheet["A3"].value
    assert "生成时间：2026-11-02 09:30" in sheet["A3"].value


def test_counts_are_numbers_with_the_month_before_and_the_change(sheet) -> None:
    # 概况: the first column spans three grid columns
    assert row_after(sheet, "概况", "报修（单）")[:6] == ["报修（单）", None, None, 12, 4, 8]
    assert sheet.cell(find(sheet, "报修（单）")[0], 6).number_format == "+0;-0;0"
    # 投诉类别与严重程度: 类别 | 重大 重要 轻微 | 合计 | 上月合计 | 变化
    assert row_after(sheet, "投诉类别与严重程度", "物业管理")[:9] == [
        "物业管理", None, 0, 1, 2, 3, 0, 3, None,
    ]  # fmt: skip
    assert row_after(sheet, "投诉类别与严重程度", "合计")[2:8] == [1, 1, 3, 5, 1, 4]


def test_shares_are_fractions_with_a_percent_format(sheet) -> None:
    r, _ = find(sheet, "报修响应及时率")
    values = row_after(sheet, "报修响应及时率", "一般")
    # 紧急程度 (2) | 按时 超时 未到期 | 及时率 | 上月及时率 | 变化（百分点）
    assert values[2:8] == [3, 1, 0, 0.75, 0.0, 75.0]
    total_row = next(row for row in range(r, r + 12) if sheet.cell(row, 1).value == "合计")
    assert sheet.cell(total_row, 6).value == 0.75  # 9 of 12 judged, all urgencies
    assert sheet.cell(total_row, 6).number_format == "0.0%"
    assert sheet.cell(total_row, 8).number_format == "+0.0;-0.0;0.0"
    assert sheet.cell(total_row, 6).font.b


def test_nothing_to_measure_is_a_dash_and_durations_have_one_place(sheet) -> None:
    # 投诉答复用时（小时）: 轻微 answered twice, 21 h median, 23.4 h P90; none in September
    values = row_after(sheet, "投诉答复用时（小时）", "轻微")
    assert values[2:9] == [2, 21.0, "—", "—", 23.4, "—", "—"]
    r, _ = find(sheet, "投诉答复用时（小时）")
    minor = next(row for row in range(r, r + 8) if sheet.cell(row, 1).value == "轻微")
    assert sheet.cell(minor, 4).number_format == "0.0"
    # 回访率: the verdict is text
    assert row_after(sheet, "回访率", "报修")[:10] == [
        "报修", 7, 6, 1, 1, 0.875, 0.9, "未达标", "—", "—",
    ]  # fmt: skip


def test_native_charts_reference_the_table_cells(tmp_path: Path) -> None:
    path = write_statistics_xlsx(report(), tmp_path / "统计.xlsx")
    sheet = load_workbook(path)[SHEET_TITLE]
    found = charts(path)
    assert [c.title for c in found] == [
        "各类别投诉件数（按严重程度）",
        "报修响应及时率：本月与上月",
        "报修完成及时率：本月与上月",
        "本月回访评价",
        "各时段登记数量",
    ]
    complaints = found[0]
    assert complaints.kind == "barChart" and complaints.grouping == "stacked"
    head, _ = find(sheet, "重大")
    first, last = head + 1, head + 3  # 工程质量 … 客户服务; the 合计 row is not plotted
    refs = [s.values for s in complaints.series]
    assert refs == [f"'{SHEET_TITLE}'!${col}${first}:${col}${last}" for col in "CDE"]
    assert complaints.series[0].name == f"'{SHEET_TITLE}'!C{head}"  # "重大"
    assert complaints.series[0].categories == f"'{SHEET_TITLE}'!$A${first}:$A${last}"

    response = found[1]
    assert response.grouping == "clustered" and response.value_format == "0%"
    head = find(sheet, "报修响应及时率")[0] + 2
    assert [s.values for s in response.series] == [
        f"'{SHEET_TITLE}'!$F${head + 1}:$F${head + 4}",  # 及时率 of the four urgencies
        f"'{SHEET_TITLE}'!$G${head + 1}:$G${head + 4}",  # 上月及时率
    ]
    pie = found[3]
    assert pie.kind == "pieChart"
    head = find(sheet, "回访满意度")[0] + 2
    assert pie.series[0].values == f"'{SHEET_TITLE}'!$E${head + 1}:$E${head + 4}"
    hours = found[4]
    assert len(hours.series) == 4 and hours.grouping == "stacked"
    head = find(sheet, "忙闲时段")[0] + 2
    assert hours.series[0].values == f"'{SHEET_TITLE}'!$C${head + 1}:$C${head + 24}"


def test_print_ready(sheet) -> None:
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "portrait")
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddFooter.center.text == "第 &P 页 / 共 &N 页"
    assert "月度服务统计（2026年10月）" in sheet.oddFooter.left.text
    # borders on the tables, none on the title
    r, c = find(sheet, "物业管理")
    assert sheet.cell(r, c).border.left.style == "thin"
    assert sheet["A2"].border.left is None or sheet["A2"].border.left.style is None
    assert sheet.row_breaks.brk  # sections start a new page rather than split


def test_place_names_are_never_formulas(tmp_path) -> None:
    problems = (problem('=HYPERLINK("http://x")', "水电", ("PG-1", "PG-2"), 1),)
    path = write_statistics_xlsx(report(problems), tmp_path / "统计.xlsx")
    ws = load_workbook(path)[SHEET_TITLE]
    r, c = find(ws, '=HYPERLINK("http://x")')
    cell = ws.cell(r, c)
    assert cell.data_type == "s" and cell.quotePrefix


def test_a_long_repeat_list_is_written_whole(tmp_path) -> None:
    path = write_statistics_xlsx(report(many_problems(120)), tmp_path / "统计.xlsx")
    ws = load_workbook(path)[SHEET_TITLE]
    r, _ = find(ws, "最后一处")
    first, _ = find(ws, "健身广场")
    serials = ws.cell(first, 5).value
    assert serials.count("PG-") == 40 and "\n" in serials  # broken between the serials
    assert ws.row_dimensions[first].height > 100
    assert r > first + 100
    assert len(ws.row_breaks.brk) >= 3


def test_libreoffice_prints_it(tmp_path) -> None:
    path = write_statistics_xlsx(report(), tmp_path / "统计.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "统计.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "月度服务统计（2026年10月）" in text
    assert "75.0%" in text and "87.5%" in text and "未达标" in text
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", text)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert "595" in info.stdout and "841" in info.stdout  # A4 in points


def test_an_empty_month_says_so(read, tmp_path) -> None:
    from helpers.statistics_samples import AS_OF

    from desk.services.views import statistics_tables

    with read(AS_OF) as ctx:
        empty = statistics_tables.load(ctx, 2025, 2)
    path = write_statistics_xlsx(empty, tmp_path / "统计.xlsx")
    ws = load_workbook(path)[SHEET_TITLE]
    assert ws["A2"].value == "月度服务统计（2025年2月）"
    find(ws, "2025年2月无数据：这个月没有登记任何记录。")
    find(ws, "本月没有重复问题")
    assert charts(path) == []  # no chart of nothing
    assert row_after(ws, "概况", "报修（单）")[3:6] == [0, 0, 0]
    assert row_after(ws, "报修响应及时率", "紧急")[5:8] == ["—", "—", "—"]
