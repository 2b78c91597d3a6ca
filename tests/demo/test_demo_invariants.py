"""The demo's records pass the services' own rules.

A sample of every kind (a few of each state): each loads through the services (detail,
list, serial lookup, timeline), its state is one the workflows reach with the fields that
path sets, its times are in order, its serial is numbering's and the counter is ahead of
it, its creation is in the audit log, its phones and rooms pass validation, a voided one
has its reason, and an open work order or complaint agrees with its 回访. Then the desk
carries on from the sample: on a copy, the next action of each open record succeeds
through the services and every record kind takes a new one.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from desk import demo
from desk.models import (
    MODELS,
    AuditEvent,
    Call,
    Callback,
    Complaint,
    Handover,
    Loan,
    LoanItem,
    Resident,
    SerialCounter,
    Shift,
    Staff,
    Unit,
    Visit,
    WorkOrder,
    WorkOrderMaterial,
    kinds,
)
from desk.models.enums import (
    ESCALATION_ORDER,
    AuditAction,
    CallbackSource,
    CallbackState,
    CallType,
    EscalationLevel,
    HandoverState,
    LoanState,
    MessageState,
    RecordState,
    Satisfaction,
    UnitKind,
    VisitOutcome,
    VisitState,
)
from desk.models.enums import ComplaintState as C
from desk.models.enums import WorkOrderState as W
from desk.models.migrate import sqlite_copy
from desk.models.validation import normalize_phone, normalize_room, parse_phones
from desk.services.core import accounts, calendar, settings, sla
from desk.services.core.context import Ctx
from desk.services.core.numbering import SerialKind, format_serial
from desk.services.core.transactions import reading, writing
from desk.services.duty import handover, shifts
from desk.services.io import paper_forms
from desk.services.io.database import open_database
from desk.services.records import callbacks, calls, complaints, loans, residents, visits, workorders
from desk.services.views import by_serial, callback_list, details, lists, resident_search, timeline

DAYS = 21
TODAY = date(2026, 10, 14)  # after the National Day holidays and their make-up workdays
NOW = datetime.combine(TODAY, time(15, 30))  # where the demo data ends
SEED = 4242
PER_STATE = 6  # sampled records of each state of each kind
SERIAL = re.compile(r"([A-Z]+)-(\d{8})-(\d{3,})")
VOID = {"visit": VisitState.VOID, "call": RecordState.VOID, "workorder": W.VOID,
        "complaint": C.VOID, "loan": LoanState.VOID}  # fmt: skip


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("invariants") / "demo.sqlite3"
    engine = open_database(path)
    demo.generate(engine, DAYS, today=TODAY, seed=SEED)
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def ctx(demo_file: Path) -> Iterator[Ctx]:
    """One read transaction on the demo data, at the moment it ends."""
    engine = open_database(demo_file)
    with reading(engine, now=NOW) as ctx:
        yield ctx
    engine.dispose()


@pytest.fixture
def workable(demo_file: Path, tmp_path: Path) -> Iterator[Engine]:
    """A private copy to carry on from."""
    engine = open_database(sqlite_copy(demo_file, tmp_path / "copy.sqlite3"))
    yield engine
    engine.dispose()


def sample(ctx: Ctx, model: type, *by: str) -> list[Any]:
    """Up to PER_STATE records of each value of ``by`` (the state, and for calls the
    message's), the same ones every run."""
    by = by or (("state", "message_state") if model is Call else ("state",))
    groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for record in ctx.session.exec(select(model).order_by(model.id)).all():
        groups[tuple(str(getattr(record, name)) for name in by)].append(record)
    rng = random.Random(model.__tablename__)
    return [
        r
        for key in sorted(groups)
        for r in rng.sample(groups[key], min(PER_STATE, len(groups[key])))
    ]


def creation(ctx: Ctx, entity: str, entity_id: int) -> AuditEvent:
    """The record's one CREATE row in the audit log, the first of its history."""
    events = ctx.session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)
    ).all()
    created = [e for e in events if e.action == AuditAction.CREATE]
    assert len(created) == 1 and events[0] is created[0], (entity, entity_id)
    return created[0]


