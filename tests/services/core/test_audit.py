"""The audit's 导出 rows: every export or print of personal data says who, when, what and
how many — and never a resident's phone number, nor where on the disk the file went."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from desk.models import AuditEvent
from desk.models.enums import AuditAction
from desk.services.core import audit
from desk.services.io import resident_import
from desk.services.records import residents
from desk.services.records.residents import ResidentDraft

NOW = datetime(2026, 11, 23, 10, 0)  # the moment conftest's fixtures act at


OUTPUTS = (AuditAction.EXPORT, AuditAction.PRINT)


def _exports(fetch) -> list[AuditEvent]:
    """The 导出 and 打印 rows, oldest first."""
    return fetch(
        select(AuditEvent).where(AuditEvent.action.in_(OUTPUTS)).order_by(AuditEvent.id)  # type: ignore[attr-defined]
    )


def test_an_export_says_who_when_what_and_how_many(write, fetch, staff_id) -> None:
    with write() as ctx:
        audit.exported(ctx, "报修派工列表", 12, Path("/home/张三/文档/报修派工列表-20261123.xlsx"))
        audit.exported(ctx, "派工单 PG-20261123-001", 1, "打印机“前台打印机”")
    filed, printed = _exports(fetch)
    assert (filed.staff_id, filed.at, filed.entity, filed.entity_id) == (
        staff_id,
        NOW,
        audit.EXPORTS,
        0,
    )
    assert (filed.action, filed.field, filed.new, filed.reason) == (
        AuditAction.EXPORT,
        "报修派工列表",
        "12",
        "报修派工列表-20261123.xlsx",  # the folder may name a person: only the file's name
    )
    assert (printed.action, printed.field, printed.new, printed.reason) == (
        AuditAction.PRINT,  # the printer in words, not a file
        "派工单 PG-20261123-001",
        "1",
        "打印机“前台打印机”",
    )
    assert (printed.entity, printed.entity_id) == (audit.EXPORTS, 0)


def test_forms_say_how_many_pages(write, fetch, staff_id) -> None:
    """A batch of forms keeps its rows and adds its pages; one record's form is logged on
    that record, so its history shows it."""
    with write() as ctx:
        audit.exported(ctx, "物品借用登记表 JYDJ-20261123", 12, "打印机“前台”", pages=3)
        audit.form_exported(ctx, "workorder", 7, "派工单", Path("/tmp/派工单.pdf"), pages=2)
        audit.form_exported(ctx, "workorder", 7, "派工单", Path("/tmp/派工单.xlsx"), pages=None)
        audit.form_exported(ctx, "handover", 3, "客服值班记录表", "打印机“前台”", pages=4)
        changed = ctx.changes.frozen()
    rows = [(e.entity, e.entity_id, e.action, e.field, e.new, e.reason) for e in _exports(fetch)]
    assert rows == [
        (
            "export",
            0,
            AuditAction.PRINT,
            "物品借用登记表 JYDJ-20261123",
            "12 条，3 页",
            "打印机“前台”",
        ),
        ("workorder", 7, AuditAction.EXPORT, "派工单", "2 页", "派工单.pdf"),
        ("workorder", 7, AuditAction.EXPORT, "派工单", None, "派工单.xlsx"),  # Excel paginates
        ("handover", 3, AuditAction.PRINT, "客服值班记录表", "4 页", "打印机“前台”"),
    ]
    assert all(e.staff_id == staff_id and e.at == NOW for e in _exports(fetch))
    # the record's views refresh: its history has a line more
    assert changed.ids_of("workorder") == {7} and changed.ids_of("handover") == {3}


def test_the_resident_list_export_is_recorded_with_its_count(
    write, read, fetch, staff_id, tmp_path: Path
) -> None:
    with write() as ctx:
        residents.add(ctx, ResidentDraft("张三", "3-2-1201", phones="13812345678"))
        residents.add(ctx, ResidentDraft("李四", "3-2-1202", phones="021-87654321"))
    target = tmp_path / "一览表.xlsx"
    with read() as ctx:
        n = resident_import.export_residents_xlsx(
            ctx.session, target, staff_id=staff_id, full_phones=True
        )
    with write() as ctx:
        audit.exported(ctx, resident_import.export_title(full_phones=True), n, target)
    [row] = _exports(fetch)
    assert (row.staff_id, row.field, row.new, row.reason) == (
        staff_id,
        "业主信息一览表（完整电话）",
        "2",
        "一览表.xlsx",
    )
    stored = " ".join(str(v) for v in (row.field, row.old, row.new, row.reason))
    assert "13812345678" not in stored and "87654321" not in stored


PHONES = st.one_of(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"0[1-9][0-9]{1,2}-[2-9][0-9]{7}", fullmatch=True),
)
WORDS = st.text(alphabet="张三李四业主名单列表一览表_- abc", max_size=12)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(phone=PHONES, before=WORDS, after=WORDS)
def test_no_phone_number_reaches_the_row_whatever_was_typed(
    write, fetch, phone, before, after
) -> None:
    """A number typed into a file's name (or a title) is masked as the lists mask it."""
    with write() as ctx:
        audit.exported(ctx, f"{before}{phone}{after}", 3, Path(f"/tmp/{before}{phone}{after}.xlsx"))
    row = _exports(fetch)[-1]
    stored = " ".join(str(v) for v in (row.field, row.old, row.new, row.reason))
    assert phone not in stored
    assert phone.replace("-", "") not in stored.replace("-", "")
    assert row.new == "3"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(phone=PHONES, before=WORDS, after=WORDS, printed=st.booleans())
def test_no_phone_number_reaches_a_records_print_row(
    write, fetch, phone, before, after, printed
) -> None:
    """Nor on a record's own row: a file or printer named with a number, masked."""
    name = f"{before}{phone}{after}"
    target = f"打印机“{name}”" if printed else Path(f"/tmp/{name}.pdf")
    with write() as ctx:
        audit.form_exported(ctx, "complaint", 5, f"投诉处理单{name}", target, pages=1)
    row = _exports(fetch)[-1]
    stored = " ".join(str(v) for v in (row.field, row.old, row.new, row.reason))
    assert phone not in stored
    assert phone.replace("-", "") not in stored.replace("-", "")
    assert (row.entity, row.entity_id, row.new) == ("complaint", 5, "1 页")
    assert row.action == (AuditAction.PRINT if printed else AuditAction.EXPORT)
