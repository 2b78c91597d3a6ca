"""报修派工: intake, dispatch, on site, waiting for parts, completion, rework, void.

Every action validates, moves the state through WORK_ORDER_FLOW, and writes the
audit log in the caller's transaction. Completion creates the callback.

The SLA clock (``clock``) is the one rule for near and overdue: every action stores it
on the order (``overdue_at``, ``clock_from``), and the lists filter and colour by what is
stored, so SQL and Python never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Protocol

from sqlmodel import Session, col, func, select

from desk.models import Callback, WorkOrder, WorkOrderMaterial, kinds
from desk.models.enums import (
    AuditAction,
    CallbackSource,
    CallbackState,
    Channel,
    Urgency,
)
from desk.models.enums import WorkOrderState as W
from desk.models.errors import ValidationError
from desk.models.states import OPEN_WORK_ORDER_STATES, WORK_ORDER_FLOW, next_state
from desk.models.validation import check_not_future, clean_text, parse_money
from desk.services.core import audit, settings, sla
from desk.services.core.calendar import WorkCalendar
from desk.services.core.context import Ctx
from desk.services.core.numbering import SerialKind
from desk.services.records import (
    callback_due,
    common,
    correction_rules,
    signed_copies,
    void_rules,
)

label_of = kinds.WORKORDER.label  # a field's one label (desk.models.kinds)


@dataclass
class WorkOrderDraft:
    description: str
    category: str
    urgency: Urgency | str = Urgency.ORDINARY
    channel: Channel | str = Channel.CALL
    room: str = ""
    location: str = ""  # a public area or place, when there is no room
    reporter: str = ""
    phone: str = ""
    resident_id: int | None = None
    is_paid: bool = False
    appointment_at: datetime | None = None
    reported_at: datetime | None = None  # when the resident reported it, if earlier than now
    visit_id: int | None = None
    call_id: int | None = None
    room_confirmed: bool = False  # 是否仍然保存为未登记房号？ answered 是


@dataclass
class MaterialLine:
    name: str
    quantity: Decimal | str | int
    unit_price: Decimal | str | int


@dataclass
class Completion:
    work_done: str
    cause: str = ""
    labour_fee: Decimal | str | None = None
    materials: list[MaterialLine] = field(default_factory=list)


def choice(value: object, enum: type, fieldname: str, label: str):
    try:
        return enum(value)
    except ValueError:
        options = "、".join(m.value for m in enum)
        raise ValidationError(fieldname, label, f"请从以下选项中选择：{options}") from None


def checked(
    ctx: Ctx,
    draft: WorkOrderDraft,
    before: WorkOrder | None = None,
    conf: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns ``draft`` fills, validated: the one set of rules for a new order and for
    a correction of ``before`` (the stored order). ``created_at`` is the intake — for a
    correction the stored one: its time is not corrected. What was stored is kept without
    being judged again by today's rules (an appointment now past, a category since taken
    off the list, an unregistered room). Deadlines are left to the caller; ``conf``: the
    settings, when the caller has read them already."""
    conf = conf if conf is not None else settings.all_values(ctx.session)
    urgency = choice(draft.urgency, Urgency, "urgency", label_of("urgency"))
    channel = choice(draft.channel, Channel, "channel", label_of("channel"))
    categories = conf["lists.workorder.categories"]
    if draft.category not in categories and not correction_rules.kept(
        before, "category", draft.category
    ):
        raise ValidationError(
            "category", label_of("category"), f"请从以下类别中选择：{'、'.join(categories)}"
        )
    description = clean_text(
        draft.description,
        field="description",
        label=label_of("description"),
        max_len=2000,
        required=True,
    )
    location = clean_text(draft.location, field="location", label=label_of("location"), max_len=60)
    party = common.party_fields(
        ctx,
        room=draft.room,
        name=draft.reporter,
        phone=draft.phone,
        resident_id=draft.resident_id,
        label_of=label_of,
        room_confirmed=draft.room_confirmed,
        stored_room=before.room_text if before is not None else "",
        place=location,
    )
    if not party["room_text"] and not location:
        room, place = label_of("room_text"), label_of("location")
        raise ValidationError("room", room, f"请填写{room}，或在“{place}”写明公共区域")
    intake = ctx.now if before is None else before.created_at
    if draft.reported_at is not None and draft.reported_at != intake:
        if before is not None:
            raise ValidationError("reported_at", label_of("created_at"), "保存后不能再改")
        intake = check_not_future(
            draft.reported_at, now=ctx.now, field="reported_at", label=label_of("created_at")
        )
    appointment = draft.appointment_at
    if (
        appointment is not None
        and appointment < ctx.now - timedelta(minutes=5)
        and not correction_rules.kept(before, "appointment_at", appointment)
    ):
        raise ValidationError("appointment_at", label_of("appointment_at"), "不能早于现在")
    return {
        "created_at": intake,
        "description": description,
        "category": draft.category,
        "urgency": urgency,
        "channel": channel,
        "location": location,
        "is_paid": bool(draft.is_paid),
        "appointment_at": appointment,
        **party,
    }


