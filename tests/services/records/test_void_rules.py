"""作废: who registered a record voids it while it is open; a 主管 or 经理 voids anything.

Every desk kind × registered by the person asking or by a colleague × open or done with ×
the three roles: the service voids or refuses (PermissionDenied, nothing written), and the
detail offers 作废 exactly when the service would void.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from helpers.office import finish_order
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import func, select

from desk.models import AuditEvent, Call, Complaint, Loan, Visit, WorkOrder
from desk.models.enums import ComplaintState, StaffRole, WorkOrderState
from desk.models.errors import PermissionDenied
from desk.models.states import OPEN_COMPLAINT_STATES, OPEN_WORK_ORDER_STATES
from desk.services.core.context import Ctx
from desk.services.records import calls, complaints, loans, staff, visits, void_rules, workorders
from desk.services.views import details

NOW = datetime(2026, 11, 23, 10, 0)  # the moment conftest's fixtures act at
PHONE = "13812345678"


@dataclass(frozen=True)
class Kind:
    model: type
    save: Callable[[Ctx, int], Any]  # a new open record; the int is a loan item's id
    finish: Callable[[Ctx, int], Any]  # the desk is done with it
    void: Callable[[Ctx, int, str], Any]


KINDS: dict[str, Kind] = {
    "visit": Kind(
        Visit,
        lambda ctx, _item: visits.create(
            ctx,
            visits.VisitDraft(
                "张三", "咨询停车位", room="3-2-1201", outcome="转部门处理", dept_head="王主管"
            ),
        ),
        lambda ctx, rid: visits.close(ctx, rid, "已安排车位"),
        visits.void,
    ),
    "call": Kind(
        Call,
        lambda ctx, _item: calls.create_call(
            ctx, calls.CallDraft("转告", "请回电", phone=PHONE, message_for_id=ctx.staff_id)
        ),
        calls.mark_delivered,
        calls.void,
    ),
    "workorder": Kind(
        WorkOrder,
        lambda ctx, _item: workorders.create(
            ctx, workorders.WorkOrderDraft("厨房水管漏水", "水电", room="3-2-1201", phone=PHONE)
        ),
        finish_order,
        workorders.void,
    ),
    "complaint": Kind(
        Complaint,
        lambda ctx, _item: complaints.create(
            ctx,
            complaints.ComplaintDraft(
                "楼上噪音扰民", "物业管理", complainant="张三", room="3-2-1201", phone=PHONE
            ),
        ),
        lambda ctx, rid: complaints.answer(ctx, rid, "已协调楼上住户"),
        complaints.void,
    ),
    "loan": Kind(
        Loan,
        lambda ctx, item: loans.lend(
            ctx,
            loans.LoanDraft(item, "李四", NOW + timedelta(days=1), room="3-2-1201", phone=PHONE),
        ),
        lambda ctx, rid: loans.give_back(ctx, rid),
        loans.void,
    ),
}


@dataclass(frozen=True)
class Office:
    by_role: dict[StaffRole, int]  # one colleague of each role
    colleague: int  # another 前台, who registers the records that are not one's own
    item: int


@pytest.fixture
def office(write, staff_id) -> Office:
    with write() as ctx:
        clerk = staff.add(ctx, "小刘").id
        supervisor = staff.add(ctx, "赵主管", StaffRole.SUPERVISOR).id
        colleague = staff.add(ctx, "小陈").id
        item = loans.add_item(ctx, "梯子", stock=3).id
    roles = {
        StaffRole.RECEPTIONIST: clerk,
        StaffRole.SUPERVISOR: supervisor,
        StaffRole.MANAGER: staff_id,
    }
    return Office(roles, colleague, item)


def _audit_rows(fetch) -> int:
    return fetch(select(func.count()).select_from(AuditEvent))[0]


@pytest.mark.parametrize("role", list(StaffRole))
@pytest.mark.parametrize("done", [False, True], ids=["open", "done"])
@pytest.mark.parametrize("own", [True, False], ids=["own", "colleague's"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_who_may_void(write, read, fetch, office, kind, own, done, role) -> None:
    k = KINDS[kind]
    who = office.by_role[role]
    with write(who=who if own else office.colleague) as ctx:
        record_id = k.save(ctx, office.item).id
    if done:
        with write() as ctx:  # the manager finishes it: who registered it stays
            k.finish(ctx, record_id)
    allowed = role != StaffRole.RECEPTIONIST or (own and not done)
    with read() as ctx:
        actions = details.record_detail(ctx.session, kind, record_id, staff_id=who).actions
    assert ("作废" in actions) == allowed
    if allowed:
        with write(who=who) as ctx:
            k.void(ctx, record_id, "重复登记")
        assert fetch(k.model, record_id).state == "作废"
        return
    logged = _audit_rows(fetch)
    with pytest.raises(PermissionDenied) as refused, write(who=who) as ctx:
        k.void(ctx, record_id, "重复登记")
    said = str(refused.value)
    assert "主管或经理" in said and "上班后再操作" in said
    assert ("登记人本人（在办结前）" in said) == (not own)
    assert ("登记人也不能再作废" in said) == own
    assert fetch(k.model, record_id).state != "作废"
    assert _audit_rows(fetch) == logged


def test_a_visit_settled_on_the_spot_is_open_for_its_receptionist(write, fetch, office) -> None:
    """Settled on the spot it is 已办结 from the start, as for corrections: still open."""
    clerk = office.by_role[StaffRole.RECEPTIONIST]
    with write(who=clerk) as ctx:
        visit = visits.create(ctx, visits.VisitDraft("张三", "问快递", result="已告知"))
    assert visit.state == "已办结"
    with write(who=clerk) as ctx:
        visits.void(ctx, visit.id, "登记错了")
    assert fetch(Visit, visit.id).state == "作废"


def test_nobody_on_duty_voids_nothing(engine, write, read, fetch, office) -> None:
    """A record saved while nobody was on duty is nobody's own: nobody voids it."""
    from desk.services.core.transactions import writing

    with writing(engine, now=NOW) as ctx:
        call = calls.create_call(ctx, calls.CallDraft("咨询", "问停水时间"))
    assert call.staff_id is None
    with pytest.raises(PermissionDenied), writing(engine, now=NOW) as ctx:
        calls.void(ctx, call.id, "重复")
    with read() as ctx:
        assert "作废" not in details.record_detail(ctx.session, "call", call.id).actions
    with write(who=office.by_role[StaffRole.SUPERVISOR]) as ctx:
        calls.void(ctx, call.id, "重复")
    assert fetch(Call, call.id).state == "作废"