def in_order(*times: datetime | None) -> bool:
    present = [t for t in times if t is not None]
    return present == sorted(present)


def callbacks_of(ctx: Ctx, link: Any, record_id: int) -> list[Callback]:
    return list(
        ctx.session.exec(select(Callback).where(link == record_id).order_by(Callback.id)).all()
    )


# --- every record kind: what all records share ----------------------------------------------


def check_record(ctx: Ctx, kind: str, r: Any) -> None:
    spec = kinds.KINDS[kind]
    # the serial is numbering's, and the day's counter is at least as far
    m = SERIAL.fullmatch(r.serial)
    assert m and m.group(1) == spec.prefix, r.serial
    assert r.serial == format_serial(SerialKind(spec.prefix), r.created_at.date(), int(m.group(3)))
    counter = ctx.session.get(SerialCounter, (spec.prefix, r.created_at.date()))
    assert counter is not None and counter.last >= int(m.group(3))
    # created in the shift on duty, by its receptionist, and logged so
    shift = ctx.session.get(Shift, r.shift_id)
    assert shift.started_at <= r.created_at < shift.planned_end and r.staff_id == shift.staff_id
    event = creation(ctx, kind, r.id)
    assert (event.at, event.staff_id, event.new) == (r.created_at, r.staff_id, r.serial)
    assert r.created_at <= r.updated_at <= NOW
    # voided ⇔ 作废, with its reason
    voided = r.state == VOID[kind]
    assert voided == (r.voided_at is not None) == bool(r.void_reason), r.serial
    assert in_order(r.created_at, r.voided_at, r.updated_at)
    # who and where, as the forms validate them
    if r.phone:
        assert normalize_phone(r.phone) == r.phone
    if r.room_text:
        assert normalize_room(r.room_text).code == r.room_text
        unit = ctx.session.get(Unit, r.unit_id)
        assert unit.kind == UnitKind.UNIT and unit.code == r.room_text
    if r.resident_id is not None:
        person = ctx.session.get(Resident, r.resident_id)
        assert person.name == r.person_name and person.unit_id == (
            r.unit_id if r.room_text else person.unit_id
        )
    assert len(r.person_name) <= 40
    # the services load it: detail, list, serial lookup, the unit's timeline
    detail = details.record_detail(ctx.session, kind, r.id)
    assert (detail.serial, detail.state) == (r.serial, details.show_value(r.state))
    assert detail.actions == details.actions_for(kind, r)
    assert detail.history[0].action == AuditAction.CREATE.value
    found = lists.list_rows(ctx.session, kind, flt=lists.ListFilter(text=r.serial), now=NOW)
    assert [(row.id, row.state) for row in found] == [(r.id, r.state)]
    assert by_serial.find(ctx, r.serial) == by_serial.Found(kind, r.serial, r.id)
    if r.unit_id is not None:
        entries = timeline.unit_timeline(ctx.session, r.unit_id)
        assert any(e.serial == r.serial and e.record_id == r.id for e in entries)


def test_sampled_records_of_every_kind_pass_the_shared_rules(ctx: Ctx) -> None:
    for kind, model in MODELS.items():
        records = sample(ctx, model)
        assert len(records) >= PER_STATE, kind
        for r in records:
            check_record(ctx, kind, r)


def test_serial_counters_are_ahead_of_every_serial(ctx: Ctx) -> None:
    last: dict[tuple[str, date], int] = defaultdict(int)
    for model in MODELS.values():
        for serial in ctx.session.exec(select(model.serial)).all():
            prefix, day, n = SERIAL.fullmatch(serial).groups()
            key = (prefix, datetime.strptime(day, "%Y%m%d").date())
            last[key] = max(last[key], int(n))
    counters = {(c.kind, c.day): c.last for c in ctx.session.exec(select(SerialCounter)).all()}
    assert all(counters.get(key, 0) >= n for key, n in last.items())


# --- each kind's own rules ------------------------------------------------------------------


