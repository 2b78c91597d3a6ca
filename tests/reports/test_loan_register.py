"""The loan register reads at a glance: 15+ rows a page of ordinary loans, nothing short
wrapped, overdue rows bold and marked, voided ones struck through, return details in
their own columns, a long remark capped at three lines (the file keeps it whole).

The rows are ordinary as the demo lends (``desk.demo.loan``): its items, 9-character
rooms, names of up to four characters, masked phones, some due back the next day.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from helpers.form_samples import head, sentences
from openpyxl import load_workbook

from desk.demo.loan import LOAN_DAMAGE, LOAN_ITEMS, LOAN_VOID_REASONS
from desk.models.enums import LoanKind
from desk.reports import pdf_fonts
from desk.reports.form_data import LoanRegister, LoanRow
from desk.reports.form_layout import (
    REGISTER_LINES,
    REGISTER_SIZE,
    Table,
    register_blocks,
    show,
)
from desk.reports.pdf_forms import render_pdf
from desk.reports.pdf_layout import FILL_LABEL, LANDSCAPE, STRIKE_RAISE, Op, lay_out
from desk.reports.xlsx_forms import render_xlsx

DAY = date(2026, 11, 23)
SERIAL = re.compile(r"JY-\d{8}-\d{3}")
ITEMS = [name for kind, name, *_ in LOAN_ITEMS if kind == LoanKind.ITEM]
NAMES = ["王芳", "李建国", "欧阳晓燕", "张女士", "赵磊", "孙丽娜", "周先生", "吴敏"]
STAFF = ["王晓燕", "张丽", "刘佳怡"]


def ordinary_rows(n: int, day: date = DAY) -> tuple[LoanRow, ...]:
    """``n`` loans of a busy day: mostly back (some damaged, a part of the deposit kept),
    one in nine still out, one in thirteen overdue, one in twelve voided at once."""
    rows = []
    for i in range(n):
        lent = datetime.combine(day, datetime.min.time()) + timedelta(hours=8, minutes=23 * i)
        due = lent + timedelta(hours=3 + 9 * (i % 3))  # some the next day
        item = ITEMS[i % len(ITEMS)]
        deposit = D(50 * (i % 3))
        row = LoanRow(
            serial=f"JY-{day:%Y%m%d}-{i + 1:03d}", lent_at=lent, item=item,
            quantity=1 + (i % 7 == 0), borrower=NAMES[i % len(NAMES)],
            room=f"{10 + i % 3}-{1 + i % 3}-{1701 - i % 5}", phone=f"13{i % 10}****{5678 + i}",
            deposit=deposit, expected_return_at=due, lent_by=STAFF[i % 3], state="已归还",
        )  # fmt: skip
        if i % 12 == 5:
            row = replace(row, state="作废", void_reason=LOAN_VOID_REASONS[i % 2])
        elif i % 13 == 3:
            row = replace(row, state="借出", overdue=True)
        elif i % 9 == 4:
            row = replace(row, state="借出")
        else:
            condition, keep = LOAN_DAMAGE[(i // 11) % 2 * 3] if i % 11 == 2 else ("完好", 0)
            row = replace(
                row, returned_at=lent + timedelta(minutes=50), returned_to=STAFF[(i + 1) % 3],
                condition=condition, deposit_refunded=max(D(0), deposit - keep),
            )  # fmt: skip
        rows.append(row)
    return tuple(rows)


def ordinary_register(rows: tuple[LoanRow, ...]) -> LoanRegister:
    return LoanRegister(
        head=head(
            "物品借用登记表", "QR-030SD", f"JYDJ-{DAY:%Y%m%d}", subtitle="登记日期：2026-11-23"
        ),
        start=DAY,
        end=DAY,
        rows=rows,
    )


def run(*args: str | Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils is required (apt-get install poppler-utils)"
    return subprocess.run([str(a) for a in args], check=True, capture_output=True).stdout.decode()


def page_texts(path: Path) -> list[str]:
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", path)).group(1))
    return [run("pdftotext", "-raw", "-f", p, "-l", p, path, "-") for p in range(1, pages + 1)]


def the_table(register: LoanRegister) -> Table:
    (table,) = register_blocks(register)
    assert isinstance(table, Table)
    return table


def texts(pages: list[list[Op]]) -> list[Op]:
    return [op for ops in pages for op in ops if op[0] == "t"]


def row_ops(pages: list[list[Op]], serial: str) -> tuple[list[Op], list[Op]]:
    """(text ops, box ops) of the row that holds ``serial``: those between its borders."""
    for ops in pages:
        found = [op for op in ops if op[0] == "t" and op[3] == serial]
        if found:
            y = found[0][2]
            cell = next(op for op in ops if op[0] == "r" and op[2] < y < op[2] + op[4])
            bottom, top = cell[2], cell[2] + cell[4]
            inside = [op for op in ops if bottom < op[2] < top]
            return [op for op in inside if op[0] == "t"], [op for op in inside if op[0] == "r"]
    raise AssertionError(f"{serial} is not on any page")


def column_ranges(pages: list[list[Op]]) -> dict[str, tuple[float, float]]:
    """Column title → (left, right), from the shaded title cells of the first page."""
    first = pages[0]
    cells = [op for op in first if op[0] == "r" and op[5] == FILL_LABEL]
    out: dict[str, tuple[float, float]] = {}
    for cell in cells:
        _, x, y, w, h, _fill = cell
        words = [op[3] for op in first if op[0] == "t" and x < op[1] < x + w and y < op[2] < y + h]
        out["".join(words)] = (x, x + w)
    return out


# --- rows per page --------------------------------------------------------------------------


@pytest.mark.parametrize("days", [1, 3])
def test_at_least_fifteen_ordinary_rows_a_page(days: int, tmp_path: Path) -> None:
    """45 loans (the demo's busiest day has 27): every page but the last holds 15 or more,
    in a one-day register (times alone) and a range (month-day-time)."""
    rows = ordinary_rows(45)
    register = ordinary_register(rows)
    if days > 1:
        register = replace(register, end=DAY + timedelta(days=days - 1))
    pages = page_texts(render_pdf(register, tmp_path / "register.pdf"))
    per_page = [len(SERIAL.findall(text)) for text in pages]
    assert sum(per_page) == len(rows)
    assert all(n >= 15 for n in per_page[:-1]), per_page
    assert len(pages) <= 3


def test_short_values_never_wrap(tmp_path: Path) -> None:
    """Serials, rooms, times, phones and amounts are each drawn on one line: one text
    operation holding the whole value, and whole in the copied text."""
    register = ordinary_register(ordinary_rows(45))
    table = the_table(register)
    drawn = {op[3] for op in texts(lay_out(LANDSCAPE, [table]))}
    text = "".join(page_texts(render_pdf(register, tmp_path / "register.pdf")))
    short = {"单号", "借出时间", "房号", "联系电话", "押金（元）", "预计归还", "归还时间"}
    columns = [k for k, c in enumerate(table.columns) if c.title in short]
    assert len(columns) == len(short)
    for row in table.rows:
        for k in columns:
            if row[k] is not None:
                value = show(row[k], table.columns[k].time_format)
                assert value in drawn and value in text, value


# --- what stands out --------------------------------------------------------------------------


def test_overdue_rows_are_bold_and_marked() -> None:
    rows = ordinary_rows(20)
    pages = lay_out(LANDSCAPE, [the_table(ordinary_register(rows))])
    for row in rows:
        words, _boxes = row_ops(pages, row.serial)
        marks = [op[3] for op in words if op[3] in ("▲逾期", "作废", "未还")]
        if row.overdue:
            assert marks == ["▲逾期"] and all(op[5] for op in words), row.serial
        else:
            assert not any(op[5] for op in words), row.serial
    assert sum(r.overdue for r in rows) == 2


def test_voided_rows_are_struck_through_but_for_their_mark() -> None:
    rows = ordinary_rows(20)
    voided = [r for r in rows if r.void_reason]
    assert len(voided) == 2
    pages = lay_out(LANDSCAPE, [the_table(ordinary_register(rows))])
    for row in rows:
        words, boxes = row_ops(pages, row.serial)
        rules = [op for op in boxes if op[4] == 0]  # the strike: a box of no height
        struck = [op for op in words if is_struck(op, rules)]
        if row in voided:
            assert [op[3] for op in words if op not in struck] == ["作废"]
            assert f"作废：{row.void_reason}" in "".join(op[3] for op in words)
        else:
            assert rules == [] and struck == []


def is_struck(op: Op, rules: list[Op]) -> bool:
    """A rule of no height runs through the middle of the text's characters, end to end."""
    x, y, s, size = op[1], op[2], op[3], op[4]
    end = x + pdf_fonts.width(s, size)
    middle = y + STRIKE_RAISE * size
    return any(r[1] <= x and r[1] + r[3] >= end and abs(r[2] - middle) < 0.01 for r in rules)


def test_a_struck_row_shows_its_line_on_paper(tmp_path: Path) -> None:
    """The rule through a voided row's text is drawn: rasterized, a dark line runs
    through the whole serial at mid-height of its characters."""
    rows = ordinary_rows(6)
    (voided,) = [r for r in rows if r.void_reason]
    register = ordinary_register(rows)
    path = render_pdf(register, tmp_path / "register.pdf")
    words, _ = row_ops(lay_out(LANDSCAPE, [the_table(register)]), voided.serial)
    (op,) = [w for w in words if w[3] == voided.serial]
    dpi = 200
    run("pdftoppm", "-gray", "-r", dpi, "-f", 1, "-l", 1, "-singlefile", path, tmp_path / "p")
    data = (tmp_path / "p.pgm").read_bytes()
    _magic, width, _height, _max, pixels = data.split(maxsplit=4)
    width_px, scale = int(width), dpi / 72

    def dark(x_pt: float, y_pt: float) -> bool:
        px, py = round(x_pt * scale), round((LANDSCAPE.height - y_pt) * scale)
        return pixels[py * width_px + px] < 128

    x0, y, size = op[1], op[2] + STRIKE_RAISE * REGISTER_SIZE, op[4]
    along = [x0 + k * 0.5 for k in range(int(pdf_fonts.width(op[3], size) / 0.5))]
    assert all(dark(x, y) for x in along)
    # the serial of the row above is not struck: its line has gaps between characters
    above = rows[rows.index(voided) - 1]
    (plain,) = [w for w in row_ops(lay_out(LANDSCAPE, [the_table(register)]), above.serial)[0]
                if w[3] == above.serial]  # fmt: skip
    y_plain = plain[2] + STRIKE_RAISE * REGISTER_SIZE
    assert not all(dark(plain[1] + k * 0.5, y_plain) for k in range(len(along)))


# --- columns --------------------------------------------------------------------------------


def test_return_details_have_their_own_columns(tmp_path: Path) -> None:
    rows = ordinary_rows(20)
    damaged = next(r for r in rows if r.condition and r.condition != "完好")
    assert damaged.deposit and damaged.deposit_refunded < damaged.deposit
    register = ordinary_register(rows)
    pages = lay_out(LANDSCAPE, [the_table(register)])
    assert in_column(pages, damaged.serial, "归还状况") == [damaged.condition]
    assert in_column(pages, damaged.serial, "退还押金（元）") == [f"{damaged.deposit_refunded:.2f}"]
    assert in_column(pages, damaged.serial, "收回人") == [damaged.returned_to]
    assert in_column(pages, damaged.serial, "归还时间") == [f"{damaged.returned_at:%H:%M}"]
    assert in_column(pages, damaged.serial, "备注") == []
    # no refund where there was no deposit; the loans still out: nothing returned yet
    free = next(r for r in rows if r.returned_at and not r.deposit)
    assert in_column(pages, free.serial, "退还押金（元）") == []
    out = next(r for r in rows if r.state == "借出" and not r.overdue)
    assert in_column(pages, out.serial, "状态") == ["未还"]
    assert in_column(pages, out.serial, "归还状况") == in_column(pages, out.serial, "收回人") == []
    text = "".join(page_texts(render_pdf(register, tmp_path / "register.pdf")))
    assert "收回：" not in text and "退押金" not in text and "逾期未还" not in text


def in_column(pages: list[list[Op]], serial: str, title: str) -> list[str]:
    """The text of ``serial``'s row in the column titled ``title``."""
    left, right = column_ranges(pages)[title]
    return [op[3] for op in row_ops(pages, serial)[0] if left <= op[1] < right]


def test_phones_print_as_the_data_gives_them(tmp_path: Path) -> None:
    """The register prints the phone it is given: masked by ``paper_forms`` unless the
    office's setting says 完整 (tests/services/io/test_paper_forms.py)."""
    rows = ordinary_rows(3)
    text = "".join(page_texts(render_pdf(ordinary_register(rows), tmp_path / "masked.pdf")))
    assert all(r.phone in text for r in rows) and not re.search(r"\d{11}", text)
    whole = tuple(replace(r, phone=f"1381234{5670 + k}") for k, r in enumerate(rows))
    text = "".join(page_texts(render_pdf(ordinary_register(whole), tmp_path / "whole.pdf")))
    assert all(r.phone in text for r in whole)


# --- a long remark ----------------------------------------------------------------------------


def test_a_long_remark_takes_three_lines_not_a_page(tmp_path: Path) -> None:
    rows = ordinary_rows(30)  # two pages with a row to spare
    remark = sentences(200)
    long = tuple(replace(r, remarks=remark) if k == 3 else r for k, r in enumerate(rows))
    plain_pages = page_texts(render_pdf(ordinary_register(rows), tmp_path / "plain.pdf"))
    long_pages = page_texts(render_pdf(ordinary_register(long), tmp_path / "long.pdf"))
    assert len(long_pages) == len(plain_pages) == 2
    assert len(SERIAL.findall(long_pages[0])) >= 15
    pages = lay_out(LANDSCAPE, [the_table(ordinary_register(long))])
    shown = in_column(pages, rows[3].serial, "备注")
    assert len(shown) == REGISTER_LINES and shown[-1].endswith("…")
    assert remark.startswith("".join(shown)[:-1])


def test_the_xlsx_keeps_a_long_remark_whole_in_a_row_of_three_lines(tmp_path: Path) -> None:
    rows = ordinary_rows(8)
    remark = sentences(200)
    register = ordinary_register(tuple(replace(r, remarks=remark) if k == 2 else r
                                       for k, r in enumerate(rows)))  # fmt: skip
    ws = load_workbook(render_xlsx(register, tmp_path / "register.xlsx")).active
    cells = {c.value: c for row in ws.iter_rows(min_row=5) for c in row if c.value is not None}
    assert remark in cells
    height = ws.row_dimensions[cells[remark].row].height
    ordinary = ws.row_dimensions[cells[rows[0].serial].row].height
    assert ordinary < height <= 3 * 13.5 + 5  # three lines of 10 pt, not the whole text


def test_register_rows_of_the_table() -> None:
    """The table the renderers share: one row per loan, its marks and strikes."""
    rows = ordinary_rows(20)
    table = the_table(ordinary_register(rows))
    assert len(table.rows) == 20
    assert table.marked == {k for k, r in enumerate(rows) if r.overdue}
    assert table.struck == {k for k, r in enumerate(rows) if r.void_reason}
    assert table.max_lines == REGISTER_LINES and table.text_size == REGISTER_SIZE
    assert {row[1] for row in table.rows} == {"", "▲逾期", "作废", "未还"}
