"""修改: correcting the facts of a saved 来访, 来电, 报修, 投诉 or 借用.

The serial, time, receptionist, links and state stay; every changed field gets one 更正
audit row (old → new, the reason); the rules are creation's (the same field is refused);
a 前台 corrects while the desk is dealing with the record, a 主管 or 经理 later too, nobody
once it is voided; deadlines, the lists' stored clock and the text search follow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from helpers.office import finish_order
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from desk.models import AuditEvent, Call, Complaint, Loan, Visit, WorkOrder
from desk.models.db import driver
from desk.models.enums import AuditAction, LoanState, MessageState
from desk.models.errors import PermissionDenied, UnregisteredRoom, ValidationError
from desk.services.core import settings as desk_settings
from desk.services.core import sla, textsearch
from desk.services.core.calendar import WorkCalendar
from desk.services.core.context import Ctx
from desk.services.records import (
    calls,
    complaints,
    corrections,
    loans,
    residents,
    staff,
    visits,
    workorders,
)
from desk.services.records.corrections import correctable, draft_of
from desk.services.views import details, lists

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at
LATER = NOW + timedelta(minutes=20)
PHONE, OTHER_PHONE = "13812345678", "13987654321"


@dataclass(frozen=True)
class Ids:
    clerk: int  # 前台
    supervisor: int  # 主管
    manager: int  # 经理 (conftest's first member)
    item: int  # a ladder, three of them
    cart: int  # a trolley, one


@pytest.fixture
def ids(write, staff_id) -> Ids:
    with write() as ctx:
        clerk = staff.add(ctx, "小刘").id
        supervisor = staff.add(ctx, "赵主管", "主管").id
        item = loans.add_item(ctx, "梯子", stock=3).id
        cart = loans.add_item(ctx, "推车", stock=1).id
    return Ids(clerk, supervisor, staff_id, item, cart)


@dataclass(frozen=True)
class Kind:
    model: type
    draft: Callable[[Ids], Any]  # a valid draft
    save: Callable[[Ctx, Any], Any]
    text: str  # a text field of the draft, stored under the same name
    finish: Callable[[Ctx, int], Any]  # past the desk's part: a 前台 may no longer correct
    void: Callable[[Ctx, int, str], Any]


KINDS: dict[str, Kind] = {
    "visit": Kind(
        Visit,
        lambda i: visits.VisitDraft(
            "张三",
            "咨询停车位",
            room="3-2-1201",
            phone=PHONE,
            outcome="转部门处理",
            dept_head="王主管",
        ),
        visits.create,
        "reason",
        lambda ctx, rid: visits.close(ctx, rid, "已安排车位"),
        visits.void,
    ),
    "call": Kind(
        Call,
        lambda i: calls.CallDraft(
            "转告", "请回电", caller_name="陈先生", phone=PHONE, message_for_id=i.clerk
        ),
        calls.create_call,
        "content",
        calls.mark_delivered,
        calls.void,
    ),
    "workorder": Kind(
        WorkOrder,
        lambda i: workorders.WorkOrderDraft(
            "厨房水管漏水", "水电", room="3-2-1201", reporter="张三", phone=PHONE
        ),
        workorders.create,
        "description",
        finish_order,
        workorders.void,
    ),
    "complaint": Kind(
        Complaint,
        lambda i: complaints.ComplaintDraft(
            "楼上噪音扰民", "物业管理", complainant="张三", room="3-2-1201", phone=PHONE
        ),
        complaints.create,
        "description",
        lambda ctx, rid: complaints.answer(ctx, rid, "已协调楼上住户"),
        complaints.void,
    ),
    "loan": Kind(
        Loan,
        lambda i: loans.LoanDraft(
            i.item, "李四", NOW + timedelta(days=1), room="3-2-1201", phone=PHONE
        ),
        loans.lend,
        "remarks",
        lambda ctx, rid: loans.give_back(ctx, rid),
        loans.void,
    ),
}
ALL = list(KINDS)


def _save(write, kind: str, ids: Ids, **changes: Any) -> int:
    k = KINDS[kind]
    with write(who=ids.clerk) as ctx:
        return k.save(ctx, replace(k.draft(ids), **changes)).id


def _corrected(ids: Ids, kind: str, **changes: Any) -> Any:
    return replace(KINDS[kind].draft(ids), **changes)


def _events(fetch, kind: str, record_id: int) -> list[AuditEvent]:
    return fetch(
        select(AuditEvent)
        .where(AuditEvent.entity == kind, AuditEvent.entity_id == record_id)
        .order_by(AuditEvent.id)
    )


def _audit_count(fetch) -> int:
    return fetch(select(func.count()).select_from(AuditEvent))[0]


# --- what a correction writes -------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL)
def test_a_correction_keeps_the_serial_and_logs_old_and_new(write, fetch, ids, kind) -> None:
    k = KINDS[kind]
    record_id = _save(write, kind, ids)
    before = fetch(k.model, record_id)
    draft = _corrected(ids, kind, **{k.text: "改正后的内容", "phone": "139 8765 4321"})
    with write(LATER, who=ids.clerk) as ctx:
        corrections.correct(ctx, kind, record_id, draft, "电话记错了")
    after = fetch(k.model, record_id)
    kept = ("serial", "created_at", "staff_id", "shift_id", "state", "unit_id")
    assert [getattr(after, f) for f in kept] == [getattr(before, f) for f in kept]
    assert (getattr(after, k.text), after.phone, after.updated_at) == (
        "改正后的内容",
        OTHER_PHONE,
        LATER,
    )
    rows = [e for e in _events(fetch, kind, record_id) if e.at == LATER]
    assert {(e.action, e.field, e.old, e.new, e.reason, e.staff_id) for e in rows} == {
        (
            AuditAction.CORRECT,
            k.text,
            getattr(before, k.text),
            "改正后的内容",
            "电话记错了",
            ids.clerk,
        ),
        (AuditAction.CORRECT, "phone", PHONE, OTHER_PHONE, "电话记错了", ids.clerk),
    }


@pytest.mark.parametrize("kind", ALL)
def test_the_stored_record_saved_back_unchanged_changes_nothing(write, fetch, ids, kind) -> None:
    record_id = _save(write, kind, ids)
    logged = _audit_count(fetch)
    with pytest.raises(ValidationError, match="没有改动") as refused, write(who=ids.clerk) as ctx:
        corrections.correct(ctx, kind, record_id, draft_of(ctx, kind, record_id), "核对")
    assert refused.value.field == "correction"
    assert _audit_count(fetch) == logged


@pytest.mark.parametrize("reason", ["", "   ", "长" * 201])
def test_a_correction_needs_a_reason_of_at_most_200_characters(write, fetch, ids, reason) -> None:
    for kind in ALL:
        record_id = _save(write, kind, ids)
        logged = _audit_count(fetch)
        draft = _corrected(ids, kind, **{KINDS[kind].text: "改正后的内容"})
        with pytest.raises(ValidationError, match="修改原因") as refused, write() as ctx:
            corrections.correct(ctx, kind, record_id, draft, reason)
        assert refused.value.field == "correct_reason"
        assert _audit_count(fetch) == logged


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"room": "三栋"}, "room"),
        ({"resident_id": 999}, "resident_id"),
    ],
)
def test_bad_input_is_refused_with_the_field_creation_names(
    write, fetch, ids, kind, changes, field
) -> None:
    record_id = _save(write, kind, ids)
    logged = _audit_count(fetch)
    with pytest.raises(ValidationError) as on_create, write() as ctx:
        KINDS[kind].save(ctx, _corrected(ids, kind, **changes))
    with pytest.raises(ValidationError) as on_correct, write() as ctx:
        corrections.correct(ctx, kind, record_id, _corrected(ids, kind, **changes), "改")
    assert on_correct.value.field == on_create.value.field == field
    assert str(on_correct.value) == str(on_create.value)
    assert _audit_count(fetch) == logged


# --- who may correct what ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL)
def test_a_receptionist_corrects_while_open_a_lead_also_later(
    write, read, fetch, ids, kind
) -> None:
    k = KINDS[kind]
    record_id = _save(write, kind, ids)
    with read() as ctx:
        shown = details.record_detail(ctx.session, kind, record_id, staff_id=ids.clerk)
    assert "修改" in shown.actions and shown.actions[-1] == "作废"
    with write(who=ids.manager) as ctx:
        k.finish(ctx, record_id)
    state = fetch(k.model, record_id).state
    draft = _corrected(ids, kind, **{k.text: "前台改正的内容"})
    clerk_refused = pytest.raises(PermissionDenied, match=r"前台不能再修改.*主管或经理")
    with clerk_refused, write(who=ids.clerk) as ctx:
        assert not correctable(ctx, kind, ctx.session.get(k.model, record_id))
        corrections.correct(ctx, kind, record_id, draft, "补充")
    with read() as ctx:  # a read knows no duty: the save says no to a 前台
        assert draft_of(ctx, kind, record_id).phone == PHONE
    for lead in (ids.supervisor, ids.manager):
        with write(LATER, who=lead) as ctx:
            assert correctable(ctx, kind, ctx.session.get(k.model, record_id))
            stored = draft_of(ctx, kind, record_id)  # with what finishing it wrote
            corrections.correct(
                ctx, kind, record_id, replace(stored, **{k.text: f"改正{lead}"}), "补充"
            )
    after = fetch(k.model, record_id)
    assert (getattr(after, k.text), after.state) == (f"改正{ids.manager}", state)
    with read() as ctx:
        for who, offered in ((ids.clerk, False), (ids.supervisor, True), (None, False)):
            actions = details.record_detail(ctx.session, kind, record_id, staff_id=who).actions
            assert ("修改" in actions) == offered, who


@pytest.mark.parametrize("kind", ALL)
def test_nobody_corrects_a_voided_record(write, read, fetch, ids, kind) -> None:
    k = KINDS[kind]
    record_id = _save(write, kind, ids)
    with write() as ctx:
        k.void(ctx, record_id, "重复登记")
    logged = _audit_count(fetch)
    for who in (ids.clerk, ids.supervisor, ids.manager):
        with pytest.raises(PermissionDenied, match="已作废"), write(who=who) as ctx:
            corrections.correct(ctx, kind, record_id, _corrected(ids, kind), "改")
        with pytest.raises(PermissionDenied), write(who=who) as ctx:
            draft_of(ctx, kind, record_id)
        with read() as ctx:
            actions = details.record_detail(ctx.session, kind, record_id, staff_id=who).actions
            assert "修改" not in actions
    assert _audit_count(fetch) == logged


def test_a_visit_settled_on_the_spot_stays_correctable_and_keeps_its_outcome(
    write, fetch, ids
) -> None:
    with write(who=ids.clerk) as ctx:
        visit = visits.create(ctx, visits.VisitDraft("张三", "问物业费", phone=PHONE))
    assert visit.state == "已办结"
    with write(who=ids.clerk) as ctx:
        draft = draft_of(ctx, "visit", visit.id)
        visits.correct(ctx, visit.id, replace(draft, reason="问物业费和停车费"), "补充事由")
    with pytest.raises(ValidationError) as refused, write(who=ids.clerk) as ctx:
        visits.correct(
            ctx, visit.id, replace(draft, outcome="转部门处理", dept_head="王主管"), "改"
        )
    assert refused.value.field == "outcome"
    assert fetch(Visit, visit.id).reason == "问物业费和停车费"


# --- deadlines follow ------------------------------------------------------------------------


def test_a_new_urgency_moves_the_order_deadlines_and_its_stored_clock(
    write, read, fetch, ids
) -> None:
    order_id = _save(write, "workorder", ids)  # 一般: two hours to respond
    assert fetch(WorkOrder, order_id).overdue_at == NOW + timedelta(hours=2)
    with write(LATER, who=ids.clerk) as ctx:
        workorders.correct(ctx, order_id, _corrected(ids, "workorder", urgency="紧急"), "是紧急")
    order = fetch(WorkOrder, order_id)
    with read() as ctx:
        conf, calendar = desk_settings.all_values(ctx.session), WorkCalendar.load(ctx.session)
    response, completion = sla.workorder_deadlines(NOW, "紧急", conf, calendar)  # from intake
    assert (order.response_due, order.completion_due) == (response, completion)
    assert (
        (order.clock_from, order.overdue_at)
        == (NOW, response)
        == (NOW, NOW + timedelta(minutes=30))
    )
    late = NOW + timedelta(minutes=45)
    with read(late) as ctx:
        assert workorders.count_overdue(ctx) == 1
        overdue = lists.list_rows(
            ctx.session, "workorder", flt=lists.ListFilter(scope="已超时"), now=late
        )
    assert [row.id for row in overdue] == [order_id]
    fields = {e.field for e in _events(fetch, "workorder", order_id) if e.action == "更正"}
    assert fields == {"urgency", "response_due", "completion_due"}


def test_an_appointment_moves_the_limits_to_the_agreed_time(write, fetch, ids) -> None:
    order_id = _save(write, "workorder", ids)
    agreed = NOW + timedelta(days=1)
    with write(who=ids.clerk) as ctx:
        draft = _corrected(ids, "workorder", appointment_at=agreed)
        workorders.correct(ctx, order_id, draft, "业主要求明天上门")
    order = fetch(WorkOrder, order_id)
    assert (order.clock_from, order.overdue_at) == (agreed, agreed + timedelta(hours=2))
    # a day later the agreed time has passed: correcting something else keeps it
    with write(agreed + timedelta(hours=1), who=ids.clerk) as ctx:
        draft = replace(draft_of(ctx, "workorder", order_id), description="厨房和卫生间漏水")
        workorders.correct(ctx, order_id, draft, "补充")
    assert fetch(WorkOrder, order_id).appointment_at == agreed


def test_after_rework_a_new_urgency_counts_the_completion_from_the_reopening(
    write, read, fetch, ids
) -> None:
    order_id = _save(write, "workorder", ids)
    with write() as ctx:
        finish_order(ctx, order_id)
    reopened = NOW + timedelta(days=1)
    with write(reopened) as ctx:
        workorders.rework(ctx, order_id, "又漏了")
    with write(reopened + timedelta(minutes=5), who=ids.clerk) as ctx:
        workorders.correct(ctx, order_id, _corrected(ids, "workorder", urgency="紧急"), "紧急")
    order = fetch(WorkOrder, order_id)
    with read() as ctx:
        conf, calendar = desk_settings.all_values(ctx.session), WorkCalendar.load(ctx.session)
    assert order.completion_due == sla.workorder_deadlines(reopened, "紧急", conf, calendar)[1]
    assert order.response_due == sla.workorder_deadlines(NOW, "紧急", conf, calendar)[0]
    assert (order.state, order.completion_from, order.overdue_at) == (
        "返工",
        reopened,
        order.completion_due,
    )


def test_a_new_severity_moves_the_complaint_deadline(write, read, fetch, ids) -> None:
    complaint_id = _save(write, "complaint", ids)  # 轻微: days to resolve
    with write(LATER, who=ids.clerk) as ctx:
        draft = _corrected(ids, "complaint", severity="重要")
        complaints.correct(ctx, complaint_id, draft, "影响多户，应为重要")
    complaint = fetch(Complaint, complaint_id)
    with read() as ctx:
        conf, calendar = desk_settings.all_values(ctx.session), WorkCalendar.load(ctx.session)
    due = sla.complaint_due(NOW, "重要", conf, calendar)  # from the intake
    assert (complaint.due_at, complaint.overdue_at) == (due, due) == (due, NOW + timedelta(hours=1))
    with read(NOW + timedelta(hours=2)) as ctx:
        assert complaints.count_overdue(ctx) == 1
    # escalated to 项目主管 the deadline stops binding; back to 轻微 it resolves by due_at
    with write(LATER) as ctx:
        complaints.escalate(ctx, complaint_id, "报项目主管")
    assert fetch(Complaint, complaint_id).overdue_at is None
    with write(LATER, who=ids.clerk) as ctx:
        complaints.correct(ctx, complaint_id, replace(draft, severity="轻微"), "其实轻微")
    complaint = fetch(Complaint, complaint_id)
    assert (
        complaint.overdue_at == complaint.due_at == sla.complaint_due(NOW, "轻微", conf, calendar)
    )


# --- loans --------------------------------------------------------------------------------


def test_a_loan_lends_more_only_from_what_is_free_besides_its_own(write, fetch, ids) -> None:
    first = _save(write, "loan", ids, quantity=2)  # 2 of the 3 ladders
    second = _save(write, "loan", ids)  # the third
    with pytest.raises(ValidationError, match="只剩 2 件") as refused, write() as ctx:
        loans.correct(ctx, first, _corrected(ids, "loan", quantity=3), "借了三把")
    assert refused.value.field == "quantity"
    with pytest.raises(ValidationError, match="只剩 1 件"), write() as ctx:
        loans.correct(ctx, first, _corrected(ids, "loan", item_id=ids.cart, quantity=2), "是推车")
    with write() as ctx:
        loans.void(ctx, second, "登记重复")
        loans.correct(ctx, first, _corrected(ids, "loan", quantity=3), "借了三把")
    with write() as ctx:
        assert loans.available(ctx, ids.item) == 0
    loan = fetch(Loan, first)
    assert (loan.quantity, loan.state) == (3, LoanState.OUT)


def test_a_returned_loan_keeps_its_refund_covered(write, fetch, ids) -> None:
    loan_id = _save(write, "loan", ids, deposit="50")
    with write() as ctx:
        loans.give_back(ctx, loan_id, deposit_refunded="50")
    with (
        pytest.raises(ValidationError, match="已退还") as refused,
        write(who=ids.supervisor) as ctx,
    ):
        loans.correct(ctx, loan_id, _corrected(ids, "loan", deposit="30"), "押金记错")
    assert refused.value.field == "deposit"
    with write(who=ids.supervisor) as ctx:  # returned: no stock to check any more
        loans.correct(ctx, loan_id, _corrected(ids, "loan", deposit="60", quantity=9), "补记")
    assert (fetch(Loan, loan_id).deposit, fetch(Loan, loan_id).quantity) == (Decimal("60.00"), 9)


# --- calls' messages -----------------------------------------------------------------------


def test_a_message_for_someone_else_is_still_to_be_passed_on(write, fetch, ids) -> None:
    call_id = _save(write, "call", ids)
    with write() as ctx:
        calls.mark_delivered(ctx, call_id)
    delivered = fetch(Call, call_id)
    with write(LATER, who=ids.supervisor) as ctx:  # same colleague: still passed on
        calls.correct(ctx, call_id, _corrected(ids, "call", content="请回电，急"), "补充")
    assert (fetch(Call, call_id).message_state, fetch(Call, call_id).delivered_at) == (
        MessageState.DELIVERED,
        delivered.delivered_at,
    )
    with write(LATER, who=ids.supervisor) as ctx:
        draft = _corrected(ids, "call", content="请回电，急", message_for_id=ids.supervisor)
        calls.correct(ctx, call_id, draft, "是给主管的")
    call = fetch(Call, call_id)
    assert (call.message_state, call.delivered_at) == (MessageState.PENDING, None)
    with write(LATER, who=ids.clerk) as ctx:  # pending again: the desk may correct it
        calls.correct(ctx, call_id, replace(draft, call_type="咨询", message_for_id=None), "咨询")
    call = fetch(Call, call_id)
    assert (call.call_type, call.message_state, call.message_for_id) == ("咨询", None, None)


# --- what was stored is kept without being judged again ----------------------------------------


def test_an_unregistered_room_is_asked_about_only_when_it_changes(write, fetch, ids) -> None:
    with write() as ctx:
        residents.add(ctx, residents.ResidentDraft("王五", "1-1-101"))
    record_id = _save(write, "workorder", ids, room="99-9-9999", room_confirmed=True)
    with write(who=ids.clerk) as ctx:
        draft = draft_of(ctx, "workorder", record_id)
        workorders.correct(ctx, record_id, replace(draft, description="漏水严重"), "补充")
    with pytest.raises(UnregisteredRoom), write(who=ids.clerk) as ctx:
        workorders.correct(ctx, record_id, replace(draft, room="98-9-9999"), "房号错")
    with write(who=ids.clerk) as ctx:
        draft = replace(draft, room="98-9-9999", room_confirmed=True)
        workorders.correct(ctx, record_id, draft, "房号错")
    assert (fetch(WorkOrder, record_id).room_text, fetch(WorkOrder, record_id).unit_id) == (
        "98-9-9999",
        None,
    )


def test_a_category_taken_off_the_list_since_is_kept(write, fetch, ids) -> None:
    record_id = _save(write, "workorder", ids)
    with write() as ctx:
        staff.set_setting(ctx, "lists.workorder.categories", ["土建", "其他"])
    with write(who=ids.clerk) as ctx:
        draft = replace(draft_of(ctx, "workorder", record_id), description="漏水严重")
        workorders.correct(ctx, record_id, draft, "补充")
    with pytest.raises(ValidationError) as refused, write(who=ids.clerk) as ctx:
        workorders.correct(ctx, record_id, replace(draft, category="门窗"), "类别")
    assert refused.value.field == "category"
    assert fetch(WorkOrder, record_id).category == "水电"


def test_the_intake_time_is_not_corrected(write, ids) -> None:
    record_id = _save(write, "workorder", ids)
    with pytest.raises(ValidationError) as refused, write() as ctx:
        draft = _corrected(ids, "workorder", reported_at=NOW - timedelta(hours=1))
        workorders.correct(ctx, record_id, draft, "其实是一小时前报的")
    assert refused.value.field == "reported_at"
    with write() as ctx:  # the stored time itself is fine
        draft = _corrected(ids, "workorder", reported_at=NOW, description="漏水严重")
        workorders.correct(ctx, record_id, draft, "补充")


# --- search and the detail's history -------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("indexed", [False, True])
def test_the_text_search_finds_the_corrected_text_not_the_old(
    write, read, ids, kind, indexed
) -> None:
    k = KINDS[kind]
    record_id = _save(write, kind, ids, **{k.text: "厨房水管漏水"})
    if indexed:
        with write() as ctx:
            textsearch.catch_up(ctx.session)
            assert textsearch.indexed_up_to(driver(ctx.session), kind) >= record_id
    with write(who=ids.clerk) as ctx:
        draft = _corrected(ids, kind, **{k.text: "卫生间地漏堵塞"}, phone=OTHER_PHONE)
        corrections.correct(ctx, kind, record_id, draft, "写错了")
    with read() as ctx:
        assert textsearch.search_ids(ctx.session, kind, "地漏堵") == [record_id]
        assert textsearch.search_ids(ctx.session, kind, "水管") == []
        assert textsearch.search_ids(ctx.session, kind, "98765") == [record_id]
        assert textsearch.search_ids(ctx.session, kind, "12345678") == []


def test_the_history_shows_the_correction_with_labels_names_and_the_reason(
    write, read, ids
) -> None:
    with write() as ctx:
        wang = residents.add(ctx, residents.ResidentDraft("王五", "1-1-101")).id
        li = residents.add(ctx, residents.ResidentDraft("李四", "1-1-102")).id
    loan_id = _save(write, "loan", ids, room="1-1-101", resident_id=wang, borrower="王五")
    draft = _corrected(
        ids, "loan", item_id=ids.cart, room="1-1-102", resident_id=li, borrower="李四"
    )
    with write(LATER, who=ids.clerk) as ctx:
        loans.correct(ctx, loan_id, draft, "借用人和物品登记错了")
    with read() as ctx:
        detail = details.record_detail(ctx.session, "loan", loan_id)
    rows = [(h.who, h.action, h.field, h.old, h.new, h.reason) for h in detail.history[1:]]
    why = "借用人和物品登记错了"
    assert sorted(rows) == sorted(
        [
            ("小刘", "更正", "物品", "梯子", "推车", why),
            ("小刘", "更正", "借用人", "王五", "李四", why),
            ("小刘", "更正", "房号", "1-1-101", "1-1-102", why),
            ("小刘", "更正", "住户资料", "王五", "李四", why),
        ]
    )  # the flat follows the room: no row of ids
    assert dict(detail.fields)["单号"] == detail.serial
    assert detail.history[0].action == "新建"


def test_the_history_shows_the_deadlines_a_correction_moved(write, read, ids) -> None:
    order_id = _save(write, "workorder", ids)
    with write(who=ids.clerk) as ctx:
        workorders.correct(ctx, order_id, _corrected(ids, "workorder", urgency="紧急"), "紧急")
    with read() as ctx:
        detail = details.record_detail(ctx.session, "workorder", order_id)
    assert ("更正", "紧急程度", "一般", "紧急", "紧急") in [
        (h.action, h.field, h.old, h.new, h.reason) for h in detail.history
    ]
    assert ("更正", "响应时限", "2026-11-23 12:00", "2026-11-23 10:30") in [
        (h.action, h.field, h.old, h.new) for h in detail.history
    ]


# --- one set of rules: correct() accepts exactly what create() accepts -------------------------


def _mostly(valid: list[Any], invalid: list[Any]) -> st.SearchStrategy[Any]:
    """A valid value seven times in eight, an invalid one else: about half the drafts
    are saved, and every field is refused now and then."""
    return st.integers(0, 7).flatmap(lambda n: st.sampled_from(invalid if n == 0 else valid))


LONG = "长" * 5001
NAMES = _mostly(["王五", "欧阳娜娜"], ["长" * 41])
OPTIONAL_NAMES = _mostly(["", "王五"], ["长" * 41])
PHONES = _mostly(["13912345678", "021-6123 4567"], ["12345", "1391234567a"])
OPTIONAL_PHONES = _mostly(["", "13912345678"], ["12345"])
ROOMS = _mostly(["", "3-2-1201", "5栋1单元502室"], ["三栋", "9-9-9"])
SOON = NOW + timedelta(days=1)
PAST = NOW - timedelta(days=1)


def _text(*valid: str) -> st.SearchStrategy[str]:
    return _mostly(list(valid), ["", LONG])


def _drafts(kind: str, ids: Ids) -> st.SearchStrategy[Any]:
    """Drafts of ``kind`` mixing valid and invalid values; never the base record's text."""
    if kind == "visit":
        return st.builds(
            visits.VisitDraft,
            visitor=NAMES,
            reason=_text("问停车", "咨询装修"),
            room=ROOMS,
            phone=OPTIONAL_PHONES,
            is_resident=_mostly([True], [False]),  # an outsider: ID tail, phone, household
            id_tail=_mostly([""], ["123X", "12", "１２３４"]),
            visiting=_mostly(["", "5-1-101 李家"], ["长" * 61]),
            dept_head=_mostly(["王主管"], ["", "长" * 41]),
            result=_mostly(["", "已解决"], ["长" * 1001]),
        )
    if kind == "call":
        return st.builds(
            calls.CallDraft,
            call_type=_mostly(["咨询", "报修"], ["转告", "闲聊"]),
            content=_text("问停水", "电梯异响"),
            caller_name=OPTIONAL_NAMES,
            phone=OPTIONAL_PHONES,
            room=ROOMS,
            reply=_mostly(["", "明天恢复"], ["长" * 2001]),
            message_for_id=_mostly([None], [ids.clerk, 999]),
        )
    if kind == "workorder":
        return st.builds(
            workorders.WorkOrderDraft,
            description=_text("漏水", "门锁坏了"),
            category=_mostly(["水电", "门窗"], ["不存在的类别"]),
            urgency=_mostly(["紧急", "一般", "预约", "重要"], ["很急"]),
            channel=_mostly(["来电", "巡查"], ["飞鸽"]),
            room=_mostly(["3-2-1201", "5栋1单元502室"], ["", "三栋"]),
            location=_mostly(["", "地下车库"], ["长" * 61]),
            reporter=OPTIONAL_NAMES,
            phone=OPTIONAL_PHONES,
            is_paid=st.booleans(),
            appointment_at=_mostly([None, SOON], [PAST]),
        )
    if kind == "complaint":
        return st.builds(
            complaints.ComplaintDraft,
            description=_text("噪音", "保安态度差"),
            category=_mostly(["物业管理", "客户服务"], ["不存在的类别"]),
            severity=_mostly(["轻微", "重要", "重大"], ["超级"]),
            channel=_mostly(["来电", "书面"], ["飞鸽"]),
            complainant=NAMES,
            room=ROOMS,
            phone=OPTIONAL_PHONES,
            subtype=_mostly(["", "噪音"], ["长" * 21]),
            occurred_at=_mostly([None, PAST], [SOON]),
            demand=_mostly(["", "尽快处理"], ["长" * 1001]),
            demand_deadline=_mostly([None, SOON], [PAST]),
            department=_mostly(["", "工程部"], ["长" * 41]),
        )
    return st.builds(
        loans.LoanDraft,
        item_id=_mostly([ids.item, ids.cart], [None]),
        borrower=NAMES,
        expected_return_at=_mostly([SOON], [NOW - timedelta(hours=1)]),
        quantity=_mostly([1, "1", 2, "3"], [0, "两"]),  # one cart: 2 of it is too many
        room=ROOMS,
        phone=PHONES,
        deposit=_mostly([None, "20"], ["-1", "abc"]),
        remarks=_mostly(["", "当天归还"], ["长" * 201]),
    )


