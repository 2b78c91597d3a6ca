"""The tabs' lists: scopes, dates, search, sorting, paging, flags — and the services' rules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from desk import demo
from desk.models import Callback, Complaint, Loan, WorkOrder, kinds
from desk.models.db import driver
from desk.models.enums import LoanState, MessageState, WorkOrderState
from desk.models.errors import TransitionError
from desk.models.states import COMPLAINT_FLOW, WORK_ORDER_FLOW, allowed_actions
from desk.services.core import sla, textsearch
from desk.services.core.transactions import reading
from desk.services.io.database import open_database
from desk.services.records import callbacks, calls, complaints, loans, visits, workorders
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import WorkOrderDraft
from desk.services.views import callback_list, countdown, lists
from desk.services.views.lists import ListFilter, Scope

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def rows(read, kind: str, at: datetime = NOW, **kw) -> list:
    flt = kw.pop("flt", None) or ListFilter(**{k: kw.pop(k) for k in list(kw) if k in _FLT})
    with read(at) as ctx:
        return lists.list_rows(ctx.session, kind, flt=flt, now=at, **kw)


_FLT = {"scope", "date_from", "date_to", "text"}


def ids(read, kind: str, at: datetime = NOW, **kw) -> list[int]:
    return [r.id for r in rows(read, kind, at, **kw)]


def count(read, kind: str, at: datetime = NOW, **kw) -> int:
    cap = kw.pop("cap", None)
    with read(at) as ctx:
        return lists.count_rows(ctx.session, kind, flt=ListFilter(**kw), now=at, cap=cap)


# --- scopes ------------------------------------------------------------------------------------


def test_call_scopes(write, read, staff_id) -> None:
    with write(NOW - DAY) as ctx:
        old_message = calls.create_call(ctx, CallDraft("转告", "请回电", message_for_id=staff_id))
        yesterday = calls.create_call(ctx, CallDraft("咨询", "问停车"))
        delivered = calls.create_call(ctx, CallDraft("转告", "已转", message_for_id=staff_id))
        voided = calls.create_call(ctx, CallDraft("转告", "作废的", message_for_id=staff_id))
    with write(NOW - HOUR) as ctx:
        calls.mark_delivered(ctx, delivered.id)
        calls.void(ctx, voided.id, "误登记")
        message = calls.create_call(ctx, CallDraft("转告", "今天的留言", message_for_id=staff_id))
        today = calls.create_call(ctx, CallDraft("咨询", "问物业费"))
    everything = [today.id, message.id, voided.id, delivered.id, yesterday.id, old_message.id]
    assert ids(read, "call") == everything
    assert ids(read, "call", scope=Scope.TODAY) == [today.id, message.id]
    assert ids(read, "call", scope="未完成") == [message.id, old_message.id]
    assert ids(read, "call", scope="已超时") == [old_message.id]  # a message from before today
    with read() as ctx:
        assert calls.count_undelivered(ctx) == count(read, "call", scope="未完成")
    found = rows(read, "call", scope="未完成")[0]
    assert (found.call_type, found.message_state, found.message_for) == ("转告", "未转告", "王经理")
    assert found.overdue is False and rows(read, "call", scope="已超时")[0].overdue is True


def test_visit_scopes(write, read) -> None:
    passed = {"outcome": "转部门处理", "dept_head": "工程部张经理"}
    with write(NOW - DAY) as ctx:
        old = visits.create(ctx, VisitDraft("陈先生", "车位纠纷", **passed))
        settled = visits.create(ctx, VisitDraft("李女士", "咨询"))
    with write() as ctx:
        new = visits.create(ctx, VisitDraft("王先生", "漏水", **passed))
        closed = visits.create(ctx, VisitDraft("赵先生", "噪音", **passed))
        visits.close(ctx, closed.id, "已处理")
    assert ids(read, "visit") == [closed.id, new.id, settled.id, old.id]
    assert ids(read, "visit", scope="未完成") == [new.id, old.id]
    assert ids(read, "visit", scope="已超时") == [old.id]
    assert ids(read, "visit", scope="今天") == [closed.id, new.id]
    row = rows(read, "visit", scope="已超时")[0]
    assert (row.outcome, row.dept_head, row.overdue, row.is_resident) == (
        "转部门处理", "工程部张经理", True, True
    )  # fmt: skip


def test_loan_scopes(write, read) -> None:
    with write(NOW - 2 * DAY) as ctx:
        ladder = loans.add_item(ctx, "折叠梯", 5, deposit="50")
        late = loans.lend(ctx, LoanDraft(ladder.id, "借用人甲", NOW - DAY, phone="13812345678"))
        back = loans.lend(ctx, LoanDraft(ladder.id, "借用人乙", NOW - DAY, phone="13812345678"))
        void = loans.lend(ctx, LoanDraft(ladder.id, "借用人丙", NOW - DAY, phone="13812345678"))
    with write(NOW - HOUR) as ctx:
        loans.give_back(ctx, back.id)
        loans.void(ctx, void.id, "登记错误")
        due = loans.lend(
            ctx, LoanDraft(ladder.id, "借用人丁", NOW + HOUR, quantity=2, phone="13900001111")
        )
    assert ids(read, "loan", scope="未完成") == [due.id, late.id]
    assert ids(read, "loan", scope="已超时") == [late.id]
    assert ids(read, "loan", NOW + 2 * HOUR, scope="已超时") == [due.id, late.id]
    with read() as ctx:
        assert loans.count_overdue(ctx) == count(read, "loan", scope="已超时") == 1
    row = rows(read, "loan", scope="未完成")[0]
    assert (row.item, row.quantity, row.expected_return_at, row.overdue) == (
        "折叠梯", 2, NOW + HOUR, False
    )  # fmt: skip
    assert row.phone == "139****1111"
    returned = rows(read, "loan", text="借用人乙")[0]
    assert returned.state == LoanState.RETURNED and returned.returned_at == NOW - HOUR


# --- work orders: deadlines, pauses, overdue and near --------------------------------------------


def order(write, at: datetime, **kw) -> int:
    values = {"description": "厨房水管漏水", "category": "水电", "room": "3-2-1201"} | kw
    with write(at) as ctx:
        return workorders.create(ctx, WorkOrderDraft(**values)).id


def act(write, at: datetime, fn, order_id: int, *args) -> None:
    with write(at) as ctx:
        fn(ctx, order_id, *args)


@pytest.fixture
def orders(write) -> dict[str, int]:
    """Ordinary orders (2 h to respond, 48 h to finish) in telling situations at NOW."""
    made = {
        "late_response": order(write, NOW - 3 * HOUR),
        "near_response": order(write, NOW - HOUR - 40 * timedelta(minutes=1)),
        "fresh": order(write, NOW - HOUR),
        "late_completion": order(write, NOW - 49 * HOUR),
        "paused_then_resumed": order(write, NOW - 49 * HOUR),
        "waiting_parts": order(write, NOW - 49 * HOUR),
        "done": order(write, NOW - 49 * HOUR),
        "void": order(write, NOW - 5 * HOUR, location="地下车库", room=""),
    }
    t0 = NOW - 49 * HOUR
    for key in ("late_completion", "paused_then_resumed", "waiting_parts", "done"):
        act(write, t0 + 0.1 * HOUR, workorders.dispatch, made[key], "水电班 李师傅")
        act(write, t0 + 0.5 * HOUR, workorders.start, made[key])
    act(write, t0 + HOUR, workorders.wait_for_parts, made["paused_then_resumed"])
    act(write, t0 + 4 * HOUR, workorders.resume, made["paused_then_resumed"])  # 3 h paused
    act(write, NOW - 2 * HOUR, workorders.wait_for_parts, made["waiting_parts"])
    act(write, NOW - HOUR, workorders.complete, made["done"], workorders.Completion("换阀门"))
    act(write, NOW - HOUR, workorders.void, made["void"], "重复报修")
    return made


def near(row, at: datetime = NOW) -> bool:
    """Amber at ``at``: less than sla.near_fraction of the running span left, not past."""
    return row.amber_at is not None and row.amber_at <= at <= row.red_at


def test_workorder_scopes_and_flags(read, fetch, orders) -> None:
    by_id = {v: k for k, v in orders.items()}
    overdue = {by_id[i] for i in ids(read, "workorder", scope="已超时")}
    assert overdue == {"late_response", "late_completion"}
    open_ = {by_id[i] for i in ids(read, "workorder", scope="未完成")}
    assert open_ == set(orders) - {"done", "void"}
    listed = {by_id[r.id]: r for r in rows(read, "workorder")}
    for key, row in listed.items():
        stored = fetch(WorkOrder, orders[key])
        assert row.overdue == workorders.is_overdue(stored, NOW), key
        assert (row.response_due, row.completion_due) == workorders.due_times(stored, NOW)
    assert {k for k, r in listed.items() if near(r)} == {"near_response", "paused_then_resumed"}
    resumed = listed["paused_then_resumed"]
    assert resumed.completion_due == NOW - HOUR + 3 * HOUR  # 48 h after intake, plus 3 h
    waiting = listed["waiting_parts"]  # the clock stopped two hours ago: not overdue
    assert waiting.completion_due == NOW - HOUR + 2 * HOUR and not waiting.overdue
    assert listed["void"].room == "地下车库" and listed["void"].state == WorkOrderState.VOID
    late = listed["late_completion"]
    assert (late.assignee, late.urgency, late.category, late.arrived_at) == (
        "水电班 李师傅", "一般", "水电", NOW - 48.5 * HOUR
    )  # fmt: skip


def test_workorder_flags_move_with_time(read, orders) -> None:
    later = NOW + 3 * HOUR  # the resumed order is now past its shifted deadline too
    overdue = set(ids(read, "workorder", later, scope="已超时"))
    assert overdue == {orders[k] for k in ("late_response", "near_response", "fresh",
                                           "late_completion", "paused_then_resumed")}  # fmt: skip
    assert orders["waiting_parts"] not in overdue


def test_rework_gets_a_fresh_completion_window(write, read) -> None:
    made = order(write, NOW - 50 * HOUR, urgency="紧急")  # 30 min to respond, 2 h to finish
    act(write, NOW - 49 * HOUR, workorders.dispatch, made, "水电班")
    act(write, NOW - 49 * HOUR, workorders.start, made)
    act(write, NOW - 48 * HOUR, workorders.complete, made, workorders.Completion("修好"))
    act(write, NOW - HOUR - 50 * timedelta(minutes=1), workorders.rework, made, "又漏了")
    [row] = rows(read, "workorder", scope="未完成")
    assert row.completion_due == NOW + 10 * timedelta(minutes=1)
    assert near(row) and not row.overdue  # 10 of 120 minutes left


def countdown_sort(kind: kinds.RecordKind) -> str:
    """The sort key of the kind's 剩余 column, as its list header uses it."""
    [key] = [c.sort for c in kind.columns if c.key == "countdown"]
    assert key is not None
    return key


