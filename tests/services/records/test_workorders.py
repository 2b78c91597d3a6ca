"""报修派工: intake, deadlines, every action with its audit trail, pauses, overdue, void."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from desk.models import CalendarOverride, Callback, WorkOrder, WorkOrderMaterial
from desk.models.enums import AuditAction, CallbackSource, CallbackState, StaffRole
from desk.models.enums import WorkOrderState as W
from desk.models.errors import TransitionError, ValidationError
from desk.services.core import audit
from desk.services.records import callbacks, common, staff, workorders
from desk.services.records.workorders import Completion, MaterialLine, WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def draft(**overrides) -> WorkOrderDraft:
    values = {"description": "厨房水管漏水", "category": "水电", "room": "3-2-1201"}
    values.update(overrides)
    return WorkOrderDraft(**values)


def create(write, at: datetime = NOW, **overrides) -> WorkOrder:
    with write(at) as ctx:
        return workorders.create(ctx, draft(**overrides))


def events(read, entity: str, entity_id: int) -> list[tuple]:
    """(action, field, old, new) of a record's audit rows, oldest first."""
    with read() as ctx:
        return [(e.action, e.field, e.old, e.new) for e in audit.history(ctx, entity, entity_id)]


def audit_count(read) -> int:
    with read() as ctx:
        return ctx.session.connection().exec_driver_sql("SELECT count(*) FROM auditevent").scalar()


# The actions of the 报修派工 tab, each as one save.
ACTIONS = {
    "派工": lambda ctx, oid: workorders.dispatch(ctx, oid, "工程部 李师傅"),
    "开始处理": lambda ctx, oid: workorders.start(ctx, oid),
    "待料": lambda ctx, oid: workorders.wait_for_parts(ctx, oid),
    "到料继续": lambda ctx, oid: workorders.resume(ctx, oid),
    "完成": lambda ctx, oid: workorders.complete(ctx, oid, Completion("更换三角阀")),
    "返工": lambda ctx, oid: workorders.rework(ctx, oid, "仍然漏水"),
    "作废": lambda ctx, oid: workorders.void(ctx, oid, "业主重复报修"),
}

# How to bring a new order into each state (written out, independent of WORK_ORDER_FLOW).
PATHS = {
    W.NEW: [],
    W.DISPATCHED: ["派工"],
    W.IN_PROGRESS: ["派工", "开始处理"],
    W.WAITING_PARTS: ["派工", "开始处理", "待料"],
    W.COMPLETED: ["派工", "开始处理", "完成"],
    W.REWORK: ["派工", "开始处理", "完成", "返工"],
    W.VOID: ["作废"],
}

ALLOWED = {
    W.NEW: {"派工", "作废"},
    W.DISPATCHED: {"开始处理", "作废"},
    W.IN_PROGRESS: {"待料", "完成", "作废"},
    W.WAITING_PARTS: {"到料继续", "作废"},
    W.COMPLETED: {"返工", "作废"},
    W.CALLED_BACK: {"返工", "作废"},
    W.REWORK: {"派工", "开始处理", "作废"},
    W.VOID: set(),
}


def run(write, order_id: int, steps: list[str], start: datetime = NOW) -> datetime:
    """Apply ``steps`` one save each, ten minutes apart; return the time of the last."""
    at = start
    for action in steps:
        at += 10 * MIN
        with write(at) as ctx:
            ACTIONS[action](ctx, order_id)
    return at


# --- intake -------------------------------------------------------------------------------


def test_create_numbers_stamps_and_audits(write, fetch, read, staff_id) -> None:
    order = create(write, urgency="一般", channel="来访", reporter="张先生", phone="13812345678")
    stored = fetch(WorkOrder, order.id)
    assert stored.serial == "PG-20261123-001"
    assert stored.state == W.NEW
    assert (stored.created_at, stored.updated_at) == (NOW, NOW)
    assert stored.staff_id == staff_id
    assert stored.room_text == "3-2-1201"
    assert (stored.person_name, stored.phone) == ("张先生", "13812345678")
    assert (stored.urgency, stored.channel) == ("一般", "来访")
    with read() as ctx:
        [event] = audit.history(ctx, "workorder", order.id)
        ctx.session.expunge_all()
    assert (event.action, event.new, event.staff_id, event.at) == (
        AuditAction.CREATE,
        "PG-20261123-001",
        staff_id,
        NOW,
    )