# the base record each correction starts from: valid, and with text no draft above has
BASES: dict[str, Callable[[Ids], Any]] = {
    "visit": lambda i: visits.VisitDraft("原来访人", "原来访事由", dept_head="原负责人"),
    "call": lambda i: calls.CallDraft("咨询", "原来电内容"),
    "workorder": lambda i: workorders.WorkOrderDraft("原报修内容", "水电", room="1-1-101"),
    "complaint": lambda i: complaints.ComplaintDraft("原投诉内容", "物业管理", complainant="原"),
    "loan": lambda i: loans.LoanDraft(
        i.item, "原借用人", NOW + timedelta(days=2), phone="13800000000", remarks="原备注"
    ),
}
# what the stored record is compared by besides the draft: the deadlines
STORED = {
    "workorder": ("response_due", "completion_due", "completion_from", "clock_from", "overdue_at"),
    "complaint": ("due_at", "overdue_at"),
    "call": ("message_state", "delivered_at"),
}


class _Undo(Exception):
    """Ends a write transaction without committing it."""


def _attempt(write, act: Callable[[Ctx], Any]) -> tuple[str | None, Any]:
    """(the refused field or None, what ``act`` returned) — nothing is kept either way."""
    try:
        with write() as ctx:
            raise _Undo(act(ctx))
    except ValidationError as refused:
        return refused.field, None
    except _Undo as undone:
        return None, undone.args[0]


