"""A unit's history: every kind of record, newest first, voided ones kept and marked 作废."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from helpers.office import NOW
from sqlmodel import Session

from desk.models import Unit
from desk.models.enums import RecordState
from desk.services.records import calls, complaints, loans, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import Completion, WorkOrderDraft
from desk.services.views.timeline import KINDS, TimelineEntry, unit_timeline

ROOM = "3-2-1201"
MINUTE = timedelta(minutes=1)


def _unit(write, code: str) -> int:
    building, entrance, room = code.split("-")
    with write() as ctx:
        unit = Unit(code=code, building=building, entrance=entrance, room=room,
                    created_at=NOW, updated_at=NOW)  # fmt: skip
        ctx.session.add(unit)
        ctx.session.flush()
        return unit.id


@pytest.fixture
def history(write) -> dict[str, object]:
    """One unit with one record of every kind at known times, plus a neighbour's record."""
    unit_id = _unit(write, ROOM)
    _unit(write, "3-2-1202")
    t = NOW - timedelta(days=3)
    ids: dict[str, object] = {"unit": unit_id}
    with write(t) as ctx:
        ids["visit"] = visits.create(ctx, VisitDraft("张三", "办理装修登记", room=ROOM)).id
    with write(t + 10 * MINUTE) as ctx:
        call = calls.create_call(ctx, CallDraft("报修", "厨房水龙头漏水", "张三", room=ROOM))
        ids["call"] = call.id
        order = workorders.create(
            ctx, WorkOrderDraft("厨房水龙头漏水", "水电", room=ROOM, call_id=call.id)
        )
        ids["order"], ids["order_serial"] = order.id, order.serial
    with write(t + 20 * MINUTE) as ctx:
        workorders.dispatch(ctx, order.id, "水电班 王师傅")
        workorders.start(ctx, order.id)
    with write(t + 80 * MINUTE) as ctx:
        workorders.complete(ctx, order.id, Completion("更换阀芯"))  # queues the callback
    with write(t + timedelta(days=1)) as ctx:
        complaint = complaints.create(
            ctx, ComplaintDraft("楼上装修噪音大", "物业管理", complainant="张三", room=ROOM)
        )
        ids["complaint"] = complaint.id
        item = loans.add_item(ctx, "梯子", 2)
        loan = loans.lend(
            ctx,
            LoanDraft(item.id, "张三", ctx.now + timedelta(hours=4), room=ROOM,
                      phone="13812345678"),
        )  # fmt: skip
        ids["loan"] = loan.id
    with write(t + timedelta(days=2)) as ctx:
        wrong = calls.create_call(ctx, CallDraft("咨询", "登记错了", room=ROOM))
        ids["void_call"] = wrong.id
    with write(t + timedelta(days=2, minutes=5)) as ctx:
        calls.void(ctx, wrong.id, "登记错误")
    with write(t + timedelta(days=2)) as ctx:
        calls.create_call(ctx, CallDraft("咨询", "隔壁的事", room="3-2-1202"))
    return ids


def _timeline(engine, unit_id: int, limit: int | None = None) -> list[TimelineEntry]:
    with Session(engine) as session:
        return unit_timeline(session, unit_id, limit)


def test_every_kind_newest_first(engine, history) -> None:
    entries = _timeline(engine, history["unit"])
    assert {e.kind for e in entries} == set(KINDS)
    assert len(entries) == 7  # visit, 2 calls, order, its callback, complaint, loan
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert all(isinstance(e.at, datetime) for e in entries)
    # the repair was recorded in the same second as its call, and is listed above it
    keys = [(e.kind, e.record_id) for e in entries]
    order, call = keys.index(("报修", history["order"])), keys.index(("来电", history["call"]))
    assert entries[order].at == entries[call].at and order < call
    assert entries[-1].kind == "来访"


def test_entries_carry_serial_state_and_summary(engine, history) -> None:
    entries = {(e.kind, e.record_id): e for e in _timeline(engine, history["unit"])}
    order = entries[("报修", history["order"])]
    assert order.serial == history["order_serial"] and order.state == "已完成"
    assert order.summary == "水电：厨房水龙头漏水"
    callback = next(e for e in entries.values() if e.kind == "回访")
    assert callback.serial == history["order_serial"] and callback.state == "待回访"
    assert callback.summary.startswith("应于 ")
    assert entries[("借用", history["loan"])].summary == "梯子 ×1"
    assert entries[("投诉", history["complaint"])].serial.startswith("TS-")


def test_voided_records_stay_listed(engine, history) -> None:
    entries = _timeline(engine, history["unit"])
    voided = next(e for e in entries if e.record_id == history["void_call"] and e.kind == "来电")
    assert voided.state == RecordState.VOID == "作废"
    assert entries[0] == voided  # still the newest


def test_limit_and_other_units(engine, history) -> None:
    full = _timeline(engine, history["unit"])
    assert _timeline(engine, history["unit"], limit=3) == full[:3]
    assert [e.summary for e in _timeline(engine, history["unit"] + 1)] == ["咨询：隔壁的事"]
    assert _timeline(engine, 999_999) == []
