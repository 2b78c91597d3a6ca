"""``desk form``: a form from the database to a PDF or xlsx file, and clear errors (exit 2)."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from desk import cli
from desk.models import AuditEvent, Complaint, Loan, WorkOrder
from desk.models.enums import AuditAction, LoanKind
from desk.services.records import complaints, loans, workorders
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.workorders import WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at


@pytest.fixture
def records(write, engine) -> dict[str, str]:
    """One work order, complaint and loan; the engine is closed so the CLI has the file."""
    with write() as ctx:
        order = workorders.create(
            ctx, WorkOrderDraft("卫生间漏水", "水电", room="3-2-1201", reporter="周堃")
        )
        complaint = complaints.create(
            ctx, ComplaintDraft("楼道堆放杂物", "物业管理", complainant="吴𠮷", room="3-2-1202")
        )
        item = loans.add_item(ctx, "人字梯", 2, deposit="50")
        loan = loans.lend(
            ctx, LoanDraft(item.id, "孙燚", NOW + timedelta(hours=8), phone="13812345678")
        )
    engine.dispose()
    return {"workorder": order.serial, "complaint": complaint.serial, "loan": loan.serial}


def desk(db: Path, *args: str) -> int:
    return cli.main(["--db", str(db), "form", *args])


def text_of(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def test_workorder_by_serial_as_pdf(db_path, records, tmp_path, capsys, fetch) -> None:
    out = tmp_path / "派工单.pdf"
    assert desk(db_path, "workorder", "--serial", records["workorder"], "-o", str(out)) == 0
    assert capsys.readouterr().out.strip() == str(out)  # it says what it wrote
    text = text_of(out)
    assert records["workorder"] in text and "周堃" in text and "阳光花园物业服务中心" in text
    # the form holds a resident's data: its export is in the audit, on the order itself
    [row] = fetch(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT))
    [order] = fetch(select(WorkOrder).where(WorkOrder.serial == records["workorder"]))
    assert (row.entity, row.entity_id) == ("workorder", order.id)
    assert (row.field, row.new, row.reason) == ("派工单", "1 页", out.name)
    assert row.staff_id is None  # the command needs no log-in


def test_each_export_is_on_the_record_with_its_pages(db_path, records, tmp_path, fetch) -> None:
    """A record's form on that record (the pages of a PDF counted, an xlsx's left to Excel);
    a register, no one record's, in the export log with its lines and pages."""
    slip, complaint, register = (tmp_path / n for n in ("借用单.pdf", "投诉.xlsx", "登记表.pdf"))
    assert desk(db_path, "loans", "--serial", records["loan"], "-o", str(slip)) == 0
    assert desk(db_path, "complaint", "--serial", records["complaint"], "-o", str(complaint)) == 0
    assert desk(db_path, "loans", "--date", "2026-11-23", "-o", str(register)) == 0
    [loan] = fetch(select(Loan).where(Loan.serial == records["loan"]))
    [made] = fetch(select(Complaint).where(Complaint.serial == records["complaint"]))
    rows = fetch(
        select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT).order_by(AuditEvent.id)  # type: ignore[arg-type]
    )
    assert [(r.entity, r.entity_id, r.field, r.new, r.reason) for r in rows] == [
        ("loan", loan.id, "物品借用单", "1 页", slip.name),
        ("complaint", made.id, "客户投诉处理单", None, complaint.name),
        ("export", 0, "物品借用登记表 JYDJ-20261123", "1 条，1 页", register.name),
    ]


def test_complaint_latest_as_xlsx(db_path, records, tmp_path, capsys) -> None:
    out = tmp_path / "complaint.xlsx"
    assert desk(db_path, "complaint", "--latest", "-o", str(out)) == 0
    assert capsys.readouterr().out.strip() == str(out)
    ws = load_workbook(out).active
    assert ws["A2"].value == "客户投诉处理单" and records["complaint"] in ws["A3"].value
    assert "吴𠮷" in [c.value for row in ws.iter_rows() for c in row]


def test_loans_register_of_a_day_and_a_slip(db_path, records, tmp_path, capsys) -> None:
    register = tmp_path / "register.pdf"
    assert desk(db_path, "loans", "--date", "2026-11-23", "-o", str(register)) == 0
    text = text_of(register)
    assert "物品借用登记表" in text.replace(" ", "") and "孙燚" in text
    assert "JYDJ-20261123" in text
    week = tmp_path / "week.xlsx"
    args = ["loans", "--date", "2026-11-20", "--to", "2026-11-26", "-o", str(week)]
    assert desk(db_path, *args) == 0
    assert "2026-11-20 至 2026-11-26" in load_workbook(week).active["A3"].value
    slip = tmp_path / "slip.pdf"
    assert desk(db_path, "loans", "--serial", records["loan"], "-o", str(slip)) == 0
    assert "物品借用单" in text_of(slip).replace(" ", "")
    printed = capsys.readouterr().out.split()
    assert printed == [str(register), str(week), str(slip)]