def _as_stored(ctx: Ctx, kind: str, record: Any) -> dict[str, Any]:
    draft = dataclasses.asdict(draft_of(ctx, kind, record.id))
    draft = {k: v for k, v in draft.items() if k not in ("visit_id", "call_id")}
    return draft | {name: getattr(record, name) for name in STORED.get(kind, ())}


@pytest.mark.parametrize("kind", ALL)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_correct_accepts_exactly_what_create_accepts(write, ids, kind, data) -> None:
    draft = data.draw(_drafts(kind, ids), label="draft")
    if kind == "visit":  # the outcome is how the visit is dealt with: never corrected
        outcome = data.draw(st.sampled_from(["当场解决", "转部门处理"]), label="outcome")
        draft = replace(draft, outcome=outcome)
    save = KINDS[kind].save

    def create(ctx: Ctx) -> dict[str, Any]:
        return _as_stored(ctx, kind, save(ctx, draft))

    def correct(ctx: Ctx) -> dict[str, Any]:
        base = replace(BASES[kind](ids), **({"outcome": draft.outcome} if kind == "visit" else {}))
        record = save(ctx, base)
        corrections.correct(ctx, kind, record.id, draft, "核对后更正")
        return _as_stored(ctx, kind, record)

    created = _attempt(write, create)
    event("accepted" if created[0] is None else f"refused: {created[0]}")
    assert _attempt(write, correct) == created