def test_work_orders_are_in_states_their_fields_explain(ctx: Ctx) -> None:
    conf = settings.all_values(ctx.session)
    cal = calendar.WorkCalendar.load(ctx.session)
    orders = sample(ctx, WorkOrder)
    assert {o.state for o in orders} == set(W)
    for o in orders:
        cbs = callbacks_of(ctx, Callback.work_order_id, o.id)
        due = [cb for cb in cbs if cb.state == CallbackState.DUE]
        done = [cb for cb in cbs if cb.state == CallbackState.DONE]
        unhappy = [cb for cb in done if cb.satisfaction == Satisfaction.UNSATISFIED]
        # the path: 派工 → 开始处理 (→ 待料 → 到料继续) → 完成 → 回访 | 返工 …
        assert in_order(o.created_at, o.dispatched_at, o.arrived_at, o.paused_since, NOW)
        assert in_order(o.arrived_at, o.completed_at, o.updated_at, NOW)
        assert (o.dispatched_at is not None) == bool(o.assignee) == (o.dispatcher_id is not None)
        assert o.arrived_at is None or o.dispatched_at is not None
        assert o.completed_at is None or o.arrived_at is not None
        assert (o.paused_since is not None) == (o.state == W.WAITING_PARTS)
        if o.parts_expected is not None and o.paused_since is not None:
            assert o.parts_expected >= o.paused_since.date()
        assert o.rework_count == len(unhappy)
        assert len(due) <= 1
        if o.state == W.NEW:
            assert o.dispatched_at is None
        if o.state == W.DISPATCHED:
            assert o.arrived_at is None
        if o.state in (W.IN_PROGRESS, W.WAITING_PARTS):
            assert o.arrived_at is not None and o.completed_at is None
        if o.state == W.COMPLETED:  # waiting for its 回访, queued at completion
            assert o.completed_at is not None and due and due[0].created_at == o.completed_at
        if o.state == W.CALLED_BACK:
            assert not due and done[-1].satisfaction != Satisfaction.UNSATISFIED
        if o.state == W.REWORK:
            assert o.completed_at is None and not due and done[-1] in unhappy
        if o.state != W.COMPLETED:
            assert not due
        # deadlines from the settings: from intake or appointment, or from the last 返工
        start = workorders.limits_start(o)
        response, completion = sla.workorder_deadlines(start, o.urgency, conf, cal)
        if unhappy:
            start = unhappy[-1].done_at
            completion = sla.workorder_deadlines(start, o.urgency, conf, cal)[1]
        assert (o.response_due, o.completion_due) == (response, completion), o.serial
        assert o.completion_from == start
        # the stored clock is the services' (workorders.clock)
        running = workorders.clock(o)
        assert (o.clock_from, o.overdue_at) == (
            (running.start, running.due) if running else (None, None)
        )
        # fees only on a paid service, from its first completion on, and adding up
        lines = ctx.session.exec(
            select(WorkOrderMaterial).where(WorkOrderMaterial.work_order_id == o.id)
        ).all()
        charged = o.is_paid and (o.completed_at is not None or o.rework_count > 0)
        assert (o.total_fee is not None) == charged, o.serial
        if charged:
            assert o.total_fee == o.labour_fee + o.materials_fee
            assert o.materials_fee == sum((x.amount for x in lines), Decimal(0))
        else:
            assert not lines