def create(ctx: Ctx, draft: WorkOrderDraft) -> WorkOrder:
    conf = settings.all_values(ctx.session)
    values = checked(ctx, draft, conf=conf)
    # an agreed visit: the limits run from the appointment, not from the phone call
    start = limits_start(SimpleNamespace(**values))
    response_due, completion_due = sla.workorder_deadlines(
        start, values["urgency"], conf, WorkCalendar.load(ctx.session)
    )
    running = clock(
        SimpleNamespace(
            state=W.NEW,
            created_at=values["created_at"],
            appointment_at=values["appointment_at"],
            arrived_at=None,
            response_due=response_due,
            completion_due=completion_due,
            completion_from=start,
            paused_seconds=0,
        )
    )
    assert running is not None  # a new order's clock always runs
    return common.create(
        ctx,
        WorkOrder,
        SerialKind.WORK_ORDER,
        **values,
        response_due=response_due,
        completion_due=completion_due,
        completion_from=start,
        clock_from=running.start,
        overdue_at=running.due,
        visit_id=draft.visit_id,
        call_id=draft.call_id,
    )


def correct(ctx: Ctx, order_id: int, draft: WorkOrderDraft, reason: str) -> WorkOrder:
    """修改 a saved order's facts (services.records.corrections): validated as at intake;
    serial, intake time, receptionist, links and state stay. A new urgency or appointment
    moves the deadlines as intake would have set them (after 返工 the completion limit
    still runs from the reopening), and the stored clock follows (lists filter by it)."""
    order = common.get(ctx, WorkOrder, order_id)
    correction_rules.check(ctx, "workorder", order)
    conf = settings.all_values(ctx.session)
    values = checked(ctx, draft, order, conf)
    if values["is_paid"] != order.is_paid and order.total_fee is not None:
        raise ValidationError("is_paid", label_of("is_paid"), "已经记了费用，不能再改")
    completion_from = order.completion_from
    if values["urgency"] != order.urgency or values["appointment_at"] != order.appointment_at:
        calendar = WorkCalendar.load(ctx.session)
        start = limits_start(SimpleNamespace(**values))
        response_due, completion_due = sla.workorder_deadlines(
            start, values["urgency"], conf, calendar
        )
        if order.rework_count == 0 or completion_from is None:
            completion_from = start
        else:  # reopened: its completion limit began at the 返工
            _, completion_due = sla.workorder_deadlines(
                completion_from, values["urgency"], conf, calendar
            )
        values |= {"response_due": response_due, "completion_due": completion_due}
    correction_rules.write(ctx, order, values, reason)
    order.completion_from = completion_from  # the clock's bookkeeping, as in rework
    _stamp(order)
    return order


def _move(
    ctx: Ctx, order: WorkOrder, action: str, *, reason: str = "", **values: object
) -> WorkOrder:
    target = next_state(WORK_ORDER_FLOW, order.state, action)
    audit.change(
        ctx, order, {**values, "state": target}, action=AuditAction.TRANSITION, reason=reason
    )
    _stamp(order)
    signed_copies.recheck(ctx, order)  # 完成 makes a printed 派工单 due back, 返工 not
    return order


def dispatch(ctx: Ctx, order_id: int, assignee: str) -> WorkOrder:
    order = common.get(ctx, WorkOrder, order_id)
    assignee = clean_text(
        assignee,
        field="assignee",
        label=label_of("assignee"),
        max_len=60,
        required=True,
    )
    return _move(
        ctx, order, "派工", assignee=assignee, dispatched_at=ctx.now, dispatcher_id=ctx.staff_id
    )


def start(ctx: Ctx, order_id: int) -> WorkOrder:
    """Someone is on site: the response time is met now (first arrival only)."""
    order = common.get(ctx, WorkOrder, order_id)
    return _move(ctx, order, "开始处理", arrived_at=order.arrived_at or ctx.now)


def wait_for_parts(
    ctx: Ctx, order_id: int, expected: date | None = None, note: str = ""
) -> WorkOrder:
    """待料: the completion clock stops until the parts arrive."""
    order = common.get(ctx, WorkOrder, order_id)
    if expected is not None and expected < ctx.now.date():
        raise ValidationError("parts_expected", "预计到料日期", "不能早于今天")
    note = clean_text(note, field="cause", label="待料说明", max_len=1000)
    values: dict[str, object] = {"paused_since": ctx.now, "parts_expected": expected}
    if note:
        values["cause"] = note
    return _move(ctx, order, "待料", **values)