def shown_order(listed: list, descending: bool) -> list[int]:
    """Ids in the order of what 剩余 shows: the time to red_at; rows without one after."""
    timed = [r for r in listed if r.red_at is not None]
    blank = [r for r in listed if r.red_at is None]
    timed.sort(key=lambda r: (r.red_at, r.id), reverse=descending)
    blank.sort(key=lambda r: r.id, reverse=descending)
    return [r.id for r in timed + blank]


@pytest.mark.parametrize("descending", [False, True])
def test_the_countdown_column_sorts_by_the_deadline_it_counts_to(read, orders, descending) -> None:
    by_id = {v: k for k, v in orders.items()}
    listed = rows(read, "workorder", sort=countdown_sort(kinds.WORKORDER), descending=descending)
    assert [r.id for r in listed] == shown_order(listed, descending)
    soonest = ["late_response", "late_completion",  # both due an hour ago (ties by id)
               "near_response", "fresh", "paused_then_resumed"]  # fmt: skip
    shown = [by_id[r.id] for r in listed]
    assert shown[:5] == (soonest[::-1] if descending else soonest)  # not by completion_due
    assert set(shown[5:]) == {"waiting_parts", "done", "void"}  # no countdown: last


# --- complaints --------------------------------------------------------------------------------


def complaint(write, at: datetime, severity: str, **kw) -> int:
    with write(at) as ctx:
        draft = ComplaintDraft(
            "楼上噪音", "物业管理", severity=severity, complainant="陈先生", **kw
        )
        return complaints.create(ctx, draft).id


