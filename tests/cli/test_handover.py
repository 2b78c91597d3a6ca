"""``desk form handover``: 客服值班记录表 from the database to a PDF or xlsx file — the
latest, by serial, a whole day in one file — and clear errors (exit 2)."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from desk import cli
from desk.models import AuditEvent, Handover
from desk.models.enums import AuditAction
from desk.services.core.transactions import writing
from desk.services.duty import handover, shifts
from desk.services.records import loans, staff
from desk.services.records.loans import LoanDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at


def at(hh: int, mm: int = 0) -> datetime:
    return NOW.replace(hour=hh, minute=mm)


@pytest.fixture
def handed_over(engine, staff_id) -> str:
    """李婷's 早班 with one overdue loan, confirmed and accepted by 王晓燕, whose 中班 is
    not handed over yet; the engine is closed so the CLI has the file. Returns the serial."""
    with writing(engine, staff_id=staff_id, now=at(6)) as ctx:
        li = staff.add(ctx, "李婷").id
        wang = staff.add(ctx, "王晓燕").id
        ladder = loans.add_item(ctx, "人字梯", 2).id
    with writing(engine, staff_id=li, now=at(7, 58)) as ctx:
        early = shifts.come_on_duty(ctx, li, "早班").id
    with writing(engine, staff_id=li, shift_id=early, now=at(8, 30)) as ctx:
        loan = loans.lend(ctx, LoanDraft(ladder, "孙燚", at(12), phone="13812345678")).serial
    with writing(engine, staff_id=li, shift_id=early, now=at(15, 50)) as ctx:
        h = handover.confirm(ctx, early, "消防演练通知已发业主群").id
    with writing(engine, staff_id=wang, now=at(16)) as ctx:
        shifts.come_on_duty(ctx, wang, "中班")
        handover.accept(ctx, h, wang)
    engine.dispose()
    return loan


def desk(db: Path, *args: str) -> int:
    return cli.main(["--db", str(db), "form", "handover", *args])


def text_of(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


def test_latest_as_pdf(db_path, handed_over, tmp_path, capsys) -> None:
    out = tmp_path / "值班记录.pdf"
    assert desk(db_path, "--latest", "-o", str(out)) == 0
    assert capsys.readouterr().out.strip() == str(out)  # it says what it wrote
    text = text_of(out)
    for value in ("阳光花园物业服务中心", "客服值班记录表", "QR-032SD", "JB-20261123-01", "李婷",
                  "王晓燕", "消防演练通知已发业主群", handed_over, "逾期未还"):  # fmt: skip
        assert value in text, value


def test_by_serial_as_xlsx(db_path, handed_over, tmp_path, capsys) -> None:
    out = tmp_path / "值班记录.xlsx"
    assert desk(db_path, "--serial", "jb-20261123-1", "-o", str(out)) == 0
    assert capsys.readouterr().out.strip() == str(out)
    ws = load_workbook(out).active
    assert ws["A2"].value == "客服值班记录表" and "JB-20261123-01" in ws["A3"].value
    values = {c.value for row in ws.iter_rows() for c in row}
    assert {"李婷", "王晓燕", handed_over} <= values


def test_a_day_in_one_file_names_the_shifts_not_handed_over(
    db_path, handed_over, tmp_path, capsys
) -> None:
    out = tmp_path / "day.pdf"
    assert desk(db_path, "--date", "2026-11-23", "-o", str(out)) == 0
    printed = capsys.readouterr()
    assert printed.out.strip() == str(out)
    assert "提示：2026-11-23 中班（王晓燕）还没有交接班记录，未打印。" in printed.err
    assert "JB-20261123-01" in text_of(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--serial", "JB-20991231-01"], "找不到单号为 JB-20991231-01 的值班记录"),
        (["--serial", "PG-20261123-001"], "PG 开头的是派工单的单号"),
        (["--date", "2026-02-30"], "日期“2026-02-30”不对，请写成 YYYY-MM-DD"),
        (["--date", "2026-11-24"], "2026-11-24 没有交接班记录可以打印"),
        (["--date", "2026-11-23", "--to", "2026-11-24"], "--to 只用于 loans"),
    ],
)
def test_bad_input_exits_2_with_a_reason(
    db_path, handed_over, tmp_path, capsys, args, message
) -> None:
    out = tmp_path / "out.pdf"
    assert desk(db_path, *args, "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and message in err
    assert not out.exists()


def test_no_handover_yet_and_a_bad_extension(db_path, staff_id, engine, tmp_path, capsys) -> None:
    engine.dispose()
    assert desk(db_path, "--latest", "-o", str(tmp_path / "x.pdf")) == 2
    assert "还没有交接班记录可以打印" in capsys.readouterr().err
    assert desk(db_path, "--latest", "-o", str(tmp_path / "x.docx")) == 2
    assert "应以 .pdf 或 .xlsx 结尾" in capsys.readouterr().err


def test_the_day_of_several_shifts_as_one_workbook(db_path, engine, staff_id, tmp_path) -> None:
    with writing(engine, staff_id=staff_id, now=at(7, 58)) as ctx:
        early = shifts.come_on_duty(ctx, staff_id, "早班").id
        handover.confirm(ctx, early, "")
    with writing(engine, staff_id=staff_id, now=at(15, 58)) as ctx:
        middle = shifts.come_on_duty(ctx, staff_id, "中班").id
        handover.draft(ctx, middle, "")
    engine.dispose()
    out = tmp_path / "day.xlsx"
    assert desk(db_path, "--date", "2026-11-23", "-o", str(out)) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["JB-20261123-01", "JB-20261123-02"]
    assert book.worksheets[1]["A2"].value == "客服值班记录表（草稿）"
    pdf = tmp_path / "day.pdf"
    assert desk(db_path, "--date", "2026-11-23", "-o", str(pdf)) == 0
    text = text_of(pdf)
    assert "JB-20261123-01" in text and "JB-20261123-02" in text and "草稿" in text
    assert desk(db_path, "--date", "2026-11-23", "-o", str(tmp_path / "x.txt")) == 2


def test_a_print_is_on_its_duty_record_and_a_day_in_the_export_log(
    db_path, handed_over, tmp_path, fetch
) -> None:
    one, day = tmp_path / "值班记录.pdf", tmp_path / "day.pdf"
    assert desk(db_path, "--serial", "JB-20261123-01", "-o", str(one)) == 0
    assert desk(db_path, "--date", "2026-11-23", "-o", str(day)) == 0  # one record that day
    [record] = fetch(select(Handover))
    rows = fetch(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT))
    assert [(r.entity, r.entity_id, r.field, r.new, r.reason) for r in rows] == [
        ("handover", record.id, "客服值班记录表", "1 页", one.name),
        ("handover", record.id, "客服值班记录表", "1 页", day.name),
    ]
