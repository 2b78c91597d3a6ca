"""回访: queued when a work order is completed or a complaint answered, made in office
hours mostly before it is due; an unhappy one reopens the work (the caller decides how)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from desk.demo.chance import daytime, minutes
from desk.demo.life import NEVER
from desk.demo.writer import DEFAULTS
from desk.models.enums import CallbackSource, CallbackState, CallbackWay, Satisfaction
from desk.services.core.sla import callback_due

if TYPE_CHECKING:
    from desk.demo.world import World

SATISFACTION_WO = [
    (Satisfaction.VERY, 35),
    (Satisfaction.SATISFIED, 50),
    (Satisfaction.FAIR, 11),
    (Satisfaction.UNSATISFIED, 4),
]
SATISFACTION_COMPLAINT = [
    (Satisfaction.VERY, 20),
    (Satisfaction.SATISFIED, 50),
    (Satisfaction.FAIR, 22),
    (Satisfaction.UNSATISFIED, 8),
]
HAPPY_COMMENTS = [
    "",
    "",
    "师傅很专业",
    "响应及时，满意",
    "维修后现场清理干净",
    "希望以后上门前先电话联系",
    "谢谢物业",
]
# as services.callback_queue counts the limit
_DUE_KEY = {
    CallbackSource.WORK_ORDER: "sla.callback.workorder",
    CallbackSource.COMPLAINT: "sla.callback.complaint",
}


def new(w: World, source: CallbackSource, rec: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The callback queued for ``rec`` at ``at`` (``_by``: who was on duty to queue it)."""
    is_order = source == CallbackSource.WORK_ORDER
    return {
        **DEFAULTS["callback"],
        "source": source,
        "work_order_id": rec["id"] if is_order else None,
        "complaint_id": None if is_order else rec["id"],
        "unit_id": rec["unit_id"],
        "state": CallbackState.DUE,
        "created_at": at,
        "updated_at": at,
        "due_at": callback_due(at, _DUE_KEY[source], w.conf, w.cal),
        "_by": w.on_duty(at),
    }


def done_time(rng: random.Random, cb: dict[str, Any], start: datetime) -> datetime:
    """When the callback is made: mostly in office hours before it is due, a few late."""
    if rng.random() < 0.06:
        return daytime(rng, cb["due_at"] + minutes(rng, 60, 2 * 24 * 60))  # late
    t = daytime(rng, start + minutes(rng, 120, 40 * 60))
    if t > cb["due_at"]:
        t = max(start + timedelta(minutes=30), cb["due_at"] - minutes(rng, 5, 120))
    return t


def record(
    w: World,
    rng: random.Random,
    cb: dict[str, Any],
    at: datetime,
    sat: Satisfaction,
    outcome: str,
    comment: str,
    limit: datetime,
) -> bool:
    """Record the callback as made at ``at`` (as ``callbacks.record``) unless that is after
    ``limit``."""
    if at > limit:
        return False
    cb.update(
        state=CallbackState.DONE,
        done_at=at,
        updated_at=at,
        staff_id=w.on_duty(at),
        way=CallbackWay.VISIT if rng.random() < 0.1 else CallbackWay.PHONE,
        satisfaction=sat,
        outcome=outcome,
        comment=comment,
    )
    return True


def void_pending(callbacks: list[dict[str, Any]], at: datetime, reason: str) -> None:
    """The callbacks still due are voided with their record (``records.void``)."""
    for cb in callbacks:
        if cb["state"] == CallbackState.DUE:
            cb.update(state=CallbackState.VOID, voided_at=at, void_reason=reason, updated_at=at)


def write(w: World, cb: dict[str, Any], source: dict[str, Any]) -> None:
    """The callback's row, its creation in the audit log, and its span on the handovers."""
    cb["id"] = w.rows.new_id("callback")
    w.rows.emit("callback", cb)
    serial = source["serial"]
    w.rows.audit("callback", cb["id"], cb["created_at"], cb["_by"], f"回访 {serial}")
    end = cb["done_at"] or cb["voided_at"] or NEVER
    room = source["room_text"] or source.get("location") or ""
    w.handovers.carry("callback", cb["created_at"], end, (
        cb["id"], cb["source"], source["id"], serial, source["description"], room, cb["due_at"],
    ))  # fmt: skip
