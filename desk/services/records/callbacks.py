"""回访: record the call back to the resident; 不满意 reopens the work in the same save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlmodel import select

from desk.models import Callback, Complaint, WorkOrder, kinds
from desk.models.enums import CallbackState, CallbackWay, Satisfaction
from desk.models.errors import TransitionError
from desk.models.validation import clean_text
from desk.services.core import audit, sla
from desk.services.core.context import Ctx
from desk.services.records import common, complaints, workorders
from desk.services.records.workorders import choice

label_of = kinds.CALLBACK.label  # a field's one label (desk.models.kinds)


@dataclass
class CallbackResult:
    satisfaction: Satisfaction | str
    way: CallbackWay | str = CallbackWay.PHONE
    outcome: str = ""  # e.g. 已修好 / 仍漏水
    comment: str = ""  # the resident's words


def record(ctx: Ctx, callback_id: int, result: CallbackResult) -> Callback:
    callback = common.get(ctx, Callback, callback_id)
    if callback.state != CallbackState.DUE:
        raise TransitionError(f"这条回访的状态是“{callback.state}”，不能再登记。")
    satisfaction = choice(
        result.satisfaction, Satisfaction, "satisfaction", label_of("satisfaction")
    )
    way = choice(result.way, CallbackWay, "way", label_of("way"))
    outcome = clean_text(result.outcome, field="outcome", label=label_of("outcome"), max_len=500)
    comment = clean_text(result.comment, field="comment", label=label_of("comment"), max_len=1000)
    audit.change(
        ctx,
        callback,
        {
            "state": CallbackState.DONE,
            "done_at": ctx.now,
            "staff_id": ctx.staff_id,
            "way": way,
            "satisfaction": satisfaction,
            "outcome": outcome,
            "comment": comment,
        },
    )
    unhappy = satisfaction == Satisfaction.UNSATISFIED
    reason = f"回访不满意：{comment or outcome or '业主不满意'}"[:200]
    if callback.work_order_id is not None:
        order = common.get(ctx, WorkOrder, callback.work_order_id)
        if unhappy:
            workorders.rework(ctx, order.id, reason)  # type: ignore[arg-type]
        else:
            workorders.mark_called_back(ctx, order)
    elif callback.complaint_id is not None:
        complaint = common.get(ctx, Complaint, callback.complaint_id)
        if unhappy:
            complaints.escalate(ctx, complaint.id, reason, reopen_at_top=True)  # type: ignore[arg-type]
        else:
            complaints.mark_called_back(ctx, complaint)
    return callback


def record_for(ctx: Ctx, kind: str, record_id: int, result: CallbackResult) -> Callback:
    """回访 from a work order's or complaint's detail: records its pending callback."""
    link = {"workorder": Callback.work_order_id, "complaint": Callback.complaint_id}[kind]
    stmt = select(Callback).where(link == record_id, Callback.state == CallbackState.DUE)
    pending = ctx.session.exec(stmt.order_by(Callback.id)).first()  # type: ignore[arg-type]
    if pending is None:
        raise TransitionError("这条记录没有待回访的事项。")
    return record(ctx, pending.id, result)  # type: ignore[arg-type]


def due(ctx: Ctx) -> list[Callback]:
    """The queue: callbacks not yet made, soonest due first."""
    stmt = select(Callback).where(Callback.state == CallbackState.DUE).order_by(Callback.due_at)  # type: ignore[arg-type]
    return list(ctx.session.exec(stmt).all())


class ClockFacts(Protocol):
    state: str
    created_at: datetime
    due_at: datetime


def deadline(callback: ClockFacts) -> datetime | None:
    """``due_at`` while the callback is still to make; None once made or voided."""
    return callback.due_at if callback.state == CallbackState.DUE else None


def clock(callback: ClockFacts) -> sla.Clock | None:
    """A callback's time runs from when it was queued (the repair's completion, the
    complaint's answer) to ``due_at``: near, as for every deadline, once less than
    ``sla.near_fraction`` of that is left (48 h and 0.2: the last 9.6 hours)."""
    due = deadline(callback)
    return None if due is None else sla.Clock(callback.created_at, due)


def is_overdue(callback: ClockFacts, now: datetime) -> bool:
    due = deadline(callback)
    return due is not None and now > due


def count_overdue(ctx: Ctx) -> int:
    return sum(is_overdue(cb, ctx.now) for cb in due(ctx))