def test_complaints_are_in_states_their_fields_explain(ctx: Ctx) -> None:
    conf = settings.all_values(ctx.session)
    cal = calendar.WorkCalendar.load(ctx.session)
    found = sample(ctx, Complaint)
    # (已受理 lasts minutes to hours: at 15:30 none may be left)
    assert {c.state for c in found} >= set(C) - {C.ACCEPTED}
    for c in found:
        cbs = callbacks_of(ctx, Callback.complaint_id, c.id)
        due = [cb for cb in cbs if cb.state == CallbackState.DUE]
        unhappy = [cb for cb in cbs if cb.satisfaction == Satisfaction.UNSATISFIED]
        assert c.person_name  # required by complaints.create
        assert in_order(c.occurred_at, c.created_at, c.escalated_at, NOW)
        assert in_order(c.created_at, c.replied_at, c.updated_at, NOW)
        assert c.demand_deadline is None or c.demand_deadline >= c.created_at
        assert c.due_at == sla.complaint_due(c.created_at, c.severity, conf, cal, c.demand_deadline)
        # every level above the desk was reached by 升级, one step (and one line) at a time
        steps = ESCALATION_ORDER.index(c.level)
        assert (steps > 0) == (c.escalated_at is not None)
        assert c.measures.count("升级：") >= steps
        assert len(unhappy) <= c.measures.count("升级：回访不满意")
        assert len(due) <= 1
        if c.state == C.ACCEPTED:
            assert c.level == EscalationLevel.DESK and not c.measures and not cbs
        if c.state == C.IN_PROGRESS:
            assert c.replied_at is None and not due and (not cbs or cbs[-1] in unhappy)
        if c.state == C.ANSWERED:
            assert c.reply and due and due[0].created_at == c.replied_at
        if c.state == C.CALLED_BACK:
            assert not due and cbs[-1].state == CallbackState.DONE and cbs[-1] not in unhappy
        if c.state != C.ANSWERED:
            assert not due
        assert c.overdue_at == complaints.deadline(c)


def test_callbacks_follow_their_work(ctx: Ctx) -> None:
    conf = settings.all_values(ctx.session)
    cal = calendar.WorkCalendar.load(ctx.session)
    found = sample(ctx, Callback)
    assert {cb.state for cb in found} == set(CallbackState)
    rows = {
        row.id: row
        for row in callback_list.callback_rows(
            ctx.session, scope=callback_list.Scope.ALL, now=NOW, limit=callback_list.MAX_PAGE
        )
    }
    for cb in found:
        order = cb.source == CallbackSource.WORK_ORDER
        source = ctx.session.get(
            WorkOrder if order else Complaint, cb.work_order_id or cb.complaint_id
        )
        assert (cb.work_order_id is not None) == order != (cb.complaint_id is not None)
        assert cb.unit_id == source.unit_id and cb.created_at >= source.created_at
        key = "sla.callback.workorder" if order else "sla.callback.complaint"
        assert cb.due_at == sla.callback_due(cb.created_at, key, conf, cal)
        assert in_order(cb.created_at, cb.done_at, cb.updated_at, NOW)
        assert in_order(cb.created_at, cb.voided_at, cb.updated_at)
        made = cb.state == CallbackState.DONE
        assert made == (cb.done_at is not None) == (cb.satisfaction is not None)
        assert made == (cb.staff_id is not None) == (cb.way is not None)
        assert (
            (cb.state == CallbackState.VOID) == (cb.voided_at is not None) == bool(cb.void_reason)
        )
        event = creation(ctx, "callback", cb.id)
        assert (event.at, event.new) == (cb.created_at, f"回访 {source.serial}")
        if cb.id in rows:  # the list pages newest first: older ones are further down
            assert rows[cb.id].serial == source.serial and rows[cb.id].state == cb.state


def test_calls_visits_and_loans_follow_their_rules(ctx: Ctx) -> None:
    for c in sample(ctx, Call):
        message = c.call_type == CallType.MESSAGE
        assert message == (c.message_for_id is not None) == (c.message_state is not None)
        assert (c.message_state == MessageState.DELIVERED) == (c.delivered_at is not None)
        assert in_order(c.created_at, c.delivered_at, c.updated_at, NOW)
        if message:
            assert ctx.session.get(Staff, c.message_for_id).active and c.state == RecordState.ACTIVE
    found = sample(ctx, Visit)
    assert {v.state for v in found} == set(VisitState)
    for v in found:
        assert v.person_name and v.reason
        assert (v.outcome == VisitOutcome.PASSED) == bool(v.dept_head) == (v.passed_at is not None)
        assert v.passed_at in (None, v.created_at)
        assert in_order(v.created_at, v.closed_at, v.voided_at)  # never closed once voided
        if v.state == VisitState.CLOSED or v.closed_at is not None:  # (then maybe 作废)
            assert v.closed_at is not None and v.state in (VisitState.CLOSED, VisitState.VOID)
        if v.state == VisitState.OPEN:
            assert v.outcome == VisitOutcome.PASSED and not v.result
        if v.state == VisitState.CLOSED:
            assert v.result and in_order(v.created_at, v.closed_at, v.updated_at, NOW)
        if v.is_resident:
            assert not v.id_tail and not v.visiting
        else:
            assert re.fullmatch(r"[0-9A-Z]{4}", v.id_tail) and v.phone and v.visiting
    found = sample(ctx, Loan)
    assert {x.state for x in found} == set(LoanState)
    for x in found:
        item = ctx.session.get(LoanItem, x.item_id)
        assert x.person_name and x.phone
        assert x.expected_return_at > x.created_at and x.deposit == item.deposit * x.quantity
        returned = x.state == LoanState.RETURNED
        assert returned == (x.returned_at is not None) == (x.returned_to_id is not None)
        if returned:
            assert in_order(x.created_at, x.returned_at, x.updated_at, NOW)
            assert Decimal(0) <= x.deposit_refunded <= x.deposit
    for item in ctx.session.exec(select(LoanItem)).all():
        assert 0 <= loans.available(ctx, item.id) <= item.stock