def test_the_callbacks_a_void_takes_along_are_not_asked_about(write, fetch, office) -> None:
    """A 主管 voids a completed repair a 前台 registered; its pending 回访 goes with it."""
    clerk = office.by_role[StaffRole.RECEPTIONIST]
    with write(who=clerk) as ctx:
        order = workorders.create(ctx, workorders.WorkOrderDraft("灯不亮", "水电", room="1-1-101"))
    with write() as ctx:
        finish_order(ctx, order.id)
        [callback] = workorders.pending_callbacks(ctx, order.id)
    with write(who=office.by_role[StaffRole.SUPERVISOR]) as ctx:
        workorders.void(ctx, order.id, "重复登记")
    assert fetch(type(callback), callback.id).state == "作废"


# --- the rule itself, over every state -----------------------------------------------------


@given(
    state=st.sampled_from(list(WorkOrderState)),
    own=st.booleans(),
    lead=st.booleans(),
)
def test_a_repair_is_voided_by_its_receptionist_only_while_open(state, own, lead) -> None:
    order = SimpleNamespace(state=state)
    refused = void_rules.refusal_for("workorder", order, own=own, lead=lead)
    assert (refused is None) == (lead or (own and state in OPEN_WORK_ORDER_STATES))


@given(
    state=st.sampled_from(list(ComplaintState)),
    own=st.booleans(),
    lead=st.booleans(),
)
def test_a_complaint_is_voided_by_its_receptionist_only_while_open(state, own, lead) -> None:
    complaint = SimpleNamespace(state=state)
    refused = void_rules.refusal_for("complaint", complaint, own=own, lead=lead)
    assert (refused is None) == (lead or (own and state in OPEN_COMPLAINT_STATES))


@given(
    record_staff=st.one_of(st.none(), st.integers(1, 5)),
    on_duty=st.one_of(st.none(), st.integers(1, 5)),
)
def test_own_means_registered_by_the_person_on_duty(record_staff, on_duty) -> None:
    record = SimpleNamespace(staff_id=record_staff)
    expected = on_duty is not None and record_staff == on_duty
    assert void_rules.is_own(record, on_duty) == expected
