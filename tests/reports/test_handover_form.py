"""客服值班记录表 (QR-032SD) as PDF and xlsx, from plain data: every part on the page,
embedded fonts, A4, the QR code, a long list of carried items over several pages with
nothing outside the paper, overdue items in bold and in words, the 草稿 stamp, the xlsx
typed and formula-safe, several duty records in one file, and LibreOffice printing it.

poppler-utils and LibreOffice (libreoffice-calc-nogui) are required: CI installs them.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers.xlsx_parts import print_with_libreoffice
from openpyxl import load_workbook
from PIL import Image

from desk.reports.form_data import (
    CarriedRow,
    DutyCount,
    FormHead,
    HandoverForm,
    render,
    render_many,
)
from desk.reports.form_layout import Table, handover_blocks
from desk.reports.pdf_forms import render_pdf
from desk.reports.pdf_layout import PORTRAIT, lay_out, qr_box
from desk.reports.qr import QUIET, qr_matrix
from desk.reports.xlsx_forms import LABEL_COLS, render_xlsx

OFFICE = "阳光花园物业服务中心"
NOW = datetime(2026, 11, 23, 16, 5)
DAY = date(2026, 11, 23)
OUTGOING = "李婷"
INCOMING = "王𠮷燚"  # a name outside the BMP, as in the other form samples


def at(hh_mm: str, day: date = DAY) -> datetime:
    h, m = (int(x) for x in hh_mm.split(":"))
    return datetime(day.year, day.month, day.day, h, m)


CARRIED = (
    CarriedRow("报修", "PG-20261123-001", "3-2-1201", "卫生间水管爆裂", at("09:00"), "超时", True),
    CarriedRow("报修", "PG-20261123-004", "地下车库B2层", "道闸不抬杆", at("09:45"), "待派工",
               True),  # overdue, but its reason does not say so
    CarriedRow("报修", "PG-20261123-005", "5-1-802", "热水器不出热水", None,
               "待料（预计11-25到料）", False),
    CarriedRow("投诉", "TS-20261123-001", "2-1-301", "【重要】楼上装修噪音", at("11:00"), "超时",
               True),
    CarriedRow("转告", "LD-20261123-003", "", "转告王𠮷燚：吴先生请回电", None, "未转告", False),
    CarriedRow("物品借用", "JY-20261123-001", "1-1-101", "梯子×1，借用人赵先生", at("12:00"),
               "逾期未还", True),
    CarriedRow("钥匙借用", "JY-20261123-002", "", "天台钥匙×1，借用人电信李师傅",
               at("10:00", DAY + timedelta(days=1)), "借出未还", False),
    CarriedRow("回访", "PG-20261121-007", "7-1-1503", "报修回访：灯不亮", at("20:00"), "回访到期",
               False),
    CarriedRow("来访", "LF-20261123-002", "7-1-301", "转工程部 刘经理：申请更换门禁卡",
               at("23:59"), "待部门办结", False),
)  # fmt: skip


def handover_form(**changes: Any) -> HandoverForm:
    form = HandoverForm(
        head=FormHead(
            OFFICE,
            "客服值班记录表",
            "QR-032SD",
            "JB-20261123-01",
            NOW,
            subtitle=f"2026-11-23 早班 {OUTGOING}",
        ),
        state="已接班",
        day=DAY,
        shift_name="早班",
        on_duty=OUTGOING,
        started_at=at("07:58"),
        planned_end=at("16:00"),
        ended_at=at("16:00"),
        assembled_at=at("15:50"),
        callbacks_until=at("00:00", DAY + timedelta(days=1)),
        counts=(
            DutyCount("来访", 3, 0),
            DutyCount("来电", 3, 1),
            DutyCount("报修", 4, 1),
            DutyCount("投诉", 2, 1),
            DutyCount("借用", 3, 0),
        ),
        notes="3号楼电梯困人，已通知维保，11:20 解困。\n明日上午停水，通知已张贴。",
        carried=CARRIED,
        outgoing=OUTGOING,
        confirmed_at=at("15:50"),
        incoming=INCOMING,
        accepted_at=at("16:02"),
        accept_by=at("00:00", DAY + timedelta(days=1)),
        flagged=False,
    )
    return replace(form, **changes)


def draft_form() -> HandoverForm:
    head = replace(handover_form().head, serial="JB-20261123-02", stamp="草稿")
    return handover_form(
        head=head, state="草稿", ended_at=None, notes="", confirmed_at=None, incoming="",
        accepted_at=None,
    )  # fmt: skip


def many_items(n: int) -> tuple[CarriedRow, ...]:
    """``n`` carried items with long summaries, every fifth overdue."""
    return tuple(
        CarriedRow(
            "报修" if i % 3 else "投诉",
            f"PG-20261123-{i:03d}",
            f"{i % 12 + 1}-{i % 3 + 1}-{i % 18 + 1:02d}01",
            f"第{i:03d}项：业主反映阳台地漏反水有异味，已持续两天，请尽快安排师傅上门",
            at("09:00") + timedelta(minutes=17 * i),
            "超时" if i % 5 == 0 else "处理中",
            i % 5 == 0,
        )
        for i in range(1, n + 1)
    )


# --- helpers ---------------------------------------------------------------------------------


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True).stdout.decode()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return run("pdftotext", "-raw", "-enc", "UTF-8", *pages, path, "-")


def page_sizes(path: Path) -> list[tuple[int, int]]:
    info = run("pdfinfo", "-f", "1", "-l", "999", path)
    found = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    return [(round(float(w)), round(float(h))) for w, h in found]


def words(path: Path, tmp_path: Path) -> list[tuple[int, float, float, float, float, float, str]]:
    """(page, page height, xMin, yMin, xMax, yMax, text) of every word, checked to lie on
    the paper."""
    out = tmp_path / "bbox.html"
    run("pdftotext", "-bbox", path, out)
    found = []
    pages = re.findall(
        r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out.read_text(), re.S
    )
    for number, (_width, height, body) in enumerate(pages, start=1):
        for box in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            body,
        ):
            x0, y0, x1, y1 = (float(v) for v in box.groups()[:4])
            found.append((number, float(height), x0, y0, x1, y1, box.group(5)))
    return found


# --- the PDF ---------------------------------------------------------------------------------


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    return render_pdf(handover_form(), tmp_path / "handover.pdf")


def test_pdf_shows_every_part(pdf: Path) -> None:
    text = squash(pdf_text(pdf))
    for value in (OFFICE, "客服值班记录表", "QR-032SD", "JB-20261123-01", "早班", OUTGOING,
                  INCOMING, "2026-11-23", "2026-11-2307:58", "2026-11-2315:50", "2026-11-2316:02",
                  "一、值班情况", "二、本班工作量", "三、重要事项", "四、移交事项", "五、交接确认",
                  "交班人签字", "接班人签字", "3号楼电梯困人", "明日上午停水"):  # fmt: skip
        assert squash(value) in text, value
    # the counts in the order of their columns, the voided ones on a row of their own
    assert "项目来访来电报修投诉借用合计" in text
    assert "本班登记3342315" in text and "作废（不计入）011103" in text
    for row in CARRIED:
        assert row.serial in text and squash(row.summary) in text, row.serial
    assert "共9项（报修3、投诉1、转告1、物品借用1、钥匙借用1、回访1、来访1）" in text
    assert "其中超时4项" in text
    assert "11-2309:00" in text  # deadlines within the record's year: month-day and time
    assert "草稿" not in text and "接班期限" not in text  # accepted: nothing left to do


def test_overdue_items_are_marked_in_words_and_in_bold() -> None:
    blocks = handover_blocks(handover_form())
    table = next(b for b in blocks if isinstance(b, Table) and b.columns[0].title == "序号")
    reasons = [row[-1] for row in table.rows]
    assert reasons[:2] == ["超时", "超时：待派工"]  # an overdue item always says so
    assert table.marked == {0, 1, 3, 5}
    bold = {op[3] for page in lay_out(PORTRAIT, blocks) for op in page if op[0] == "t" and op[5]}
    for row in CARRIED:
        assert (row.serial in bold) == row.overdue, row.serial


def test_a_deadline_of_another_year_prints_in_full(tmp_path: Path) -> None:
    old = replace(CARRIED[5], deadline=datetime(2025, 12, 30, 18, 0))
    form = handover_form(carried=(*CARRIED[:5], old, *CARRIED[6:]))
    assert "2025-12-3018:00" in squash(pdf_text(render_pdf(form, tmp_path / "h.pdf")))
    ws = load(render_xlsx(form, tmp_path / "h.xlsx"))
    r = next(c.row for row in ws.iter_rows() for c in row if c.value == old.serial)
    deadline = next(c for c in ws[r] if isinstance(c.value, datetime))
    assert deadline.number_format == "yyyy-mm-dd hh:mm"


def test_fonts_are_embedded_and_pages_are_a4(pdf: Path) -> None:
    lines = run("pdffonts", pdf).splitlines()[2:]
    assert lines
    for line in lines:
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], line  # embedded, subset, unicode
    assert page_sizes(pdf) == [(595, 842)]


def test_qr_code_is_the_serial(pdf: Path, tmp_path: Path) -> None:
    dpi = 300
    run("pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", pdf,
        tmp_path / "page")  # fmt: skip
    magic, width, _height, _maxval, pixels = (tmp_path / "page.pgm").read_bytes().split(maxsplit=4)
    assert magic == b"P5"
    scale = dpi / 72

    def dark(x_pt: float, y_pt: float) -> bool:
        px, py = round(x_pt * scale), round((PORTRAIT.height - y_pt) * scale)
        return pixels[py * int(width) + px] < 128

    matrix = qr_matrix("JB-20261123-01")
    n = len(matrix)
    x0, y0, side = qr_box(PORTRAIT)
    module = side / n
    drawn = [
        [dark(x0 + (c + 0.5) * module, y0 + side - (r + 0.5) * module) for c in range(n)]
        for r in range(n)
    ]
    assert drawn == [list(row) for row in matrix]


def test_sixty_items_continue_over_pages_with_nothing_outside(tmp_path: Path) -> None:
    items = many_items(60)
    path = render_pdf(handover_form(carried=items), tmp_path / "long.pdf")
    sizes = page_sizes(path)
    pages = len(sizes)
    assert pages >= 3 and set(sizes) == {(595, 842)}
    text = squash(pdf_text(path))
    for row in items:  # every item, whole, once
        assert text.count(row.serial) == 1 and squash(row.summary) in text, row.serial
    for page in range(1, pages + 1):
        page_text = squash(pdf_text(path, page))
        assert f"第{page}页/共{pages}页" in page_text and "JB-20261123-01" in page_text
        if "PG-20261123-" in page_text:  # the list's headers on every page it runs over
            assert "序号类别单号房号/位置内容期限说明" in page_text, page
    last = squash(pdf_text(path, pages))
    assert "交班人签字" in last and "接班人签字" in last
    margin = PORTRAIT.margin_x
    found = words(path, tmp_path)
    assert {w[0] for w in found} == set(range(1, pages + 1))
    for _page, height, x0, y0, x1, y1, word in found:
        assert margin - 1 <= x0 < x1 <= PORTRAIT.width - margin + 1, word
        assert 0 <= y0 < y1 <= height, word
    # the table never runs into the footer
    for page_ops in lay_out(PORTRAIT, handover_blocks(handover_form(carried=items))):
        for op in page_ops:
            if op[0] == "r":
                assert op[2] >= PORTRAIT.body_bottom - 0.01


def test_a_draft_is_stamped_and_leaves_the_rest_to_write(tmp_path: Path) -> None:
    path = render_pdf(draft_form(), tmp_path / "draft.pdf")
    text = squash(pdf_text(path))
    assert "草稿" in text and "JB-20261123-02" in text
    assert "计划下班2026-11-2316:00" in text  # still on duty when it was saved
    assert "接班期限2026-11-2400:00前" in text
    assert text.count("月日时分") == 2  # both times written by hand
    # no notes yet: ruled lines to write them on
    lines = [op for op in lay_out(PORTRAIT, handover_blocks(draft_form()))[0] if op[0] == "l"]
    assert len(lines) >= 4


def test_late_and_empty_records(tmp_path: Path) -> None:
    form = handover_form(carried=(), accepted_at=None, incoming="", flagged=True)
    text = squash(pdf_text(render_pdf(form, tmp_path / "empty.pdf")))
    assert "没有需要下一班跟进的未办结事项" in text and "无未办结事项需要移交" in text
    assert "序号类别单号" not in text
    assert "已超过接班期限" in text


def test_day_of_duty_records_in_one_pdf(tmp_path: Path) -> None:
    long = handover_form(carried=many_items(60))
    forms = [long, draft_form()]
    path = render_many(forms, tmp_path / "day.pdf", "客服值班记录表 2026-11-23")
    alone = len(page_sizes(render_pdf(long, tmp_path / "alone.pdf")))
    sizes = page_sizes(path)
    assert len(sizes) == alone + 1
    last = squash(pdf_text(path, len(sizes)))
    assert "JB-20261123-02" in last and "第1页/共1页" in last and "草稿" in last


# --- the xlsx --------------------------------------------------------------------------------


def load(path: Path) -> Any:
    return load_workbook(path).active


def labelled(ws: Any) -> dict[str, Any]:
    """label → the cell right of it (the first of each label)."""
    found: dict[str, Any] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.style == "form_label" and isinstance(cell.value, str):
                found.setdefault(cell.value, ws.cell(cell.row, cell.column + LABEL_COLS))
    return found


def row_values(ws: Any, value: str) -> list[Any]:
    """The values of the first row holding ``value``."""
    r = next(c.row for row in ws.iter_rows() for c in row if c.value == value)
    return [c.value for c in ws[r] if c.value is not None]


def test_xlsx_cells_are_typed(tmp_path: Path) -> None:
    ws = load(render(handover_form(notes="=1+1"), tmp_path / "h.xlsx"))
    assert ws.title == "客服值班记录表"
    assert (ws["A1"].value, ws["A2"].value) == (OFFICE, "客服值班记录表")
    assert "QR-032SD" in ws["A3"].value and "JB-20261123-01" in ws["A3"].value
    cells = labelled(ws)
    assert cells["值班日期"].value == datetime(2026, 11, 23)
    assert cells["值班日期"].number_format == "yyyy-mm-dd"
    assert (cells["班次"].value, cells["值班人"].value) == ("早班", OUTGOING)
    assert cells["上班时间"].value == at("07:58")
    assert cells["上班时间"].number_format == "yyyy-mm-dd hh:mm"
    assert cells["下班时间"].value == at("16:00") and cells["记录状态"].value == "已接班"
    assert (cells["交班人"].value, cells["交班时间"].value) == (OUTGOING, at("15:50"))
    assert (cells["接班人"].value, cells["接班时间"].value) == (INCOMING, at("16:02"))
    assert cells["交班人签字"].value is None and cells["接班人签字"].value is None
    notes = cells["情况记录"]
    assert notes.value == "=1+1" and notes.data_type == "s" and notes.quotePrefix
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert row_values(ws, "本班登记") == ["本班登记", 3, 3, 4, 2, 3, 15]
    assert row_values(ws, "作废（不计入）") == ["作废（不计入）", 0, 1, 1, 1, 0, 3]
    first = row_values(ws, "PG-20261123-001")
    assert first == [1, "报修", "PG-20261123-001", "3-2-1201", "卫生间水管爆裂", at("09:00"),
                     "超时"]  # fmt: skip
    r = next(c.row for row in ws.iter_rows() for c in row if c.value == "PG-20261123-001")
    deadline = next(c for c in ws[r] if isinstance(c.value, datetime))
    assert deadline.number_format == "mm-dd hh:mm"
    # overdue rows in bold, the others not
    for row in CARRIED:
        r = next(c.row for line in ws.iter_rows() for c in line if c.value == row.serial)
        assert all(c.font.b == row.overdue for c in ws[r] if c.value is not None), row.serial


def test_xlsx_print_settings_and_qr_code(tmp_path: Path) -> None:
    path = render_xlsx(handover_form(carried=many_items(60)), tmp_path / "h.xlsx")
    ws = load(path)
    ps = ws.page_setup
    assert ps.orientation == "portrait" and int(ps.paperSize) == 9
    assert (int(ps.fitToWidth), int(ps.fitToHeight)) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$3"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert "JB-20261123-01" in ws.oddFooter.left.text
    title = next(r for r in ws.merged_cells.ranges if r.min_row == r.max_row == 2)
    assert title.min_col == 1 and title.max_col >= 10 and ws["A2"].font.b
    assert ws.print_area and ws.max_row > 60
    assert all(d.height is None or d.height <= 409 for d in ws.row_dimensions.values())
    with zipfile.ZipFile(path) as z:
        png = z.read(next(n for n in z.namelist() if n.startswith("xl/media/")))
    image = Image.open(io.BytesIO(png)).convert("L")
    matrix = qr_matrix("JB-20261123-01")
    module = image.width / (len(matrix) + 2 * QUIET)
    drawn = [
        [image.getpixel((int((QUIET + c + 0.5) * module), int((QUIET + r + 0.5) * module))) < 128
         for c in range(len(matrix))]
        for r in range(len(matrix))
    ]  # fmt: skip
    assert drawn == [list(row) for row in matrix]


def test_xlsx_draft_and_a_day_in_one_workbook(tmp_path: Path) -> None:
    ws = load(render_xlsx(draft_form(), tmp_path / "draft.xlsx"))
    assert ws["A2"].value == "客服值班记录表（草稿）"
    cells = labelled(ws)
    assert cells["计划下班"].value == at("16:00") and cells["接班人"].value is None
    assert cells["交班时间"].value == "　月　日　时　分"
    path = render_many([handover_form(), draft_form()], tmp_path / "day.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["JB-20261123-01", "JB-20261123-02"]
    for ws, serial in zip(wb.worksheets, wb.sheetnames, strict=True):
        assert serial in ws["A3"].value and ws.print_title_rows == "$1:$3"


def test_nothing_to_write_is_refused(tmp_path: Path) -> None:
    from desk.models.errors import ValidationError

    with pytest.raises(ValidationError, match="没有要打印的表单"):
        render_many([], tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


@pytest.fixture(scope="module")
def libreoffice_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample, sixty items and a day's two records, converted by LibreOffice at once."""
    folder = tmp_path_factory.mktemp("lo")
    sources = [
        render_xlsx(handover_form(), folder / "one.xlsx"),
        render_xlsx(handover_form(carried=many_items(60)), folder / "long.xlsx"),
        render_many([handover_form(), draft_form()], folder / "day.xlsx"),
    ]
    print_with_libreoffice(sources, folder)
    return {p.stem: folder / f"{p.stem}.pdf" for p in sources}


def test_libreoffice_prints_it_on_a4(libreoffice_pdfs: dict[str, Path]) -> None:
    for name, path in libreoffice_pdfs.items():
        assert set(page_sizes(path)) == {(595, 842)}, name
        text = squash(pdf_text(path))
        assert "客服值班记录表" in text and "JB-20261123-01" in text, name
        # a record alone says of how many pages; a day's, each numbered from 1 (no job total)
        assert ("第1页" if name == "day" else "第1页/共") in text and "###" not in text, name
    assert squash(pdf_text(libreoffice_pdfs["day"])).count("第1页") == 2
    long = libreoffice_pdfs["long"]
    assert len(page_sizes(long)) >= 2
    text = squash(pdf_text(long))
    assert all(row.serial in text for row in many_items(60))
    assert "JB-20261123-02" in squash(pdf_text(libreoffice_pdfs["day"]))