def test_complaint_scopes_follow_the_escalation_rules(write, read, fetch) -> None:
    made = {
        "minor_late": complaint(write, NOW - 3 * DAY, "轻微"),
        "minor_in_time": complaint(write, NOW - DAY, "轻微"),
        "important_not_reported": complaint(write, NOW - 2 * HOUR, "重要"),
        "important_reported": complaint(write, NOW - 2 * HOUR, "重要"),
        "major_not_reported": complaint(write, NOW - DAY, "重大"),
        "major_reported": complaint(write, NOW - DAY, "重大"),
        "resident_deadline": complaint(
            write, NOW - HOUR, "重要", demand_deadline=NOW + HOUR, department="工程部"
        ),
        "answered": complaint(write, NOW - 3 * DAY, "轻微"),
    }
    with write(NOW - 0.5 * HOUR) as ctx:
        complaints.escalate(ctx, made["important_reported"], "按规定上报")
        complaints.escalate(ctx, made["major_reported"], "上报")
        complaints.escalate(ctx, made["major_reported"], "上报领导")
        complaints.escalate(ctx, made["resident_deadline"], "上报")
        complaints.answer(ctx, made["answered"], "已处理")
    by_id = {v: k for k, v in made.items()}
    assert {by_id[i] for i in ids(read, "complaint", scope="已超时")} == {
        "minor_late", "important_not_reported", "major_not_reported"
    }  # fmt: skip
    later = {by_id[i] for i in ids(read, "complaint", NOW + 2 * HOUR, scope="已超时")}
    assert "resident_deadline" in later
    assert {by_id[i] for i in ids(read, "complaint", scope="未完成")} == set(made) - {"answered"}
    for at in (NOW, NOW + 2 * HOUR, NOW + 3 * DAY):
        for row in rows(read, "complaint", at):
            assert row.overdue == complaints.is_overdue(fetch(Complaint, row.id), at)
    row = next(r for r in rows(read, "complaint") if r.id == made["major_reported"])
    assert (row.severity, row.level, row.category) == ("重大", "公司领导", "物业管理")
    assert row.due_at == datetime.combine((NOW - DAY).date(), time(23, 59, 59))