def resume(ctx: Ctx, order_id: int) -> WorkOrder:
    order = common.get(ctx, WorkOrder, order_id)
    paused = sla.paused_for(order.paused_seconds, order.paused_since, ctx.now)
    return _move(
        ctx, order, "到料继续", paused_since=None, paused_seconds=int(paused.total_seconds())
    )


def complete(ctx: Ctx, order_id: int, done: Completion) -> WorkOrder:
    """已完成: record the work (and fees for paid services) and queue the callback."""
    order = common.get(ctx, WorkOrder, order_id)
    next_state(WORK_ORDER_FLOW, order.state, "完成")  # fail before validating the rest
    values: dict[str, object] = {
        "work_done": clean_text(
            done.work_done,
            field="work_done",
            label=label_of("work_done"),
            max_len=2000,
            required=True,
        ),
        "cause": clean_text(done.cause, field="cause", label=label_of("cause"), max_len=1000)
        or order.cause,
        "completed_at": ctx.now,
    }
    if order.is_paid:
        labour = parse_money(
            done.labour_fee, field="labour_fee", label=label_of("labour_fee")
        ) or Decimal(0)
        # after 返工 the earlier visit's lines and labour stay and the new ones add up
        labour += order.labour_fee or Decimal(0)
        total_materials = sum((m.amount for m in materials(ctx, order.id)), start=Decimal(0))
        for i, line in enumerate(done.materials, start=1):
            name = clean_text(
                line.name, field="materials", label=f"第{i}行材料名称", max_len=60, required=True
            )
            qty = parse_money(line.quantity, field="materials", label=f"第{i}行数量")
            price = parse_money(line.unit_price, field="materials", label=f"第{i}行单价")
            if not qty:
                raise ValidationError("materials", f"第{i}行数量", "必须大于0")
            amount = (qty * (price or Decimal(0))).quantize(Decimal("0.01"))
            total_materials += amount
            ctx.session.add(
                WorkOrderMaterial(
                    work_order_id=order.id,
                    name=name,
                    quantity=qty,
                    unit_price=price or Decimal(0),
                    amount=amount,
                )
            )
        values |= {
            "labour_fee": labour,
            "materials_fee": total_materials,
            "total_fee": labour + total_materials,
        }
    elif done.materials or done.labour_fee:
        raise ValidationError("labour_fee", "费用", "这张单不是有偿服务，不能填写费用")
    _move(ctx, order, "完成", **values)
    callback_due.queue(ctx, CallbackSource.WORK_ORDER, order.id, order.unit_id, order.serial)
    return order


def rework(ctx: Ctx, order_id: int, reason: str) -> WorkOrder:
    """返工: the fix did not hold. Pending callbacks are voided; a new one follows completion."""
    order = common.get(ctx, WorkOrder, order_id)
    reason = clean_text(reason, field="reason", label="返工原因", max_len=200, required=True)
    next_state(WORK_ORDER_FLOW, order.state, "返工")
    for cb in pending_callbacks(ctx, order.id):
        common.void(ctx, cb, f"返工：{reason}", CallbackState.VOID)
    # The reopened order gets a fresh completion deadline from now (the old one stays in the
    # audit log); the first arrival is kept: it is the order's response time.
    _, completion_due = sla.workorder_deadlines(
        ctx.now, order.urgency, settings.all_values(ctx.session), WorkCalendar.load(ctx.session)
    )
    order.completion_from = ctx.now  # the clock's bookkeeping (_stamp): when this limit began
    return _move(
        ctx,
        order,
        "返工",
        reason=reason,
        rework_count=order.rework_count + 1,
        completed_at=None,
        completion_due=completion_due,
        paused_seconds=0,
        paused_since=None,
    )


def mark_called_back(ctx: Ctx, order: WorkOrder) -> WorkOrder:
    return _move(ctx, order, "回访")


def void(ctx: Ctx, order_id: int, reason: str) -> WorkOrder:
    order = common.get(ctx, WorkOrder, order_id)
    next_state(WORK_ORDER_FLOW, order.state, "作废")
    void_rules.check(ctx, "workorder", order)
    for cb in pending_callbacks(ctx, order.id):
        common.void(ctx, cb, "派工单作废", CallbackState.VOID)
    if order.paused_since is not None:
        paused = sla.paused_for(order.paused_seconds, order.paused_since, ctx.now)
        audit.change(
            ctx, order, {"paused_since": None, "paused_seconds": int(paused.total_seconds())}
        )
    common.void(ctx, order, reason, W.VOID)
    _stamp(order)
    return order


