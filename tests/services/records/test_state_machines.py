"""Random sequences of desk actions on a real database file, checked against a small model.

The models below are written from DOMAIN.md, not read from desk.models.states, so they
are an independent oracle: after every step the stored state, the audit trail and the
callback queue must be what the model says, and an action the model forbids must raise
TransitionError and change nothing.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import select

from desk.models import AuditEvent, Callback, Complaint, WorkOrder
from desk.models.enums import ESCALATION_ORDER, CallbackState, Severity, Urgency
from desk.models.enums import ComplaintState as C
from desk.models.enums import WorkOrderState as W
from desk.models.errors import TransitionError
from desk.models.states import COMPLAINT_FLOW, WORK_ORDER_FLOW, allowed_actions
from desk.services.core import audit
from desk.services.core.transactions import reading, writing
from desk.services.io.database import open_database
from desk.services.records import callbacks, complaints, staff, workorders
from desk.services.records.callbacks import CallbackResult

NOW = datetime(2026, 11, 23, 10, 0)  # Monday; the moment conftest's fixtures act at
MACHINE_SETTINGS = settings(
    max_examples=30,
    stateful_step_count=15,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow],
)
CJK = re.compile(r"[\u4e00-\u9fff]")
HAPPY = CallbackResult("满意", outcome="已修好")
UNHAPPY = CallbackResult("不满意", comment="问题还在")


@dataclass
class Expected:
    state: str
    level: int = 0  # complaints: index in ESCALATION_ORDER
    paused: bool = False  # work orders: the clock stopped by 待料 (a void ends the pause)
    rework_count: int = 0
    state_changes: list[tuple[str, str]] = field(default_factory=list)


class DeskMachine(RuleBasedStateMachine):
    """A fresh copy of the empty database per run, in its own temporary folder."""

    template: Path

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="desk-machine-"))
        path = self.folder / "desk.sqlite3"
        shutil.copyfile(self.template, path)
        self.engine = open_database(path)
        self.now = NOW
        with writing(self.engine, now=NOW) as ctx:
            self.staff_id = staff.set_up_office(ctx, "阳光花园物业服务中心", "王经理").id
        self.model: dict[int, Expected] = {}

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def save(self):
        """One save, a few minutes after the previous one."""
        self.now += timedelta(minutes=7)
        return writing(self.engine, staff_id=self.staff_id, now=self.now)

    def audit_rows(self) -> int:
        with reading(self.engine) as ctx:
            return len(ctx.session.exec(select(AuditEvent.id)).all())

    def latest_callback(self, column, record_id: int) -> int | None:
        with reading(self.engine) as ctx:
            stmt = select(Callback.id).where(column == record_id).order_by(Callback.id.desc())
            return ctx.session.exec(stmt).first()

    def refused(self, do, record_id: int, state: str | None) -> None:
        """``do`` is not allowed: TransitionError in Chinese, and not one row written."""
        before = self.audit_rows()
        with pytest.raises(TransitionError) as info, self.save() as ctx:
            do(ctx, record_id)
        assert CJK.search(str(info.value))
        if state is not None:
            assert f"“{state}”" in str(info.value)
        assert self.audit_rows() == before

    def record_callback(self, ctx, column, record_id: int, result: CallbackResult) -> None:
        stmt = select(Callback).where(column == record_id, Callback.state == CallbackState.DUE)
        callback = ctx.session.exec(stmt).one()
        callbacks.record(ctx, callback.id, result)

    def move(self, expected: Expected, target: str) -> None:
        if target != expected.state:
            expected.state_changes.append((expected.state, target))
        expected.state = target


# --- work orders --------------------------------------------------------------------------

# action → (states it is allowed from, state after); the two callback outcomes are actions too
WORK_ORDER_MODEL: dict[str, tuple[set[str], str]] = {
    "派工": ({W.NEW, W.REWORK}, W.DISPATCHED),
    "开始处理": ({W.DISPATCHED, W.REWORK}, W.IN_PROGRESS),
    "待料": ({W.IN_PROGRESS}, W.WAITING_PARTS),
    "到料继续": ({W.WAITING_PARTS}, W.IN_PROGRESS),
    "完成": ({W.IN_PROGRESS}, W.COMPLETED),
    "回访满意": ({W.COMPLETED}, W.CALLED_BACK),
    "回访不满意": ({W.COMPLETED}, W.REWORK),
    "返工": ({W.COMPLETED, W.CALLED_BACK}, W.REWORK),
    "作废": (set(W) - {W.VOID}, W.VOID),
}
# the button each action is in the UI's flow table
WORK_ORDER_BUTTON = {"回访满意": "回访", "回访不满意": "返工"}


class WorkOrderMachine(DeskMachine):
    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.voided: set[int] = set()

    def _take_in(self, urgency: Urgency) -> int:
        with self.save() as ctx:
            draft = workorders.WorkOrderDraft(
                "厨房水管漏水", "水电", urgency=urgency, room="3-2-1201"
            )
            order_id = workorders.create(ctx, draft).id
        self.model[order_id] = Expected(W.NEW)
        return order_id

    @initialize(target=orders, urgency=st.sampled_from(list(Urgency)))
    def first_order(self, urgency: Urgency) -> int:
        return self._take_in(urgency)

    @precondition(lambda self: len(self.model) < 2)
    @rule(target=orders, urgency=st.sampled_from(list(Urgency)))
    def take_in(self, urgency: Urgency) -> int:
        return self._take_in(urgency)

    def _do(self, action: str):
        return {
            "派工": lambda ctx, oid: workorders.dispatch(ctx, oid, "工程部 李师傅"),
            "开始处理": lambda ctx, oid: workorders.start(ctx, oid),
            "待料": lambda ctx, oid: workorders.wait_for_parts(ctx, oid),
            "到料继续": lambda ctx, oid: workorders.resume(ctx, oid),
            "完成": lambda ctx, oid: workorders.complete(ctx, oid, workorders.Completion("换阀门")),
            "回访满意": lambda ctx, oid: self.record_callback(
                ctx, Callback.work_order_id, oid, HAPPY
            ),
            "回访不满意": lambda ctx, oid: self.record_callback(
                ctx, Callback.work_order_id, oid, UNHAPPY
            ),
            "返工": lambda ctx, oid: workorders.rework(ctx, oid, "仍然漏水"),
            "作废": lambda ctx, oid: workorders.void(ctx, oid, "重复报修"),
        }[action]

    @rule(order_id=orders, data=st.data())
    def act_as_allowed(self, order_id: int, data: st.DataObject) -> None:
        """Mostly walk forward (作废 ends the walk, so it is left to ``act``)."""
        state = self.model[order_id].state
        choices = [a for a, (src, _) in WORK_ORDER_MODEL.items() if state in src and a != "作废"]
        if choices:
            self.act(order_id, data.draw(st.sampled_from(choices), label="action"))

    @rule(order_id=orders, action=st.sampled_from(list(WORK_ORDER_MODEL)))
    def act(self, order_id: int, action: str) -> None:
        expected = self.model[order_id]
        sources, target = WORK_ORDER_MODEL[action]
        if expected.state in sources:
            with self.save() as ctx:
                self._do(action)(ctx, order_id)
            if action in ("回访不满意", "返工"):
                expected.rework_count += 1
            if action in ("待料", "到料继续", "作废"):
                expected.paused = action == "待料"  # a void ends a running pause
            if target == W.VOID:
                self.voided.add(order_id)
            self.move(expected, target)
        elif action.startswith("回访"):
            # nothing is due: the last callback of the order (if any) refuses a second entry
            callback_id = self.latest_callback(Callback.work_order_id, order_id)
            if callback_id is not None:
                result = HAPPY if action == "回访满意" else UNHAPPY
                self.refused(lambda ctx, cid: callbacks.record(ctx, cid, result), callback_id, None)
        else:
            self.refused(self._do(action), order_id, expected.state)

    @invariant()
    def database_matches_the_model(self) -> None:
        with reading(self.engine) as ctx:
            for order_id, expected in self.model.items():
                order = ctx.session.get(WorkOrder, order_id)
                assert order.state == expected.state
                assert order.rework_count == expected.rework_count
                # every state change has its audit row, in order, and nothing else does
                changes = [
                    (e.old, e.new)
                    for e in audit.history(ctx, "workorder", order_id)
                    if e.field == "state"
                ]
                assert changes == [(str(a), str(b)) for a, b in expected.state_changes]
                # the UI's buttons agree with the model
                allowed = {
                    WORK_ORDER_BUTTON.get(a, a)
                    for a, (sources, _) in WORK_ORDER_MODEL.items()
                    if expected.state in sources
                }
                assert set(allowed_actions(WORK_ORDER_FLOW, order.state)) == allowed
                # one callback waits exactly while the order is 已完成
                due = workorders.pending_callbacks(ctx, order_id)
                assert len(due) == (1 if order.state == W.COMPLETED else 0)
                # the clock stops at 待料 and runs again at 到料继续; a paused order is never late
                assert (order.paused_since is not None) == expected.paused
                if order.state == W.WAITING_PARTS:
                    assert not workorders.is_overdue(order, self.now + timedelta(days=365))

    @invariant()
    def voided_orders_stay_void(self) -> None:
        with reading(self.engine) as ctx:
            for order_id in self.voided:
                order = ctx.session.get(WorkOrder, order_id)
                assert order.state == W.VOID
                assert order.voided_at is not None and order.void_reason == "重复报修"


# --- complaints ---------------------------------------------------------------------------

TOP = len(ESCALATION_ORDER) - 1
COMPLAINT_MODEL: dict[str, tuple[set[str], str]] = {
    "开始处理": ({C.ACCEPTED}, C.IN_PROGRESS),
    "升级": ({C.ACCEPTED, C.IN_PROGRESS, C.ANSWERED, C.CALLED_BACK}, C.IN_PROGRESS),
    "答复": ({C.ACCEPTED, C.IN_PROGRESS}, C.ANSWERED),
    "回访满意": ({C.ANSWERED}, C.CALLED_BACK),
    "回访不满意": ({C.ANSWERED}, C.IN_PROGRESS),
    "作废": (set(C) - {C.VOID}, C.VOID),
}
COMPLAINT_BUTTON = {"回访满意": "回访", "回访不满意": "升级"}


class ComplaintMachine(DeskMachine):
    filed = Bundle("complaints")

    def _file(self, severity: Severity) -> int:
        with self.save() as ctx:
            draft = complaints.ComplaintDraft(
                "楼道堆放杂物", "物业管理", severity=severity, complainant="李女士"
            )
            complaint_id = complaints.create(ctx, draft).id
        self.model[complaint_id] = Expected(
            C.ACCEPTED, level=0
        )  # the desk records it; 升级 reports it up
        return complaint_id

    @initialize(target=filed, severity=st.sampled_from(list(Severity)))
    def first_complaint(self, severity: Severity) -> int:
        return self._file(severity)

    @precondition(lambda self: len(self.model) < 2)
    @rule(target=filed, severity=st.sampled_from(list(Severity)))
    def file(self, severity: Severity) -> int:
        return self._file(severity)

    def _do(self, action: str):
        return {
            "开始处理": lambda ctx, cid: complaints.start(ctx, cid, department="保洁部"),
            "升级": lambda ctx, cid: complaints.escalate(ctx, cid, "业主要求上级处理"),
            "答复": lambda ctx, cid: complaints.answer(ctx, cid, "已安排清理"),
            "回访满意": lambda ctx, cid: self.record_callback(
                ctx, Callback.complaint_id, cid, HAPPY
            ),
            "回访不满意": lambda ctx, cid: self.record_callback(
                ctx, Callback.complaint_id, cid, UNHAPPY
            ),
            "作废": lambda ctx, cid: complaints.void(ctx, cid, "重复登记"),
        }[action]

    def allowed(self, expected: Expected, action: str) -> bool:
        sources, _ = COMPLAINT_MODEL[action]
        if action == "升级" and expected.level == TOP:
            return False  # the button cannot climb past 公司领导
        return expected.state in sources

    @rule(complaint_id=filed, data=st.data())
    def act_as_allowed(self, complaint_id: int, data: st.DataObject) -> None:
        expected = self.model[complaint_id]
        choices = [a for a in COMPLAINT_MODEL if a != "作废" and self.allowed(expected, a)]
        if choices:
            self.act(complaint_id, data.draw(st.sampled_from(choices), label="action"))

    @rule(complaint_id=filed, action=st.sampled_from(list(COMPLAINT_MODEL)))
    def act(self, complaint_id: int, action: str) -> None:
        expected = self.model[complaint_id]
        if self.allowed(expected, action):
            with self.save() as ctx:
                self._do(action)(ctx, complaint_id)
            if action in ("升级", "回访不满意"):
                expected.level = min(expected.level + 1, TOP)  # unhappy at the top: no error
            self.move(expected, COMPLAINT_MODEL[action][1])
        elif action.startswith("回访"):
            callback_id = self.latest_callback(Callback.complaint_id, complaint_id)
            if callback_id is not None:
                result = HAPPY if action == "回访满意" else UNHAPPY
                self.refused(lambda ctx, cid: callbacks.record(ctx, cid, result), callback_id, None)
        else:
            at_top = action == "升级" and expected.state in COMPLAINT_MODEL["升级"][0]
            self.refused(self._do(action), complaint_id, None if at_top else expected.state)

    @invariant()
    def database_matches_the_model(self) -> None:
        with reading(self.engine) as ctx:
            for complaint_id, expected in self.model.items():
                complaint = ctx.session.get(Complaint, complaint_id)
                assert complaint.state == expected.state
                assert complaint.level == ESCALATION_ORDER[expected.level]
                changes = [
                    (e.old, e.new)
                    for e in audit.history(ctx, "complaint", complaint_id)
                    if e.field == "state"
                ]
                assert changes == [(str(a), str(b)) for a, b in expected.state_changes]
                allowed = {
                    COMPLAINT_BUTTON.get(a, a)
                    for a, (sources, _) in COMPLAINT_MODEL.items()
                    if expected.state in sources
                }
                assert set(allowed_actions(COMPLAINT_FLOW, complaint.state)) == allowed
                due = complaints.pending_callbacks(ctx, complaint_id)
                assert len(due) == (1 if complaint.state == C.ANSWERED else 0)
                if complaint.state == C.VOID:
                    assert complaint.void_reason == "重复登记"


def test_work_orders_follow_the_model(empty_db_template) -> None:
    class Run(WorkOrderMachine):
        template = empty_db_template

    run_state_machine_as_test(Run, settings=MACHINE_SETTINGS)


def test_complaints_follow_the_model(empty_db_template) -> None:
    class Run(ComplaintMachine):
        template = empty_db_template

    run_state_machine_as_test(Run, settings=MACHINE_SETTINGS)