def test_the_key_register_of_a_day(db_path, write, engine, tmp_path, capsys) -> None:
    """``--keys``: 钥匙借用登记表 (QR-008SD), the key loans only; a key loan's slip by its
    serial is a 钥匙借用单."""
    with write() as ctx:
        ladder = loans.add_item(ctx, "人字梯", 2)
        key = loans.add_item(ctx, "天台钥匙", 1, LoanKind.KEY)
        loans.lend(ctx, LoanDraft(ladder.id, "孙燚", NOW + timedelta(hours=8), phone="13812345678"))
        lent = loans.lend(
            ctx, LoanDraft(key.id, "电信李师傅", NOW + timedelta(hours=4), phone="13800002222")
        )
    engine.dispose()
    out = tmp_path / "keys.pdf"
    assert desk(db_path, "loans", "--keys", "--date", "2026-11-23", "-o", str(out)) == 0
    text = text_of(out).replace(" ", "")
    assert "钥匙借用登记表" in text and "QR-008SD" in text and "YSDJ-20261123" in text
    assert "电信李师傅" in text and "天台钥匙" in text
    assert "孙燚" not in text and "人字梯" not in text
    items = tmp_path / "items.pdf"
    assert desk(db_path, "loans", "--date", "2026-11-23", "-o", str(items)) == 0
    assert "孙燚" in text_of(items) and "电信李师傅" not in text_of(items)
    slip = tmp_path / "slip.pdf"
    assert desk(db_path, "loans", "--serial", lent.serial, "-o", str(slip)) == 0
    assert "钥匙借用单" in text_of(slip).replace(" ", "")
    assert capsys.readouterr().out.split() == [str(out), str(items), str(slip)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["workorder", "--serial", "PG-20991231-009"], "找不到单号为 PG-20991231-009 的派工单"),
        (["complaint", "--serial", "PG-20261123-001"], "PG 开头的是派工单的单号"),
        (["loans", "--date", "2026-02-30"], "日期“2026-02-30”不对，请写成 YYYY-MM-DD"),
        (["loans", "--date", "23.11.2026"], "请写成 YYYY-MM-DD"),
        (["loans", "--date", "2026-11-23", "--to", "2026-11-01"], "不能早于开始日期"),
        (["workorder", "--date", "2026-11-23"], "--date 只用于 loans"),
        (["loans", "--latest", "--to", "2026-11-23"], "--to 要和 --date 一起用"),
        (["loans", "--keys", "--latest"], "--keys 只用于 loans --date"),
        (["handover", "--keys", "--date", "2026-11-23"], "--keys 只用于 loans --date"),
    ],
)
def test_bad_input_exits_2_with_a_reason(db_path, records, tmp_path, capsys, args, message) -> None:
    out = tmp_path / "out.pdf"
    assert desk(db_path, *args, "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and message in err
    assert not out.exists()


def test_unknown_extension_exits_2(db_path, records, tmp_path, capsys) -> None:
    out = tmp_path / "out.docx"
    assert desk(db_path, "workorder", "--latest", "-o", str(out)) == 2
    assert "应以 .pdf 或 .xlsx 结尾" in capsys.readouterr().err and not out.exists()


def test_nothing_to_print_and_no_database(db_path, staff_id, engine, tmp_path, capsys) -> None:
    engine.dispose()
    assert desk(db_path, "loans", "--latest", "-o", str(tmp_path / "x.pdf")) == 2
    assert "还没有借用记录可以打印" in capsys.readouterr().err
    missing = tmp_path / "none.sqlite3"
    assert desk(missing, "workorder", "--latest", "-o", str(tmp_path / "x.pdf")) == 2
    assert "找不到数据库文件" in capsys.readouterr().err and not missing.exists()


def test_unwritable_output_exits_2(db_path, records, tmp_path, capsys) -> None:
    out = tmp_path / "no-such-folder" / "out.pdf"
    assert desk(db_path, "workorder", "--latest", "-o", str(out)) == 2
    assert "无法写入" in capsys.readouterr().err