def materials(ctx: Ctx, order_id: int | None) -> list[WorkOrderMaterial]:
    stmt = select(WorkOrderMaterial).where(WorkOrderMaterial.work_order_id == order_id)
    return list(ctx.session.exec(stmt.order_by(WorkOrderMaterial.id)).all())


def pending_callbacks(ctx: Ctx, order_id: int | None) -> list[Callback]:
    stmt = select(Callback).where(
        Callback.work_order_id == order_id, Callback.state == CallbackState.DUE
    )
    return list(ctx.session.exec(stmt).all())


# --- deadlines as the desk sees them -------------------------------------------------

_RUNNING = OPEN_WORK_ORDER_STATES - {W.WAITING_PARTS}  # 待料 stops the clock


class ClockFacts(Protocol):
    """What the clock of an order is worked out from (a WorkOrder, or a row's values)."""

    state: str
    created_at: datetime
    appointment_at: datetime | None
    arrived_at: datetime | None
    response_due: datetime
    completion_due: datetime
    completion_from: datetime | None
    paused_seconds: int


def limits_start(order: ClockFacts) -> datetime:
    """When an order's limits began to run: its intake, or the agreed visit's time."""
    if order.appointment_at is None:
        return order.created_at
    return max(order.created_at, order.appointment_at)


def deadline(order: ClockFacts) -> datetime | None:
    """The deadline running now: the response until someone is on site and the completion
    (later by the time spent 待料) until the order is done, whichever comes first. None
    while the order is closed or 待料: its clock stands still."""
    if order.state not in _RUNNING:
        return None
    completion = order.completion_due + timedelta(seconds=order.paused_seconds or 0)
    if order.arrived_at is None:
        return min(order.response_due, completion)
    return completion


def clock(order: ClockFacts) -> sla.Clock | None:
    """The deadline running now (``deadline``) and when its time began: the limits'
    start for the response; for the completion when its limit began (``completion_from``:
    the intake or appointment, or the last 返工) plus the pauses since."""
    due = deadline(order)
    if due is None:
        return None
    if order.arrived_at is None and due == order.response_due:
        return sla.Clock(limits_start(order), due)
    began = order.completion_from or limits_start(order)
    return sla.Clock(began + timedelta(seconds=order.paused_seconds or 0), due)


def _stamp(order: WorkOrder) -> None:
    """Store the order's clock after a change. Derived from audited fields, so it is
    bookkeeping, not logged itself (the history would repeat every deadline)."""
    running = clock(order)
    order.clock_from = running.start if running is not None else None
    order.overdue_at = running.due if running is not None else None


def restamp(session: Session) -> int:
    """Store the clock of every open order, and clear it where a closed one kept one: for
    rows written without the services (a bulk insert). An open order without
    ``completion_from`` counts its completion from its limits' start (a closed one gets it
    when 返工 reopens it). Returns how many orders changed."""
    stmt = select(WorkOrder).where(
        col(WorkOrder.state).in_(OPEN_WORK_ORDER_STATES) | col(WorkOrder.overdue_at).is_not(None)
    )
    changed = 0
    for order in session.exec(stmt):
        before = (order.completion_from, order.clock_from, order.overdue_at)
        if order.completion_from is None:
            order.completion_from = limits_start(order)
        _stamp(order)
        changed += before != (order.completion_from, order.clock_from, order.overdue_at)
    session.flush()
    return changed


def due_times(order: WorkOrder, now: datetime) -> tuple[datetime, datetime]:
    """(response_due, completion_due) with time spent 待料 added to completion (for
    showing; a pause still running moves it with the clock)."""
    completion = sla.effective_due(
        order.completion_due, order.paused_seconds, order.paused_since, now
    )
    return order.response_due, completion


def is_overdue(order: ClockFacts, now: datetime) -> bool:
    """Past the deadline running now (``deadline``)."""
    due = deadline(order)
    return due is not None and now > due


def open_orders(ctx: Ctx) -> list[WorkOrder]:
    stmt = select(WorkOrder).where(WorkOrder.state.in_(OPEN_WORK_ORDER_STATES))  # type: ignore[attr-defined]
    return list(ctx.session.exec(stmt).all())


def count_overdue(ctx: Ctx) -> int:
    """Orders past their running deadline, by the stored clock: the count the 已超时 list
    shows (services.lists filters by the same column)."""
    stmt = select(func.count()).where(col(WorkOrder.overdue_at) < ctx.now)
    return int(ctx.session.exec(stmt).one())
