"""业主信息一览表 (QR-036SD) and the import's rejected rows as ``.xlsx`` — plain data in.

Formula-safe (``xlsx_common.safe_cell``): text that begins with ``= + - @`` stays text.

Print-ready: A4 landscape, scaled to the page width, the header row repeated on every
page, page numbers in the footer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desk.reports.xlsx_common import add_styles, named_style, print_setup, safe_cell
from desk.reports.xlsx_common import save as _save
from desk.reports.xlsx_common import text_width as _text_width

__all__ = [
    "FORM_CODE",
    "RESIDENT_COLUMNS",
    "safe_cell",
    "write_rejects",
    "write_resident_list",
]

FORM_CODE = "QR-036SD"
TITLE = "业主信息一览表"

# (key in the row dicts, header, column width in characters)
RESIDENT_COLUMNS: list[tuple[str, str, float]] = [
    ("no", "序号", 6),
    ("room", "房号", 12),
    ("name", "姓名", 12),
    ("role", "身份", 7),
    ("phones", "联系电话", 30),
    ("area_m2", "建筑面积", 10),
    ("moved_in", "入住日期", 12),
    ("notes", "备注", 36),
]
MOVED_OUT_COLUMN = ("moved_out", "迁出日期", 12)


def _styles(wb: Any) -> dict[str, str]:
    return add_styles(
        wb,
        {
            "title": named_style("desk_title", size=16, bold=True, border=False),
            "sub": named_style("desk_sub", border=False, align=None),
            "head": named_style("desk_head", size=11, bold=True, fill="E8E8E8"),
            "body": named_style("desk_body"),
            "body_left": named_style("desk_body_left", align="left"),
            "area": named_style("desk_area", number_format="0.00"),
            "day": named_style("desk_day", number_format="yyyy-mm-dd"),
        },
    )


def _print_setup(ws: Any, header_row: int, last_col: str) -> None:
    rows = f"{header_row}:{header_row}"
    print_setup(ws, landscape=True, title_rows=rows, footer="第 &P 页，共 &N 页")
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{last_col}{header_row}"


def _header(ws: Any, row: int, columns: Sequence[tuple[str, str, float]], st: dict) -> None:
    from openpyxl.utils import get_column_letter

    for col, (_key, label, width) in enumerate(columns, start=1):
        safe_cell(ws, row, col, label, st["head"])
        ws.column_dimensions[get_column_letter(col)].width = width


def write_resident_list(
    path: Path | str,
    rows: Iterable[Mapping[str, Any]],
    *,
    office: str = "",
    exported_at: datetime | None = None,
    phones_masked: bool = True,
    include_moved_out: bool = False,
) -> int:
    """Write 业主信息一览表; returns the number of residents written.

    ``rows``: dicts with ``room, name, role, phones`` (text, already masked or not),
    ``area_m2`` (number or None), ``moved_in``/``moved_out`` (date or None), ``notes``.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    columns = list(RESIDENT_COLUMNS)
    if include_moved_out:
        columns.insert(-1, MOVED_OUT_COLUMN)
    last = get_column_letter(len(columns))
    wb = Workbook()
    st = _styles(wb)
    ws = wb.active
    ws.title = TITLE
    when = (exported_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    safe_cell(ws, 1, 1, f"{office}{TITLE}" if office else TITLE, st["title"])
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 28
    privacy = "电话已隐藏中间几位" if phones_masked else "含完整电话号码，请妥善保管，用后删除"
    sub = f"表单编号：{FORM_CODE}　　导出时间：{when}　　{privacy}"
    safe_cell(ws, 2, 1, sub, st["sub"])
    ws.merge_cells(f"A2:{last}2")
    header_row = 3
    _header(ws, header_row, columns, st)

    kinds = {"notes": "body_left", "phones": "body_left", "area_m2": "area"}
    n = 0
    for n, data in enumerate(rows, start=1):
        r = header_row + n
        for col, (key, _label, _width) in enumerate(columns, start=1):
            value = n if key == "no" else data.get(key)
            style = kinds.get(key, "body")
            if value is None:
                value = ""
            elif isinstance(value, date):
                style = "day"
            safe_cell(ws, r, col, value, st[style])
    _print_setup(ws, header_row, last)
    _save(wb, path)
    return n


def write_rejects(
    path: Path | str,
    header: Sequence[str],
    rows: Iterable[tuple[int, str, Sequence[str]]],
    *,
    source: str = "",
) -> int:
    """The rows an import did not take: source row number, reason, then the row as read."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    columns: list[tuple[str, str, float]] = [
        ("row", "原文件行号", 10),
        ("reason", "未导入原因", 50),
    ]
    columns += [(f"c{i}", text or f"第{i + 1}列", 14) for i, text in enumerate(header)]
    last = get_column_letter(len(columns))
    wb = Workbook()
    st = _styles(wb)
    ws = wb.active
    ws.title = "未导入的行"
    safe_cell(ws, 1, 1, f"住户导入：未导入的行　{source}".rstrip(), st["title"])
    ws.merge_cells(f"A1:{last}1")
    header_row = 2
    _header(ws, header_row, columns, st)
    n = 0
    for n, (number, reason, cells) in enumerate(rows, start=1):
        r = header_row + n
        values: list[Any] = [number, reason, *cells]
        for col, value in enumerate(values, start=1):
            safe_cell(ws, r, col, value, st["body_left"])
        # Excel and LibreOffice do not grow wrapped rows of a written file: size it here
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(_text_width(reason) / 48))
    _print_setup(ws, header_row, last)
    _save(wb, path)
    return n
