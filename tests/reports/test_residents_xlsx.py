"""业主信息一览表 (QR-036SD) as xlsx, reloaded with openpyxl: cells, masking, no formulas."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desk.reports.residents_xlsx import FORM_CODE, write_resident_list
from desk.services.io import resident_import
from desk.services.records import residents
from desk.services.records.residents import ResidentDraft

ROWS = [
    {
        "room": "3-2-1201",
        "name": "张三",
        "role": "业主",
        "phones": "138****5678",
        "area_m2": 89.5,
        "moved_in": date(2020, 5, 1),
        "moved_out": None,
        "notes": "",
    },
    {
        "room": "3-2-1202",
        "name": "=1+1",  # typed by someone: must stay text
        "role": "租户",
        "phones": "",
        "area_m2": None,
        "moved_in": None,
        "moved_out": date(2026, 1, 1),
        "notes": "+86 不要打 @all -x",
    },
]


@pytest.fixture
def sheet(tmp_path: Path):
    path = tmp_path / "list.xlsx"
    n = write_resident_list(
        path, ROWS, office="阳光花园物业服务中心", exported_at=datetime(2026, 11, 23, 10, 0)
    )
    assert n == 2
    return load_workbook(path).active


def test_title_header_and_cells(sheet) -> None:
    assert sheet["A1"].value == "阳光花园物业服务中心业主信息一览表"
    assert "A1:H1" in {str(r) for r in sheet.merged_cells.ranges}
    assert FORM_CODE in sheet["A2"].value and "2026-11-23 10:00" in sheet["A2"].value
    header = [c.value for c in sheet[3]]
    assert header == ["序号", "房号", "姓名", "身份", "联系电话", "建筑面积", "入住日期", "备注"]
    assert all(c.font.b for c in sheet[3])
    first = [c.value for c in sheet[4]]
    assert first == [1, "3-2-1201", "张三", "业主", "138****5678", 89.5, datetime(2020, 5, 1), None]
    assert sheet["G4"].number_format == "yyyy-mm-dd"
    assert sheet["F4"].number_format == "0.00"
    assert sheet.column_dimensions["E"].width >= 20
    assert sheet.max_row == 5


def test_text_that_looks_like_a_formula_stays_text(sheet) -> None:
    assert sheet["C5"].value == "=1+1"
    assert sheet["C5"].data_type == "s" and sheet["C5"].quotePrefix
    assert sheet["H5"].value == "+86 不要打 @all -x" and sheet["H5"].quotePrefix
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_print_settings(sheet) -> None:
    ps = sheet.page_setup
    assert ps.orientation == "landscape"
    assert int(ps.paperSize) == 9  # A4
    assert (int(ps.fitToWidth), int(ps.fitToHeight)) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"  # the header repeats on every page
    assert sheet.freeze_panes == "A4"
    assert "&P" in sheet.oddFooter.center.text


def test_moved_out_column_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "all.xlsx"
    write_resident_list(path, ROWS, include_moved_out=True)
    ws = load_workbook(path).active
    assert ws["A1"].value == "业主信息一览表"
    assert [c.value for c in ws[3]][-2:] == ["迁出日期", "备注"]
    assert ws.cell(5, 8).value == datetime(2026, 1, 1)


def test_export_masks_phones_by_default(write, read, staff_id, tmp_path: Path) -> None:
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678 / 021-87654321"))
        residents.add(ctx, ResidentDraft("=HYPERLINK(1)", "3-2-1202"))
        gone = residents.add(ctx, ResidentDraft("李四", "3-2-1203", phones="13900001111"))
        residents.move_out(ctx, gone.id, date(2026, 11, 1))
    masked, full = tmp_path / "masked.xlsx", tmp_path / "full.xlsx"
    with read() as ctx:
        assert resident_import.export_residents_xlsx(ctx.session, masked, staff_id=staff_id) == 2
        resident_import.export_residents_xlsx(
            ctx.session, full, staff_id=staff_id, full_phones=True
        )
    ws = load_workbook(masked).active
    assert ws["A1"].value == "阳光花园物业服务中心业主信息一览表"  # the office's name
    assert "隐藏" in ws["A2"].value
    assert ws["E4"].value == "138****5678、021-****4321"
    assert not any("13812345678" in str(c.value) for row in ws.iter_rows() for c in row)
    assert ws["C5"].value == "=HYPERLINK(1)" and ws["C5"].data_type == "s"
    ws = load_workbook(full).active
    assert ws["E4"].value == "13812345678、021-87654321"
    assert "完整电话" in ws["A2"].value