@pytest.mark.parametrize("descending", [False, True])
def test_the_complaints_countdown_sorts_by_the_deadline_it_counts_to(
    write, read, descending
) -> None:
    made = {
        # reported up in time: the resident's own deadline is the one still binding
        "reported": complaint(write, NOW - 0.5 * HOUR, "重要", demand_deadline=NOW + 3 * HOUR),
        "to_report": complaint(write, NOW - 0.5 * HOUR, "重要"),  # due_at: reported within 1 h
        "minor": complaint(write, NOW - DAY, "轻微"),  # two days to resolve
    }
    with write(NOW - 0.25 * HOUR) as ctx:
        complaints.escalate(ctx, made["reported"], "按规定上报")
    by_id = {v: k for k, v in made.items()}
    key = countdown_sort(kinds.COMPLAINT)
    listed = rows(read, "complaint", sort=key, descending=descending)
    assert [r.id for r in listed] == shown_order(listed, descending)
    soonest = ["to_report", "reported", "minor"]  # due_at alone would put reported first
    assert [by_id[r.id] for r in listed] == (soonest[::-1] if descending else soonest)


# --- random lives: the SQL and the services' rules cannot disagree ------------------------------

ORDER_ACTIONS = {
    "派工": lambda ctx, oid: workorders.dispatch(ctx, oid, "水电班"),
    "开始处理": lambda ctx, oid: workorders.start(ctx, oid),
    "待料": lambda ctx, oid: workorders.wait_for_parts(ctx, oid),
    "到料继续": lambda ctx, oid: workorders.resume(ctx, oid),
    "完成": lambda ctx, oid: workorders.complete(ctx, oid, workorders.Completion("修好")),
    "回访": lambda ctx, oid: callbacks.record_for(
        ctx, "workorder", oid, callbacks.CallbackResult("满意")
    ),
    "返工": lambda ctx, oid: workorders.rework(ctx, oid, "又坏了"),
    "作废": lambda ctx, oid: workorders.void(ctx, oid, "重复"),
}
COMPLAINT_ACTIONS = {
    "开始处理": lambda ctx, cid: complaints.start(ctx, cid),
    "升级": lambda ctx, cid: complaints.escalate(ctx, cid, "上报"),
    "答复": lambda ctx, cid: complaints.answer(ctx, cid, "已处理"),
    "回访": lambda ctx, cid: callbacks.record_for(
        ctx, "complaint", cid, callbacks.CallbackResult("满意")
    ),
    "作废": lambda ctx, cid: complaints.void(ctx, cid, "重复"),
}
MINUTES = st.integers(min_value=1, max_value=36 * 60)


