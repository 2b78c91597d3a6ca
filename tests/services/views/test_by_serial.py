"""A serial typed or scanned from a printed form finds its record: every kind of form,
the ways people and scanners mangle a serial, and clear errors for what is not one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.models.enums import LoanKind
from desk.models.errors import NotFoundError, ValidationError
from desk.services.core import numbering
from desk.services.core.transactions import reading
from desk.services.duty import handover, shifts
from desk.services.records import calls, complaints, loans, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import WorkOrderDraft
from desk.services.views import by_serial

NOW = datetime(2026, 11, 23, 10, 0)  # conftest's moment
DAY = NOW.date()


@pytest.fixture
def records(write, staff_id) -> dict[str, tuple[str, int]]:
    """One record of each kind, made at NOW: kind → (serial, id)."""
    made = {}
    with write() as ctx:
        shift = shifts.come_on_duty(ctx, staff_id, "早班")
        order = workorders.create(ctx, WorkOrderDraft("卧室吸顶灯不亮", "水电", room="3-2-1201"))
        complaint = complaints.create(
            ctx,
            ComplaintDraft("楼上深夜噪音", "物业管理", complainant="赵女士", phone="13800001111"),
        )
        ladder = loans.add_item(ctx, "梯子", 2)
        loan = loans.lend(
            ctx, LoanDraft(ladder.id, "赵先生", NOW + timedelta(hours=2), phone="13800002222")
        )
        visit = visits.create(ctx, VisitDraft("冯先生", "申请更换门禁卡"))
        call = calls.create_call(ctx, CallDraft("咨询", "问停水时间"))
    for kind, record in (("workorder", order), ("complaint", complaint), ("loan", loan),
                         ("visit", visit), ("call", call)):  # fmt: skip
        made[kind] = (record.serial, record.id)
    with write(NOW + timedelta(hours=5)) as ctx:
        handover.confirm(ctx, shift.id, "")
    made["handover"] = ("JB-20261123-01", shift.id)
    return made


def find(engine, text: str) -> by_serial.Found:
    with reading(engine, now=NOW + timedelta(hours=6)) as ctx:
        return by_serial.find(ctx, text)


def test_every_form_finds_its_record(engine, records) -> None:
    for kind, (serial, record_id) in records.items():
        found = find(engine, serial)
        assert (found.kind, found.serial, found.record_id) == (kind, serial, record_id)


def test_serials_as_scanners_and_people_type_them(engine, records) -> None:
    serial, order_id = records["workorder"]  # PG-20261123-001
    digits = serial.replace("-", "")
    for typed in (serial.lower(), f"  {serial}\r\n", digits, "ＰＧ－２０２６１１２３－００１",
                  "PG—20261123—001", "PG 20261123 001"):  # fmt: skip
        found = find(engine, typed)
        assert (found.kind, found.serial, found.record_id) == ("workorder", serial, order_id)
    found = find(engine, "jb2026112301")
    assert (found.kind, found.serial) == ("handover", "JB-20261123-01")
    assert find(engine, "JB-20261123-1").serial == "JB-20261123-01"


def test_register_serials_name_the_loans_of_their_days(engine, records) -> None:
    found = find(engine, "JYDJ-20261123")
    assert (found.kind, found.serial, found.start, found.end, found.loan_kind) == (
        "register", "JYDJ-20261123", DAY, DAY, LoanKind.ITEM,
    )  # fmt: skip
    found = find(engine, "ysdj2026110120261130")
    assert (found.serial, found.start, found.end, found.loan_kind) == (
        "YSDJ-20261101-20261130", date(2026, 11, 1), date(2026, 11, 30), LoanKind.KEY,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="结束日期早于开始日期"):
        find(engine, "JYDJ-20261130-20261101")
    with pytest.raises(ValidationError, match="日期 20261131 不存在"):
        find(engine, "JYDJ-20261131")


def test_a_well_formed_serial_nobody_issued(engine, records) -> None:
    with pytest.raises(NotFoundError, match="找不到单号为 PG-20261123-009 的派工单"):
        find(engine, "PG-20261123-009")
    with pytest.raises(NotFoundError, match="找不到单号为 TS-20251123-001 的投诉单"):
        find(engine, "ts-20251123-001")
    with pytest.raises(NotFoundError, match="的值班记录"):
        find(engine, "JB-20261123-02")


def test_what_is_no_serial_says_what_one_looks_like(engine, records) -> None:
    for typed in ("张三", "3-2-1201", "13812345678", "PG-2026112-001", "XX-20261123-001"):
        with pytest.raises(ValidationError, match="不是本系统的单号") as caught:
            find(engine, typed)
        assert caught.value.field == "serial"
    with pytest.raises(ValidationError, match="请扫描或输入单号"):
        find(engine, "   ")
    with pytest.raises(ValidationError, match="最长 40 个字符"):
        find(engine, "PG" * 30)


SERIAL_LIKE = st.from_regex(
    r"(PG|TS|JY|LF|LD|JB|JYDJ|YSDJ|pg|Ｐ)[-—－ ]?[0-9０-９]{6,9}[- ]?[0-9]{0,9}", fullmatch=True
)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.one_of(st.text(max_size=60), SERIAL_LIKE))
def test_any_text_finds_a_record_or_says_why(engine, records, text) -> None:
    """Whatever is typed or scanned: a record under its serial as printed, or a Chinese
    message — never another exception."""
    with reading(engine, now=NOW) as ctx:
        try:
            found = by_serial.find(ctx, text)
        except (ValidationError, NotFoundError) as exc:
            assert str(exc)
        else:
            assert found.serial == numbering.normalise(found.serial)
            assert found.serial in {serial for serial, _id in records.values()} or (
                found.kind == "register"
            )
