"""回访: the call back after a repair or a complaint; 不满意 reopens the work in the same save."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from desk.models import Callback, Complaint, WorkOrder
from desk.models.enums import CallbackState, EscalationLevel
from desk.models.enums import ComplaintState as C
from desk.models.enums import WorkOrderState as W
from desk.models.errors import TransitionError, ValidationError
from desk.services.core import audit
from desk.services.records import callbacks, complaints, workorders
from desk.services.records.callbacks import CallbackResult
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.workorders import Completion, WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at

HOUR = timedelta(hours=1)
HAPPY = CallbackResult("满意", outcome="已修好")
UNHAPPY = CallbackResult("不满意", outcome="仍漏水", comment="水管还在滴水")


def completed_order(write, at=NOW) -> tuple[int, int]:
    """A repair taken, done and completed by ``at`` + 30 min; returns (order id, callback id)."""
    with write(at) as ctx:
        order = workorders.create(ctx, WorkOrderDraft("卫生间漏水", "水电", room="3-2-1201"))
        workorders.dispatch(ctx, order.id, "李师傅")
        workorders.start(ctx, order.id)
    with write(at + timedelta(minutes=30)) as ctx:
        workorders.complete(ctx, order.id, Completion("更换密封圈"))
        [callback] = workorders.pending_callbacks(ctx, order.id)
    return order.id, callback.id


def answered_complaint(write, severity="轻微", at=NOW) -> tuple[int, int]:
    with write(at) as ctx:
        draft = ComplaintDraft(
            "垃圾清运不及时", "物业管理", severity=severity, complainant="周先生"
        )
        complaint = complaints.create(ctx, draft)
        complaints.answer(ctx, complaint.id, "已增加清运次数")
        [callback] = complaints.pending_callbacks(ctx, complaint.id)
    return complaint.id, callback.id


def record(write, callback_id: int, result: CallbackResult, at=NOW + 24 * HOUR) -> None:
    with write(at) as ctx:
        callbacks.record(ctx, callback_id, result)


# --- work orders --------------------------------------------------------------------------


def test_satisfied_callback_closes_the_repair(write, fetch, read, staff_id) -> None:
    order_id, callback_id = completed_order(write)
    at = NOW + 24 * HOUR
    record(write, callback_id, HAPPY, at)
    callback = fetch(Callback, callback_id)
    assert (callback.state, callback.satisfaction, callback.way) == (
        CallbackState.DONE,
        "满意",
        "电话",
    )
    assert (callback.done_at, callback.staff_id, callback.outcome) == (at, staff_id, "已修好")
    assert fetch(WorkOrder, order_id).state == W.CALLED_BACK
    with read() as ctx:
        fields = [(e.field, e.old, e.new) for e in audit.history(ctx, "callback", callback_id)]
        last = audit.history(ctx, "workorder", order_id)[-1]
        last = (last.field, last.old, last.new, last.at, last.staff_id)
    assert ("state", "待回访", "已回访") in fields
    assert ("satisfaction", None, "满意") in fields
    assert last == ("state", "已完成", "已回访", at, staff_id)


def test_unsatisfied_callback_reopens_the_repair(write, fetch, read) -> None:
    order_id, callback_id = completed_order(write)
    record(write, callback_id, UNHAPPY)
    order = fetch(WorkOrder, order_id)
    assert (order.state, order.rework_count, order.completed_at) == (W.REWORK, 1, None)
    assert fetch(Callback, callback_id).state == CallbackState.DONE  # recorded, not voided
    with read() as ctx:
        [rework] = [e for e in audit.history(ctx, "workorder", order_id) if e.new == W.REWORK.value]
        assert (rework.old, rework.staff_id is not None) == ("已完成", True)
        counted = [
            e for e in audit.history(ctx, "workorder", order_id) if e.field == "rework_count"
        ]
        assert [(e.old, e.new) for e in counted] == [("0", "1")]


def test_rework_after_an_unhappy_callback_gets_a_new_callback(write, fetch) -> None:
    order_id, callback_id = completed_order(write)
    record(write, callback_id, UNHAPPY)
    with write(NOW + 30 * HOUR) as ctx:
        workorders.dispatch(ctx, order_id, "李师傅")
        workorders.start(ctx, order_id)
        workorders.complete(ctx, order_id, Completion("更换整段水管"))
    states = [cb.state for cb in fetch(select(Callback).order_by(Callback.id))]
    assert states == [CallbackState.DONE, CallbackState.DUE]
    [due] = fetch(select(Callback).where(Callback.state == CallbackState.DUE))
    assert due.due_at == NOW + 78 * HOUR


def test_reopening_happens_in_the_same_save(write, fetch, monkeypatch) -> None:
    order_id, callback_id = completed_order(write)

    def broken_rework(ctx, order_id, reason):
        raise RuntimeError("engineering system down")

    monkeypatch.setattr(workorders, "rework", broken_rework)
    with pytest.raises(RuntimeError):
        record(write, callback_id, UNHAPPY)
    assert fetch(Callback, callback_id).state == CallbackState.DUE
    assert fetch(WorkOrder, order_id).state == W.COMPLETED


def test_a_callback_is_recorded_once(write, fetch) -> None:
    _, callback_id = completed_order(write)
    record(write, callback_id, HAPPY)
    with pytest.raises(TransitionError, match="已回访"), write() as ctx:
        callbacks.record(ctx, callback_id, UNHAPPY)
    assert fetch(Callback, callback_id).satisfaction == "满意"


@pytest.mark.parametrize(
    ("result", "field"),
    [
        (CallbackResult("还行"), "satisfaction"),
        (CallbackResult("满意", way="微信"), "way"),
        (CallbackResult("满意", outcome="好" * 501), "outcome"),
    ],
)
def test_bad_callback_entry_changes_nothing(write, fetch, result, field) -> None:
    order_id, callback_id = completed_order(write)
    with pytest.raises(ValidationError) as info, write() as ctx:
        callbacks.record(ctx, callback_id, result)
    assert info.value.field == field
    assert fetch(Callback, callback_id).state == CallbackState.DUE
    assert fetch(WorkOrder, order_id).state == W.COMPLETED


# --- complaints ---------------------------------------------------------------------------


def test_satisfied_complaint_callback(write, fetch) -> None:
    complaint_id, callback_id = answered_complaint(write)
    record(write, callback_id, CallbackResult("非常满意", way="上门"))
    assert fetch(Complaint, complaint_id).state == C.CALLED_BACK
    assert fetch(Callback, callback_id).way == "上门"


def test_unsatisfied_complaint_callback_escalates(write, fetch, read) -> None:
    complaint_id, callback_id = answered_complaint(write)
    record(write, callback_id, CallbackResult("不满意", comment="还是没人来收"))
    complaint = fetch(Complaint, complaint_id)
    assert (complaint.state, complaint.level) == (C.IN_PROGRESS, EscalationLevel.SUPERVISOR)
    assert complaint.escalated_at == NOW + 24 * HOUR
    assert "还是没人来收" in complaint.measures
    assert fetch(Callback, callback_id).state == CallbackState.DONE


def test_unsatisfied_at_the_top_level_reopens_without_error(write, fetch) -> None:
    complaint_id, callback_id = answered_complaint(write, severity="重大")
    with write() as ctx:  # reported up as a major complaint must be
        complaints.escalate(ctx, complaint_id, "重大投诉上报")
        complaints.escalate(ctx, complaint_id, "重大投诉上报公司领导")
        complaints.answer(ctx, complaint_id, "公司领导已答复")
    [callback] = fetch(
        select(Callback).where(
            Callback.complaint_id == complaint_id, Callback.state == CallbackState.DUE
        )
    )
    callback_id = callback.id
    assert fetch(Complaint, complaint_id).level == EscalationLevel.LEADERSHIP
    record(write, callback_id, CallbackResult("不满意"))
    complaint = fetch(Complaint, complaint_id)
    assert (complaint.state, complaint.level) == (C.IN_PROGRESS, EscalationLevel.LEADERSHIP)
    # answered again, a new callback is queued: every complaint gets one
    with write(NOW + 30 * HOUR) as ctx:
        complaints.answer(ctx, complaint_id, "公司领导已到现场处理")
    due = fetch(select(Callback).where(Callback.state == CallbackState.DUE))
    assert [cb.complaint_id for cb in due] == [complaint_id]


# --- the queue ----------------------------------------------------------------------------


def test_queue_is_soonest_first_and_overdue_after_48_hours(write, read) -> None:
    _, late = completed_order(write, NOW)
    _, soon = completed_order(write, NOW - 2 * HOUR)
    _, complaint_cb = answered_complaint(write, at=NOW + HOUR)
    with read() as ctx:
        assert [cb.id for cb in callbacks.due(ctx)] == [soon, late, complaint_cb]
    with read(NOW + timedelta(minutes=30) + 48 * HOUR) as ctx:
        assert callbacks.count_overdue(ctx) == 1
    with read(NOW + 50 * HOUR) as ctx:
        assert callbacks.count_overdue(ctx) == 3
    record(write, soon, HAPPY)
    with read(NOW + 50 * HOUR) as ctx:
        assert callbacks.count_overdue(ctx) == 2
        assert soon not in [cb.id for cb in callbacks.due(ctx)]


# --- 回访 from a record's detail ------------------------------------------------------------


def test_record_for_finds_the_pending_callback_of_a_repair(write, fetch) -> None:
    order_id, callback_id = completed_order(write)
    with write(NOW + 24 * HOUR) as ctx:
        done = callbacks.record_for(ctx, "workorder", order_id, HAPPY)
    assert done.id == callback_id
    [order] = fetch(select(WorkOrder))
    assert order.state == W.CALLED_BACK


def test_record_for_an_unhappy_complaint_escalates_it(write, fetch) -> None:
    complaint_id, _ = answered_complaint(write)
    with write(NOW + 24 * HOUR) as ctx:
        callbacks.record_for(ctx, "complaint", complaint_id, UNHAPPY)
    [complaint] = fetch(select(Complaint))
    assert (complaint.state, complaint.level) == (C.IN_PROGRESS, EscalationLevel.SUPERVISOR)


def test_record_for_without_a_pending_callback_says_so(write, fetch) -> None:
    order_id, _ = completed_order(write)
    record(write, fetch(select(Callback))[0].id, HAPPY)
    with write(NOW + 25 * HOUR) as ctx, pytest.raises(TransitionError, match="没有待回访"):
        callbacks.record_for(ctx, "workorder", order_id, HAPPY)
