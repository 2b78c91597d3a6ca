"""Prints are known: a print or export of one record's form is logged on that record with
its pages (the detail's history shows it); a register or a batch is one 导出/打印 row of
the export log, with its rows and pages; the pages of a PDF are counted from the file."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from desk.models import AuditEvent
from desk.models.enums import AuditAction
from desk.reports.form_data import render, render_many
from desk.services.core import audit
from desk.services.duty import handover, shifts
from desk.services.io import form_prints, paper_forms
from desk.services.records import complaints, loans, staff, workorders
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.workorders import WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)  # the moment conftest's fixtures act at
HOUR = timedelta(hours=1)
PRINTER = "打印机“前台打印机”"


def outputs(fetch) -> list[tuple[str, int, AuditAction, str, str | None, str]]:
    """The 打印 and 导出 rows: on what, which, what it was, how much, where to."""
    rows = fetch(
        select(AuditEvent)
        .where(AuditEvent.action.in_((AuditAction.PRINT, AuditAction.EXPORT)))  # type: ignore[attr-defined]
        .order_by(AuditEvent.id)  # type: ignore[arg-type]
    )
    return [(e.entity, e.entity_id, e.action, e.field, e.new, e.reason) for e in rows]


def pdfinfo_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    found = re.search(r"Pages:\s+(\d+)", info.stdout)
    assert found is not None
    return int(found.group(1))


@pytest.fixture
def records(write) -> dict[str, object]:
    with write() as ctx:
        order = workorders.create(
            ctx, WorkOrderDraft("厨房水龙头滴水", "水电", room="3-2-1201", phone="13812345678")
        )
        complaint = complaints.create(
            ctx, ComplaintDraft("楼道堆放杂物", "物业管理", complainant="吴先生", room="3-2-1202")
        )
        item = loans.add_item(ctx, "人字梯", 2, deposit="50")
        loan = loans.lend(ctx, LoanDraft(item.id, "孙先生", NOW + 8 * HOUR, phone="13812345678"))
    return {"workorder": order, "complaint": complaint, "loan": loan}


def test_a_records_form_is_logged_on_the_record(write, read, fetch, staff_id, records, tmp_path):
    order = records["workorder"]
    pdf, xlsx = tmp_path / "派工单.pdf", tmp_path / "派工单.xlsx"
    with read() as ctx:
        form = paper_forms.workorder_form(ctx, order.serial)
    render(form, pdf)
    render(form, xlsx)
    with write(NOW + HOUR) as ctx:
        form_prints.record(ctx, [form], PRINTER, pages=2)  # two copies of its one page
        form_prints.record(ctx, [form], pdf)  # counted from the file
        form_prints.record(ctx, [form], xlsx)  # Excel paginates an xlsx: no pages
        changed = ctx.changes.frozen()
    assert outputs(fetch) == [
        ("workorder", order.id, AuditAction.PRINT, "派工单", "2 页", PRINTER),
        ("workorder", order.id, AuditAction.EXPORT, "派工单", "1 页", "派工单.pdf"),
        ("workorder", order.id, AuditAction.EXPORT, "派工单", None, "派工单.xlsx"),
    ]
    assert changed.ids_of("workorder") == {order.id}  # its detail reloads
    with read() as ctx:  # in the record's own history, by who and when
        events = audit.history(ctx, "workorder", order.id)
    printed = [e for e in events if e.action == AuditAction.PRINT]
    assert [(e.staff_id, e.at) for e in printed] == [(staff_id, NOW + HOUR)]


@pytest.mark.parametrize(
    ("kind", "build", "title"),
    [
        ("complaint", paper_forms.complaint_form, "客户投诉处理单"),
        ("loan", paper_forms.loan_slip, "物品借用单"),
    ],
)
def test_complaints_and_loan_slips_too(write, read, fetch, records, kind, build, title):
    record = records[kind]
    with read() as ctx:
        form = build(ctx, record.serial)
    with write() as ctx:
        form_prints.record(ctx, [form], PRINTER, pages=1)
    assert outputs(fetch) == [(kind, record.id, AuditAction.PRINT, title, "1 页", PRINTER)]


def test_a_duty_record_on_its_handover_and_a_day_of_them_as_a_batch_on_each(
    engine, write, read, fetch, staff_id, tmp_path
):
    with write(NOW - 2 * HOUR) as ctx:
        li = staff.add(ctx, "李婷").id
        wang = staff.add(ctx, "王晓燕").id
    with write(NOW - 2 * HOUR, who=li) as ctx:
        early = shifts.come_on_duty(ctx, li, "早班").id
    with write(NOW + 5 * HOUR, who=li) as ctx:
        first = handover.confirm(ctx, early, "电梯年检").id
    with write(NOW + 6 * HOUR, who=wang) as ctx:
        middle = shifts.come_on_duty(ctx, wang, "中班").id
        handover.accept(ctx, first, wang)
    with write(NOW + 13 * HOUR, who=wang) as ctx:
        second = handover.draft(ctx, middle, "").id
    with read(NOW + 14 * HOUR) as ctx:
        one = paper_forms.handover_form(ctx, first)
        day = paper_forms.handover_forms(ctx, NOW.date())
    assert one.head.serial == "JB-20261123-01" and len(day) == 2
    both = tmp_path / "值班记录.pdf"
    render_many(day, both, "客服值班记录表 2026-11-23")
    with write(NOW + 14 * HOUR) as ctx:
        form_prints.record(ctx, [one], PRINTER, pages=1)
        form_prints.record(ctx, day, both, title="客服值班记录表 2026-11-23")
    rows = sum(len(f.carried) for f in day)
    assert outputs(fetch) == [
        ("handover", first, AuditAction.PRINT, "客服值班记录表", "1 页", PRINTER),
        (
            audit.EXPORTS,
            0,
            AuditAction.EXPORT,
            "客服值班记录表 2026-11-23",
            f"{rows} 条，{pdfinfo_pages(both)} 页",
            "值班记录.pdf",
        ),
        # each record of the batch shows it in its own history
        ("handover", first, AuditAction.EXPORT, "客服值班记录表", "同批 2 张", "值班记录.pdf"),
        ("handover", second, AuditAction.EXPORT, "客服值班记录表", "同批 2 张", "值班记录.pdf"),
    ]


def test_a_register_is_no_one_records(write, read, fetch, records, tmp_path):
    with read(NOW + HOUR) as ctx:
        register = paper_forms.loan_register(ctx, NOW.date())
    with write() as ctx:
        form_prints.record(ctx, [register], PRINTER, pages=3)
    assert outputs(fetch) == [
        (audit.EXPORTS, 0, AuditAction.PRINT, "物品借用登记表 JYDJ-20261123", "1 条，3 页", PRINTER)
    ]


def test_a_form_of_no_record_found_is_still_logged(write, read, fetch, records):
    """A serial the file does not hold (a form read from another office's file) is logged
    as an export of that form: personal data never leaves unrecorded."""
    with read() as ctx:
        form = paper_forms.workorder_form(ctx, records["workorder"].serial)
    stranger = type(form)(**{**form.__dict__, "head": type(form.head)(
        **{**form.head.__dict__, "serial": "PG-20990101-001"})})  # fmt: skip
    with write() as ctx:
        assert form_prints.form_record(ctx, stranger) is None
        form_prints.record(ctx, [stranger], PRINTER, pages=1)
    assert outputs(fetch) == [
        (audit.EXPORTS, 0, AuditAction.PRINT, "派工单 PG-20990101-001", "1 条，1 页", PRINTER)
    ]


def test_pdf_pages_are_those_pdfinfo_reads(read, write, records, tmp_path):
    with write() as ctx:
        item = loans.add_item(ctx, "推车", 80, deposit="0")
        for n in range(40):
            loans.lend(ctx, LoanDraft(item.id, f"借用人{n}", NOW + 8 * HOUR, phone="13812345678"))
    with read(NOW + HOUR) as ctx:
        register = paper_forms.loan_register(ctx, NOW.date())
        order = paper_forms.workorder_form(ctx, records["workorder"].serial)
    written = [
        render(register, tmp_path / "登记表.pdf"),
        render(order, tmp_path / "派工单.pdf"),
        render_many([register, order, order], tmp_path / "一批.pdf", "一批"),
    ]
    counted = [form_prints.pdf_pages(path) for path in written]
    assert counted == [pdfinfo_pages(path) for path in written]
    assert counted[0] is not None and counted[0] >= 2  # a register of several pages
    assert form_prints.pdf_pages(tmp_path / "没有这个文件.pdf") is None