def test_residents_pass_the_registry_rules(ctx: Ctx) -> None:
    found = sample(ctx, Resident, "role")
    for r in found:
        unit = ctx.session.get(Unit, r.unit_id)
        assert unit.kind == UnitKind.UNIT and normalize_room(unit.code).code == unit.code
        phones = [p for p in r.phones.split(",") if p]
        assert parse_phones(r.phones) == phones
        assert residents.name_keys(r.name) == (r.name_pinyin, r.name_initials)
        event = creation(ctx, "resident", r.id)
        assert event.new == f"{unit.code} {r.name}（导入）"
        detail = residents.get_detail(ctx, r.id)
        assert (detail.room, detail.phones) == (unit.code, tuple(phones))
        matches = resident_search.search_residents(ctx.session, r.name, limit=50)
        assert r.id in {m.resident_id for m in matches}
    # one name once per flat (residents.add refuses a second)
    names = ctx.session.exec(select(Resident.unit_id, Resident.name)).all()
    assert len(names) == len(set(names))
    for table in ("staff", "unit", "loanitem"):
        model = {"staff": Staff, "unit": Unit, "loanitem": LoanItem}[table]
        for record in ctx.session.exec(select(model).limit(20)).all():
            creation(ctx, table, record.id)


def test_shifts_and_handovers_follow_the_duty_rules(ctx: Ctx) -> None:
    ordered = ctx.session.exec(select(Shift).order_by(Shift.started_at)).all()
    for before, after in pairwise(ordered):
        assert before.ended_at == before.planned_end == after.started_at
    assert [s.ended_at is None for s in ordered].count(True) == 1
    assert shifts.open_shift(ctx).id == ordered[-1].id
    for s in ordered[:: max(1, len(ordered) // 12)]:
        event = creation(ctx, "shift", s.id)
        assert event.new.endswith(f"{s.name}上班") and event.staff_id == s.staff_id
    found = sample(ctx, Handover)
    assert {h.state for h in found} == set(HandoverState) - {HandoverState.CONFIRMED}
    for h in found:
        shift = ctx.session.get(Shift, h.shift_id)
        assert h.outgoing_id == shift.staff_id
        accepted = h.state == HandoverState.ACCEPTED
        assert accepted == (h.accepted_at is not None) == (h.incoming_id is not None)
        assert (h.state == HandoverState.DRAFT) == (h.confirmed_at is None)
        assert in_order(shift.ended_at, h.confirmed_at, h.accepted_at, NOW)
        if accepted:
            assert h.incoming_id != h.outgoing_id
        sheet = handover.sheet(ctx, h.id)
        assert sheet.record.shift_id == h.shift_id and sheet.record.notes == h.notes
        creation(ctx, "handover", h.id)
        if h.confirmed_at is not None:
            serial = paper_forms.handover_serial(ctx, h.id)
            assert paper_forms.handover_by_serial(ctx, serial) == (h.id, serial)


# --- the desk carries on from the demo data ---------------------------------------------------


def test_the_desk_carries_on_from_every_open_state(ctx: Ctx, workable: Engine) -> None:
    """On a copy, the next action of a sample of open records goes through the services."""
    shift = shifts.open_shift(ctx)
    at = NOW + timedelta(minutes=5)
    steps: list[tuple[str, int, Any]] = []
    for o in sample(ctx, WorkOrder):
        step = {
            W.NEW: lambda c, i: workorders.dispatch(c, i, "水电班 王师傅"),
            W.DISPATCHED: workorders.start,
            W.IN_PROGRESS: lambda c, i, fee="20" if o.is_paid else None: workorders.complete(
                c, i, workorders.Completion("已修好", labour_fee=fee)
            ),
            W.WAITING_PARTS: workorders.resume,
            W.COMPLETED: lambda c, i: callbacks.record_for(
                c, "workorder", i, callbacks.CallbackResult(Satisfaction.SATISFIED)
            ),
            W.REWORK: lambda c, i: workorders.dispatch(c, i, "水电班 李师傅"),
            W.CALLED_BACK: lambda c, i: workorders.rework(c, i, "又坏了"),
        }.get(o.state)
        if step is not None:
            steps.append(("workorder", o.id, step))
    for c in sample(ctx, Complaint):
        step = {
            C.ACCEPTED: lambda x, i: complaints.start(x, i),
            C.IN_PROGRESS: lambda x, i: complaints.answer(x, i, "已答复业主"),
            C.ANSWERED: lambda x, i: callbacks.record_for(
                x, "complaint", i, callbacks.CallbackResult(Satisfaction.SATISFIED)
            ),
            C.CALLED_BACK: lambda x, i: complaints.escalate(
                x, i, "业主再次投诉", reopen_at_top=True
            ),
        }.get(c.state)
        if step is not None:
            steps.append(("complaint", c.id, step))
    for v in sample(ctx, Visit):
        if v.state == VisitState.OPEN:
            steps.append(("visit", v.id, lambda x, i: visits.close(x, i, "已办结")))
    for call in sample(ctx, Call):
        if call.message_state == MessageState.PENDING:
            steps.append(("call", call.id, calls.mark_delivered))
    for loan in sample(ctx, Loan):
        if loan.state == LoanState.OUT:
            steps.append(("loan", loan.id, lambda x, i: loans.give_back(x, i)))
    assert {kind for kind, _id, _step in steps} == set(MODELS)
    with writing(workable, shift.staff_id, shift.id, now=at) as wctx:
        # the stored deadlines are already what the services keep: nothing to put right
        assert workorders.restamp(wctx.session) == complaints.restamp(wctx.session) == 0
    for kind, record_id, step in steps:
        with writing(workable, shift.staff_id, shift.id, now=at) as wctx:
            before = details.record_detail(wctx.session, kind, record_id).state
            step(wctx, record_id)
        with reading(workable, now=at) as rctx:
            detail = details.record_detail(rctx.session, kind, record_id)
            assert detail.state != before or kind in ("call", "visit", "loan"), (kind, record_id)
            assert len(detail.history) > 1  # the action is in its history after the creation
    # new records of every kind take the next serial of the day; the shift is handed over
    with writing(workable, shift.staff_id, shift.id, now=at) as wctx:
        made = calls.create_call(wctx, calls.CallDraft(CallType.ENQUIRY, "咨询停车费"))
        last = wctx.session.get(SerialCounter, (kinds.CALL.prefix, TODAY)).last
        assert made.serial == format_serial(SerialKind.CALL, TODAY, last)
        handover.confirm(wctx, shift.id, "无特殊情况")
    with reading(workable, now=at) as rctx:
        assert handover.for_shift(rctx, shift.id).state == HandoverState.CONFIRMED


def test_every_demo_staff_member_logs_in_with_the_documented_password(workable: Engine) -> None:
    with writing(workable, now=NOW) as ctx:
        people = ctx.session.exec(select(Staff)).all()
        assert len(people) == 8
        for person in people:
            assert person.password_set_at is not None
            assert accounts.check_login(ctx, person.id, demo.DEMO_PASSWORD) is None, person.name
        wrong = accounts.check_login(ctx, people[0].id, "demo2025")
    assert wrong is not None and wrong.kind == "wrong"