def live(write, data, at: datetime, record_id: int, flow, actions, state_of) -> None:
    """A random life: each step an action the record's state allows, some minutes apart
    (the 待料 pauses among them), 作废 perhaps at the end; a refused one (升级 at the top)
    changes nothing."""
    steps = data.draw(st.integers(0, 10), label="steps")
    voided = data.draw(st.booleans(), label="voided")
    for step in range(steps + voided):
        allowed = [a for a in allowed_actions(flow, state_of(record_id)) if a in actions]
        allowed = ["作废"] if step == steps else [a for a in allowed if a != "作废"]
        if not allowed:
            return
        action = data.draw(st.sampled_from(allowed), label="action")
        at += timedelta(minutes=data.draw(MINUTES, label="minutes"))
        try:
            with write(at) as ctx:
                actions[action](ctx, record_id)
        except TransitionError:
            pass


def agree(read, fetch, at: datetime) -> None:
    """At ``at``: the 已超时 list (SQL on the stored deadline), the rows' flags and marks,
    the status bar's counts and the services' rules on the stored facts say the same."""
    with read(at) as ctx:
        fraction = sla.near_fraction(ctx.session)
    for kind, model, module, text in (
        ("workorder", WorkOrder, workorders, countdown.workorder_text),
        ("complaint", Complaint, complaints, countdown.complaint_text),
    ):
        records = {r.id: r for r in fetch(select(model))}
        late = {i for i, r in records.items() if module.is_overdue(r, at)}
        assert set(ids(read, kind, at, scope="已超时", limit=1000)) == late, kind
        for row in rows(read, kind, at, limit=1000):
            marks = sla.marks(module.clock(records[row.id]), fraction)
            assert (row.amber_at, row.red_at) == (
                (marks.amber_at, marks.red_at) if marks else (None, None)
            ), (kind, row.id)
            assert row.overdue == (row.id in late), (kind, row.id)
            if row.state != WorkOrderState.WAITING_PARTS:  # the countdown says the same
                shown = text(row, at)
                assert (shown.startswith("超时 "), shown == "") == (
                    row.overdue,
                    row.red_at is None,
                ), (kind, row.id, shown)
        with read(at) as ctx:
            assert module.count_overdue(ctx) == len(late), kind
    queued = fetch(select(Callback))
    late = {cb.id for cb in queued if callbacks.is_overdue(cb, at)}
    with read(at) as ctx:
        found = callback_list.callback_rows(ctx.session, scope="已超时", now=at, limit=1000)
        every = callback_list.callback_rows(ctx.session, scope="全部", now=at, limit=1000)
        counts = (callbacks.count_overdue(ctx), callback_list.count_due(ctx, overdue_only=True))
    assert {r.id for r in found} == late == {r.id for r in every if r.overdue}
    assert counts == (len(late), len(late))
    by_id = {cb.id: cb for cb in queued}
    for row in every:
        marks = sla.marks(callbacks.clock(by_id[row.id]), fraction)
        assert (row.amber_at, row.red_at) == (
            (marks.amber_at, marks.red_at) if marks else (None, None)
        )


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_overdue_in_sql_and_python_agree_through_random_lives(write, read, fetch, data) -> None:
    """Records accumulate over the examples: every check covers all of them."""
    start = NOW - timedelta(minutes=data.draw(st.integers(0, 5 * 24 * 60), label="start"))

    def order_state(oid: int) -> WorkOrderState:
        return fetch(WorkOrder, oid).state

    def complaint_state(cid: int) -> str:
        return fetch(Complaint, cid).state

    urgency = data.draw(st.sampled_from(["紧急", "重要", "一般", "预约"]), label="urgency")
    appointment = None
    if data.draw(st.booleans(), label="appointment"):
        appointment = start + timedelta(minutes=data.draw(MINUTES, label="agreed"))
    made = order(write, start, urgency=urgency, appointment_at=appointment)
    live(write, data, start, made, WORK_ORDER_FLOW, ORDER_ACTIONS, order_state)

    severity = data.draw(st.sampled_from(["轻微", "重要", "重大"]), label="severity")
    own = None
    if data.draw(st.booleans(), label="own deadline"):
        own = start + timedelta(minutes=data.draw(MINUTES, label="own"))
    made = complaint(write, start, severity, demand_deadline=own)
    live(write, data, start, made, COMPLAINT_FLOW, COMPLAINT_ACTIONS, complaint_state)

    for minutes in data.draw(st.lists(MINUTES, min_size=1, max_size=3), label="checks"):
        agree(read, fetch, start + timedelta(minutes=minutes))