@pytest.mark.parametrize(
    ("urgency", "response", "completion"),
    [
        ("紧急", NOW + 30 * MIN, NOW + 2 * HOUR),
        ("重要", NOW + HOUR, NOW + 8 * HOUR),
        ("一般", NOW + 2 * HOUR, NOW + 48 * HOUR),
        # Monday 23 Nov + 5 working days = Monday 30 Nov, same time of day
        ("预约", NOW + 4 * HOUR, datetime(2026, 11, 30, 10, 0)),
    ],
)
def test_deadlines_follow_the_urgency_table(write, urgency, response, completion) -> None:
    order = create(write, urgency=urgency)
    assert (order.response_due, order.completion_due) == (response, completion)


def test_appointment_on_national_day_eve_lands_after_the_holiday(write) -> None:
    eve = datetime(2026, 9, 30, 10, 0)
    order = create(write, eve, urgency="预约")
    assert order.response_due == datetime(2026, 9, 30, 14, 0)
    # 1–7 Oct are off; 8, 9, 10 (Saturday make-up workday), 12, 13 Oct are the 5 working days
    assert order.completion_due == datetime(2026, 10, 13, 10, 0)


@pytest.mark.parametrize(
    ("override", "completion"),
    [
        pytest.param({date(2026, 10, 10): False}, datetime(2026, 10, 14, 10), id="make-up-day-off"),
        pytest.param({date(2026, 10, 7): True}, datetime(2026, 10, 12, 10), id="office-open-7th"),
    ],
)
def test_office_calendar_override_moves_the_deadline(write, override, completion) -> None:
    with write() as ctx:
        for day, is_workday in override.items():
            ctx.session.add(CalendarOverride(day=day, is_workday=is_workday, note="办公室安排"))
    order = create(write, datetime(2026, 9, 30, 10, 0), urgency="预约")
    assert order.completion_due == completion


def test_back_dated_report_counts_from_when_it_was_reported(write) -> None:
    reported = NOW - 20 * MIN
    order = create(write, urgency="紧急", reported_at=reported)
    assert order.created_at == reported
    assert order.response_due == reported + 30 * MIN
    with pytest.raises(ValidationError) as info, write() as ctx:
        workorders.create(ctx, draft(reported_at=NOW + HOUR))
    assert info.value.field == "reported_at"


def test_setting_changes_take_effect_for_new_orders(write, fetch, read, staff_id) -> None:
    before = create(write, urgency="紧急")
    with write() as ctx:
        staff.set_setting(ctx, "sla.workorder.紧急.response", "15m")
        staff.set_setting(ctx, "sla.workorder.紧急.completion", "3h")
        staff.set_setting(ctx, "lists.workorder.categories", ["水电", "绿化"])
    after = create(write, urgency="紧急", category="绿化")

    assert (after.response_due, after.completion_due) == (NOW + 15 * MIN, NOW + 3 * HOUR)
    assert fetch(WorkOrder, before.id).response_due == NOW + 30 * MIN  # old orders keep theirs
    with read() as ctx:
        [event] = [e for e in audit.history(ctx, "setting", 0) if e.field.endswith("response")]
        ctx.session.expunge_all()
    assert (event.old, event.new, event.staff_id) == ('"30m"', '"15m"', staff_id)
    with pytest.raises(ValidationError), write() as ctx:
        workorders.create(ctx, draft(category="土建"))  # no longer on the list