# --- dates, text, rows -------------------------------------------------------------------------


def test_date_range_includes_both_days(write, read) -> None:
    made = {}
    for back in range(5):
        with write(NOW - back * DAY) as ctx:
            made[back] = calls.create_call(ctx, CallDraft("咨询", f"第{back}天")).id
    three_to_one = ListFilter(date_from=(NOW - 3 * DAY).date(), date_to=(NOW - DAY).date())
    assert ids(read, "call", flt=three_to_one) == [made[1], made[2], made[3]]
    assert ids(read, "call", date_from=NOW.date()) == [made[0]]
    assert ids(read, "call", date_to=(NOW - 4 * DAY).date()) == [made[4]]
    assert ids(read, "call", date_from=NOW.date(), date_to=(NOW - DAY).date()) == []
    assert ids(read, "call", flt=ListFilter(date_from=(NOW - 3 * DAY).date(), text="3天")) == [
        made[3]
    ]


def test_row_shows_masked_phone_and_a_short_one_line_summary(write, read) -> None:
    long = "楼上卫生间\n漏水" + "，水一直往下滴" * 20
    with write() as ctx:
        calls.create_call(ctx, CallDraft("报修", long, caller_name="陈先生", phone="13812345678",
                                         room="3-2-1201"))  # fmt: skip
    [row] = rows(read, "call")
    assert row.phone == "138****5678"
    assert "\n" not in row.summary and row.summary.startswith("楼上卫生间 漏水，水一直")
    assert len(row.summary) == lists.SUMMARY_CHARS and row.summary.endswith("…")
    assert (row.person, row.room, row.serial) == ("陈先生", "3-2-1201", "LD-20261123-001")
    assert row.created_at == NOW


def test_phones_written_in_the_text_are_masked_in_the_list_but_still_found(write, read) -> None:
    with write() as ctx:
        draft = CallDraft("咨询", "请王经理回电13987654321，或打0755-23456789")
        call = calls.create_call(ctx, draft)
    [row] = rows(read, "call")
    assert row.summary == "请王经理回电139****4321，或打0755-****6789"
    assert ids(read, "call", text="13987654321") == [call.id]  # the search reads the record


def test_text_search_combines_with_scopes(write, read, staff_id) -> None:
    with write(NOW - DAY) as ctx:
        old = calls.create_call(ctx, CallDraft("转告", "张先生来电", message_for_id=staff_id))
    with write() as ctx:
        new = calls.create_call(ctx, CallDraft("转告", "张女士来电", message_for_id=staff_id))
        other = calls.create_call(ctx, CallDraft("咨询", "张先生咨询"))
    assert ids(read, "call", text="张") == [other.id, new.id, old.id]
    assert ids(read, "call", text="张先生") == [other.id, old.id]
    assert ids(read, "call", text="张先生", scope="未完成") == [old.id]
    assert ids(read, "call", text="张", scope="今天") == [other.id, new.id]
    assert ids(read, "call", text="！？") == [other.id, new.id, old.id]  # nothing to search
    assert count(read, "call", text="张先生") == 2


# --- sorting and paging ------------------------------------------------------------------------


def test_sort_whitelist(read) -> None:
    for kind in lists.KINDS:
        assert {"serial", "created_at", "state", "person", "room"} <= set(lists.sortable(kind))
        for bad in ("nope", "id; DROP TABLE call", "r.serial", "phone DESC"):
            with pytest.raises(ValueError, match="cannot sort"):
                rows(read, kind, sort=bad)
    with pytest.raises(ValueError, match="no list"):
        rows(read, "resident")
    with pytest.raises(ValueError, match="scope"):
        rows(read, "call", scope="昨天")
    with pytest.raises(ValueError):
        rows(read, "call", limit=0)


@pytest.fixture
def many_calls(write) -> list[int]:
    names = ["陈", "王", "李"]
    made = []
    for i in range(23):
        with write(NOW - timedelta(minutes=i % 4)) as ctx:  # equal times, too
            draft = CallDraft("咨询", f"第{i}个", caller_name=names[i % 3])
            made.append(calls.create_call(ctx, draft).id)
    return made


@pytest.mark.parametrize("sort", [None, "person", "created_at", "serial", "summary", "room"])
@pytest.mark.parametrize("descending", [True, False])
def test_pages_are_stable_and_complete(read, many_calls, sort, descending) -> None:
    whole = ids(read, "call", sort=sort, descending=descending, limit=100)
    assert sorted(whole) == sorted(many_calls)
    paged = []
    for offset in range(0, 30, 7):
        paged += ids(read, "call", sort=sort, descending=descending, offset=offset, limit=7)
    assert paged == whole
    if sort == "person":
        people = [r.person for r in rows(read, "call", sort="person", descending=descending)]
        assert people == sorted(people, reverse=descending)


def test_newest_matches_shortcut_stays_exact_when_ids_do_not_follow_time(
    write, read, monkeypatch
) -> None:
    """Repairs reported before they were entered have later ids than newer records."""
    for back in (0, 5, 1, 7, 2, 3, 6):
        order(write, NOW, reported_at=NOW - back * HOUR, description=f"漏水{back}")
    plain = ids(read, "workorder")
    assert plain != sorted(plain, reverse=True)
    monkeypatch.setattr(lists, "CAP", 1)
    for offset in range(5):
        for limit in range(1, 5):
            found = ids(read, "workorder", text="漏水", offset=offset, limit=limit)
            assert found == plain[offset : offset + limit], (offset, limit)


@pytest.mark.parametrize("cap", [lists.CAP, 3])
def test_search_sees_the_records_not_indexed_yet(write, read, staff_id, monkeypatch, cap) -> None:
    monkeypatch.setattr(textsearch, "BATCH", 10)
    for i in range(25):
        with write(NOW - timedelta(hours=25 - i)) as ctx:
            if i % 3 == 0:
                draft = CallDraft("转告", f"{i}号楼漏水", message_for_id=staff_id)
            else:
                draft = CallDraft("咨询", f"{i}号车位停车", caller_name=["陈", "王"][i % 2])
            calls.create_call(ctx, draft)
    with read() as ctx:
        assert textsearch.indexed_up_to(driver(ctx.session), "call") == 20
    monkeypatch.setattr(lists, "CAP", cap)
    for scope in Scope:
        for sort in (None, "person"):
            plain = ids(read, "call", scope=scope, sort=sort)
            for query in ("漏", "停车", "1", "号", "24号"):
                with read() as ctx:
                    hits = set(textsearch.search_ids(ctx.session, "call", query, 1000))
                expected = [i for i in plain if i in hits]
                found = ids(read, "call", scope=scope, sort=sort, text=query)
                assert found == expected, (scope, sort, query)
                assert count(read, "call", scope=scope, text=query) == len(expected)
                for offset in (0, 2):
                    page = ids(read, "call", scope=scope, sort=sort, text=query, offset=offset,
                               limit=2)  # fmt: skip
                    assert page == expected[offset : offset + 2]


def test_counts_and_cap(read, many_calls) -> None:
    assert count(read, "call") == 23
    assert count(read, "call", cap=10) == 10
    assert count(read, "call", text="李") == 7
    assert count(read, "call", text="第1", cap=5) == 5  # 第1, 第10 … 第19
    assert count(read, "call", scope="未完成") == 0


# --- on a month of demo data: the SQL agrees with the services' rules --------------------------

DEMO_TODAY = date(2026, 11, 20)  # a Friday; the data ends at 15:30


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path: Path = tmp_path_factory.mktemp("lists") / "demo.sqlite3"
    engine = open_database(path)
    demo.generate(engine, 30, today=DEMO_TODAY)
    yield engine
    engine.dispose()


def _all(engine: Engine, kind: str, at: datetime, **kw) -> list:
    flt = ListFilter(**kw)
    out: list = []
    with reading(engine, at) as ctx:
        while True:
            page = lists.list_rows(ctx.session, kind, flt=flt, now=at, offset=len(out), limit=1000)
            out += page
            if len(page) < 1000:
                return out


MOMENTS = [datetime.combine(DEMO_TODAY, time(15, 30)) + d
           for d in (timedelta(0), HOUR, 5 * HOUR, DAY, 3 * DAY)]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("at", MOMENTS)