def test_an_unreadable_limit_is_refused_when_saved(write) -> None:
    """A typo in a limit must be caught in the settings dialog, not by the next repair."""
    with pytest.raises(ValidationError), write() as ctx:
        staff.set_setting(ctx, "sla.workorder.紧急.response", "半小时")
    create(write, urgency="紧急")  # the desk can still take emergencies


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "园林"}, "category"),
        ({"description": "   "}, "description"),
        ({"urgency": "特急"}, "urgency"),
        ({"channel": "微信"}, "channel"),
        ({"room": "", "location": ""}, "room"),
        ({"room": "1201"}, "room"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_bad_intake_is_refused_and_saves_nothing(write, fetch, overrides, field) -> None:
    with pytest.raises(ValidationError) as info, write() as ctx:
        workorders.create(ctx, draft(**overrides))
    assert info.value.field == field
    assert fetch(select(WorkOrder)) == []


def test_public_area_needs_no_room(write) -> None:
    order = create(write, room="", location="5栋电梯厅", category="电梯", urgency="重要")
    assert (order.room_text, order.location) == ("", "5栋电梯厅")


# --- actions and their audit rows ---------------------------------------------------------


def test_dispatch_records_who_when_and_to_whom(write, fetch, read, staff_id) -> None:
    with write() as ctx:
        clerk = staff.add(ctx, "小刘", StaffRole.RECEPTIONIST)
    order = create(write)
    at = NOW + 5 * MIN
    with write(at, who=clerk.id) as ctx:
        workorders.dispatch(ctx, order.id, "  工程部 李师傅 ")

    stored = fetch(WorkOrder, order.id)
    assert (stored.state, stored.assignee) == (W.DISPATCHED, "工程部 李师傅")
    assert (stored.dispatched_at, stored.dispatcher_id, stored.updated_at) == (at, clerk.id, at)
    with read() as ctx:
        rows = audit.history(ctx, "workorder", order.id)[1:]
        ctx.session.expunge_all()
    assert [(e.action, e.field, e.old, e.new) for e in rows] == [
        (AuditAction.UPDATE, "assignee", "", "工程部 李师傅"),
        (AuditAction.UPDATE, "dispatched_at", None, "2026-11-23 10:05:00"),
        (AuditAction.UPDATE, "dispatcher_id", None, str(clerk.id)),
        (AuditAction.TRANSITION, "state", "待派工", "已派工"),
    ]
    assert {(e.staff_id, e.at) for e in rows} == {(clerk.id, at)}


def test_dispatch_needs_someone_to_send(write) -> None:
    order = create(write)
    with pytest.raises(ValidationError) as info, write() as ctx:
        workorders.dispatch(ctx, order.id, "  ")
    assert info.value.field == "assignee"


def test_full_repair_leaves_one_state_row_per_step(write, fetch, read) -> None:
    order = create(write)
    run(write, order.id, ["派工", "开始处理", "待料", "到料继续", "完成"])
    states = [
        (old, new) for action, f, old, new in events(read, "workorder", order.id) if f == "state"
    ]
    assert states == [
        ("待派工", "已派工"),
        ("已派工", "处理中"),
        ("处理中", "待料"),
        ("待料", "处理中"),
        ("处理中", "已完成"),
    ]
    stored = fetch(WorkOrder, order.id)
    assert stored.arrived_at == NOW + 20 * MIN
    assert stored.completed_at == NOW + 50 * MIN
    assert stored.work_done == "更换三角阀"


def test_first_arrival_is_kept_through_rework(write, fetch, read) -> None:
    order = create(write)
    last = run(write, order.id, PATHS[W.REWORK])
    run(write, order.id, ["开始处理"], start=last)
    stored = fetch(WorkOrder, order.id)
    assert stored.state == W.IN_PROGRESS
    assert stored.arrived_at == NOW + 20 * MIN


@pytest.mark.parametrize("state", list(PATHS), ids=str)
def test_illegal_actions_raise_a_chinese_transition_error(write, fetch, read, state) -> None:
    order = create(write)
    last = run(write, order.id, PATHS[state])
    assert fetch(WorkOrder, order.id).state == state
    count = audit_count(read)
    for action in sorted(set(ACTIONS) - ALLOWED[state]):
        with pytest.raises(TransitionError) as info, write(last + HOUR) as ctx:
            ACTIONS[action](ctx, order.id)
        assert f"“{state}”" in str(info.value), action
        assert f"“{action}”" in str(info.value)
    assert fetch(WorkOrder, order.id).state == state
    assert audit_count(read) == count


def test_waiting_for_parts_records_the_expected_day(write, fetch, read) -> None:
    order = create(write)
    last = run(write, order.id, ["派工", "开始处理"])
    with pytest.raises(ValidationError) as info, write(last) as ctx:
        workorders.wait_for_parts(ctx, order.id, expected=date(2026, 11, 22))
    assert info.value.field == "parts_expected"
    with write(last) as ctx:
        workorders.wait_for_parts(ctx, order.id, expected=date(2026, 11, 26), note="等阀门到货")
    stored = fetch(WorkOrder, order.id)
    assert (stored.state, stored.parts_expected, stored.cause) == (
        W.WAITING_PARTS,
        date(2026, 11, 26),
        "等阀门到货",
    )
    assert stored.paused_since == last


# --- the SLA clock -------------------------------------------------------------------------


def overdue(read, at: datetime) -> int:
    with read(at) as ctx:
        return workorders.count_overdue(ctx)


def test_nobody_on_site_in_time_is_overdue(write, read) -> None:
    create(write, urgency="紧急")
    assert overdue(read, NOW + 30 * MIN) == 0
    assert overdue(read, NOW + 31 * MIN) == 1


def test_arrival_stops_the_response_clock_but_not_completion(write, fetch, read) -> None:
    order = create(write, urgency="紧急")
    run(write, order.id, ["派工", "开始处理"])  # on site at +20 min
    assert overdue(read, NOW + 31 * MIN) == 0
    assert overdue(read, NOW + 2 * HOUR) == 0
    assert overdue(read, NOW + 2 * HOUR + MIN) == 1
    assert workorders.is_overdue(fetch(WorkOrder, order.id), NOW + 3 * HOUR)


def test_waiting_for_parts_pauses_the_clock(write, fetch, read) -> None:
    order = create(write, urgency="一般")  # completion due +48 h
    run(write, order.id, ["派工", "开始处理"])
    with write(NOW + HOUR) as ctx:
        workorders.wait_for_parts(ctx, order.id)
    for later in (NOW + 49 * HOUR, NOW + 30 * 24 * HOUR):
        assert overdue(read, later) == 0  # a paused order is never overdue
    _, running = workorders.due_times(fetch(WorkOrder, order.id), NOW + 10 * HOUR)
    assert running == NOW + 48 * HOUR + 9 * HOUR  # the running pause counts too

    with write(NOW + 6 * HOUR) as ctx:
        workorders.resume(ctx, order.id)
    stored = fetch(WorkOrder, order.id)
    assert (stored.paused_since, stored.paused_seconds) == (None, 5 * 3600)
    _, due = workorders.due_times(stored, NOW + 6 * HOUR)
    assert due == NOW + 53 * HOUR
    assert overdue(read, NOW + 53 * HOUR) == 0
    assert overdue(read, NOW + 53 * HOUR + MIN) == 1


def test_pauses_add_up(write, fetch, read) -> None:
    order = create(write, urgency="紧急")  # completion due +2 h
    run(write, order.id, ["派工", "开始处理"])
    for pause_start in (NOW + 30 * MIN, NOW + 2 * HOUR):
        with write(pause_start) as ctx:
            workorders.wait_for_parts(ctx, order.id)
        with write(pause_start + HOUR) as ctx:
            workorders.resume(ctx, order.id)
    stored = fetch(WorkOrder, order.id)
    assert stored.paused_seconds == 2 * 3600
    assert workorders.due_times(stored, NOW + 4 * HOUR)[1] == NOW + 4 * HOUR
    assert overdue(read, NOW + 4 * HOUR) == 0
    assert overdue(read, NOW + 4 * HOUR + MIN) == 1


def test_finished_and_voided_orders_are_never_overdue(write, read) -> None:
    done = create(write, urgency="紧急")
    run(write, done.id, PATHS[W.COMPLETED])
    voided = create(write, urgency="紧急")
    run(write, voided.id, ["作废"])
    assert overdue(read, NOW + 100 * HOUR) == 0
    with read() as ctx:
        assert workorders.open_orders(ctx) == []


def stored_clock(fetch, order_id: int) -> tuple[datetime | None, datetime | None]:
    stored = fetch(WorkOrder, order_id)
    running = workorders.clock(stored)
    assert (stored.clock_from, stored.overdue_at) == (
        (running.start, running.due) if running else (None, None)
    )  # what the services stored is what the rule says
    return stored.clock_from, stored.overdue_at


def test_every_action_keeps_the_stored_clock(write, fetch) -> None:
    order = create(write, urgency="紧急")  # 30 min to respond, 2 h to finish
    assert stored_clock(fetch, order.id) == (NOW, NOW + 30 * MIN)  # the response runs
    run(write, order.id, ["派工", "开始处理"])  # on site at +20 min
    assert stored_clock(fetch, order.id) == (NOW, NOW + 2 * HOUR)  # now the completion
    with write(NOW + HOUR) as ctx:
        workorders.wait_for_parts(ctx, order.id)
    assert stored_clock(fetch, order.id) == (None, None)  # 待料: no clock runs
    with write(NOW + 4 * HOUR) as ctx:
        workorders.resume(ctx, order.id)
    assert stored_clock(fetch, order.id) == (NOW + 3 * HOUR, NOW + 5 * HOUR)  # later by 3 h
    with write(NOW + 4 * HOUR) as ctx:
        workorders.complete(ctx, order.id, Completion("更换三角阀"))
    assert stored_clock(fetch, order.id) == (None, None)
    with write(NOW + 6 * HOUR) as ctx:
        workorders.rework(ctx, order.id, "仍然漏水")
    # a fresh completion limit from the reopening; the first arrival keeps the response met
    assert fetch(WorkOrder, order.id).completion_from == NOW + 6 * HOUR
    assert stored_clock(fetch, order.id) == (NOW + 6 * HOUR, NOW + 8 * HOUR)
    with write(NOW + 7 * HOUR) as ctx:
        workorders.void(ctx, order.id, "业主自行处理")
    assert stored_clock(fetch, order.id) == (None, None)


def test_an_appointment_runs_the_clock_from_the_agreed_time(write, fetch) -> None:
    agreed = NOW + 26 * HOUR
    order = create(write, urgency="预约", appointment_at=agreed)
    assert fetch(WorkOrder, order.id).completion_from == agreed
    assert stored_clock(fetch, order.id) == (agreed, agreed + 4 * HOUR)


def test_restamp_puts_back_what_a_raw_insert_left_out(write, fetch, engine) -> None:
    order = create(write, urgency="紧急")
    run(write, order.id, ["派工", "开始处理", "完成", "返工"])
    kept = fetch(WorkOrder, order.id)
    closed = create(write, urgency="一般")
    run(write, closed.id, ["作废"])
    with engine.begin() as con:  # as a bulk insert writes: none of the clock's columns
        con.exec_driver_sql(
            "UPDATE workorder SET clock_from = NULL, overdue_at = NULL, completion_from = NULL"
        )
    with write() as ctx:
        assert workorders.restamp(ctx.session) == 1  # the open one; the void one keeps none
    stored = fetch(WorkOrder, order.id)
    # without the log's 返工 time the completion counts from the limits' start
    assert stored.completion_from == workorders.limits_start(stored) == NOW
    assert stored.overdue_at == kept.overdue_at and stored.clock_from == NOW
    assert stored_clock(fetch, closed.id) == (None, None)
    with write() as ctx:
        assert workorders.restamp(ctx.session) == 0  # nothing left to put right


# --- completion, fees, callback -----------------------------------------------------------


def test_completion_queues_a_callback_due_in_48_hours(write, fetch, read) -> None:
    order = create(write)
    done_at = run(write, order.id, PATHS[W.COMPLETED])
    [callback] = fetch(select(Callback))
    with read() as ctx:
        created = [(e.action, e.new) for e in audit.history(ctx, "callback", callback.id)]
    assert callback.source == CallbackSource.WORK_ORDER
    assert (callback.work_order_id, callback.state) == (order.id, CallbackState.DUE)
    assert (callback.created_at, callback.due_at) == (done_at, done_at + 48 * HOUR)
    assert created == [(AuditAction.CREATE, "回访 PG-20261123-001")]


def test_callback_limit_is_a_setting(write, fetch) -> None:
    with write() as ctx:
        staff.set_setting(ctx, "sla.callback.workorder", "24h")
    order = create(write)
    done_at = run(write, order.id, PATHS[W.COMPLETED])
    [callback] = fetch(select(Callback))
    assert callback.due_at == done_at + 24 * HOUR


def test_completion_needs_the_work_done(write, fetch, read) -> None:
    order = create(write)
    last = run(write, order.id, ["派工", "开始处理"])
    with pytest.raises(ValidationError) as info, write(last) as ctx:
        workorders.complete(ctx, order.id, Completion("  "))
    assert info.value.field == "work_done"
    assert fetch(WorkOrder, order.id).state == W.IN_PROGRESS
    assert fetch(select(Callback)) == []


def test_paid_service_records_materials_labour_and_total(write, fetch, read) -> None:
    order = create(write, is_paid=True)
    last = run(write, order.id, ["派工", "开始处理"])
    done = Completion(
        "更换水龙头",
        cause="阀芯老化",
        labour_fee="50",
        materials=[MaterialLine("水龙头", 1, "35.50"), MaterialLine("生料带", "2", "2.5")],
    )
    with write(last) as ctx:
        workorders.complete(ctx, order.id, done)
    stored = fetch(WorkOrder, order.id)
    assert (stored.labour_fee, stored.materials_fee, stored.total_fee) == (
        Decimal("50.00"),
        Decimal("40.50"),
        Decimal("90.50"),
    )
    assert stored.cause == "阀芯老化"
    lines = fetch(select(WorkOrderMaterial).where(WorkOrderMaterial.work_order_id == order.id))
    assert [(m.name, m.quantity, m.amount) for m in lines] == [
        ("水龙头", Decimal("1.00"), Decimal("35.50")),
        ("生料带", Decimal("2.00"), Decimal("5.00")),
    ]


def test_fees_only_on_paid_services_and_quantities_above_zero(write) -> None:
    free = create(write)
    paid = create(write, is_paid=True)
    last = run(write, free.id, ["派工", "开始处理"])
    last = run(write, paid.id, ["派工", "开始处理"], start=last)
    with pytest.raises(ValidationError) as info, write(last) as ctx:
        workorders.complete(ctx, free.id, Completion("修好了", labour_fee="30"))
    assert info.value.field == "labour_fee"
    with pytest.raises(ValidationError) as info, write(last) as ctx:
        workorders.complete(
            ctx, paid.id, Completion("修好了", materials=[MaterialLine("阀", 0, 5)])
        )
    assert info.value.field == "materials"


# --- rework and void ----------------------------------------------------------------------


def test_rework_voids_the_pending_callback_and_counts(write, fetch, read) -> None:
    order = create(write)
    last = run(write, order.id, PATHS[W.COMPLETED])
    with pytest.raises(ValidationError), write(last) as ctx:
        workorders.rework(ctx, order.id, " ")
    with write(last + HOUR) as ctx:
        workorders.rework(ctx, order.id, "仍然漏水")
    stored = fetch(WorkOrder, order.id)
    assert (stored.state, stored.rework_count, stored.completed_at) == (W.REWORK, 1, None)
    [old] = fetch(select(Callback))
    assert (old.state, old.void_reason, old.voided_at) == (
        CallbackState.VOID,
        "返工：仍然漏水",
        last + HOUR,
    )
    run(write, order.id, ["派工", "开始处理", "完成"], start=last + HOUR)
    states = sorted(cb.state for cb in fetch(select(Callback)))
    assert states == sorted([CallbackState.VOID, CallbackState.DUE])


def test_rework_reason_is_kept_in_the_history(write, read) -> None:
    """返工 demands a reason; it must end up in the record's history, not vanish.

    From 已回访 there is no pending callback whose void reason could carry it.
    """
    order = create(write)
    last = run(write, order.id, PATHS[W.COMPLETED])
    with write(last) as ctx:
        [callback] = workorders.pending_callbacks(ctx, order.id)
        callbacks.record(ctx, callback.id, callbacks.CallbackResult("满意"))
    with write(last + 24 * HOUR) as ctx:
        workorders.rework(ctx, order.id, "业主来电：又开始漏水")
    with read() as ctx:
        reasons = [
            e.reason for e in audit.history(ctx, "workorder", order.id) if e.new == W.REWORK.value
        ]
    assert reasons == ["业主来电：又开始漏水"]


def test_void_needs_a_reason_and_keeps_the_record(write, fetch, read) -> None:
    order = create(write)
    with pytest.raises(ValidationError) as info, write() as ctx:
        workorders.void(ctx, order.id, "  ")
    assert info.value.field == "void_reason"
    assert fetch(WorkOrder, order.id).state == W.NEW

    with write(NOW + HOUR) as ctx:
        workorders.void(ctx, order.id, "业主重复报修")
    stored = fetch(WorkOrder, order.id)
    assert (stored.state, stored.voided_at, stored.void_reason) == (
        W.VOID,
        NOW + HOUR,
        "业主重复报修",
    )
    assert stored.serial == "PG-20261123-001"  # still there, still findable
    with read() as ctx:
        assert common.by_serial(ctx, WorkOrder, "pg-20261123-001").id == order.id
        voids = [
            (e.action, e.old, e.new, e.reason)
            for e in audit.history(ctx, "workorder", order.id)
            if e.field == "state"
        ]
    assert voids == [(AuditAction.VOID, "待派工", "作废", "业主重复报修")]
    with pytest.raises(TransitionError, match="作废"), write() as ctx:
        workorders.void(ctx, order.id, "再作废一次")


def test_voiding_a_completed_order_voids_its_callback(write, fetch) -> None:
    order = create(write)
    last = run(write, order.id, PATHS[W.COMPLETED])
    with write(last) as ctx:
        workorders.void(ctx, order.id, "录错了单")
    [callback] = fetch(select(Callback))
    assert (callback.state, callback.void_reason) == (CallbackState.VOID, "派工单作废")