def test_overdue_sql_agrees_with_the_services(demo_engine, at) -> None:
    with reading(demo_engine, at) as ctx:
        orders = workorders.open_orders(ctx)
        open_complaints = complaints.open_complaints(ctx)
        out = ctx.session.exec(select(Loan).where(Loan.state == LoanState.OUT)).all()
        want = {
            "workorder": {o.id for o in orders if workorders.is_overdue(o, at)},
            "complaint": {c.id for c in open_complaints if complaints.is_overdue(c, at)},
            "loan": {x.id for x in out if x.expected_return_at < at},
        }
        open_ids = {
            "workorder": {o.id for o in orders},
            "complaint": {c.id for c in open_complaints},
            "loan": {x.id for x in out},
        }
        counts = {
            "workorder": workorders.count_overdue(ctx),
            "complaint": complaints.count_overdue(ctx),
            "loan": loans.count_overdue(ctx),
        }
        undelivered = calls.count_undelivered(ctx)
    assert any(want.values())  # the demo data has late work at every moment tested
    for kind, expected in want.items():
        found = _all(demo_engine, kind, at, scope="已超时")
        assert {r.id for r in found} == expected, kind
        assert len(expected) == counts[kind]
        every_open = _all(demo_engine, kind, at, scope="未完成")
        assert {r.id for r in every_open} == open_ids[kind], kind
        assert {r.id for r in every_open if r.overdue} == expected, kind
    assert len(_all(demo_engine, "call", at, scope="未完成")) == undelivered
    with reading(demo_engine, at) as ctx:
        for row in _all(demo_engine, "workorder", at, scope="未完成"):
            stored = ctx.session.get(WorkOrder, row.id)
            assert (row.response_due, row.completion_due) == workorders.due_times(stored, at)


QUERIES = ["水", "电梯", "1", "12", "5678", "3-2", "王", "PG", "维修师傅", "漏水", "室1"]


@pytest.mark.slow
@pytest.mark.parametrize(("cap", "shortcut"), [(lists.CAP, True), (40, True), (40, False)])
@pytest.mark.parametrize("kind", ["call", "workorder", "complaint"])
def test_search_plans_agree_with_filtering_the_plain_list(
    demo_engine, monkeypatch, cap, shortcut, kind
) -> None:
    """Whichever side drives (matches, filter, sort index), the rows are the plain list's rows
    that the text index finds, in the same order."""
    monkeypatch.setattr(lists, "CAP", cap)  # a small CAP takes the wide-search paths too
    if not shortcut:  # the general queries alone
        monkeypatch.setattr(lists, "_newest_first", lambda *_args: None)
    at = MOMENTS[0]
    for scope in Scope:
        # red_at: the 剩余 column's order, served by the overdue_at index
        for sort in (None, "person", "serial", *(("red_at",) if kind != "call" else ())):
            plain = _all(demo_engine, kind, at, scope=scope)
            plain_sorted = _sorted_plain(demo_engine, kind, at, scope, sort)
            assert sorted(r.id for r in plain_sorted) == sorted(r.id for r in plain)
            for query in QUERIES:
                with reading(demo_engine, at) as ctx:
                    hits = set(textsearch.search_ids(ctx.session, kind, query, 100_000))
                    found = lists.list_rows(
                        ctx.session, kind, flt=ListFilter(scope, text=query), now=at,
                        sort=sort, limit=1000,
                    )  # fmt: skip
                    counted = lists.count_rows(
                        ctx.session, kind, flt=ListFilter(scope, text=query), now=at
                    )
                expected = [r.id for r in plain_sorted if r.id in hits]
                assert [r.id for r in found] == expected[:1000], (scope, sort, query)
                assert counted == len(expected), (scope, sort, query)
                with reading(demo_engine, at) as ctx:
                    for offset in (0, 25):  # short pages: the newest-matches shortcut
                        page = lists.list_rows(
                            ctx.session, kind, flt=ListFilter(scope, text=query), now=at,
                            sort=sort, offset=offset, limit=25,
                        )  # fmt: skip
                        assert [r.id for r in page] == expected[offset : offset + 25]


def _sorted_plain(engine: Engine, kind: str, at: datetime, scope: Scope, sort: str | None):
    out: list = []
    with reading(engine, at) as ctx:
        while True:
            page = lists.list_rows(
                ctx.session, kind, flt=ListFilter(scope), now=at, sort=sort, offset=len(out),
                limit=1000,
            )  # fmt: skip
            out += page
            if len(page) < 1000:
                return out


def test_messages_state_matches_calls_service(demo_engine) -> None:
    at = MOMENTS[0]
    pending = [r for r in _all(demo_engine, "call", at) if r.message_state == MessageState.PENDING]
    assert {r.id for r in _all(demo_engine, "call", at, scope="未完成")} == {
        r.id for r in pending if r.state == "有效"
    }
