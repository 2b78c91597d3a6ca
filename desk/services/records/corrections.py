"""修改: correct the facts of a saved record (来访, 来电, 报修, 投诉, 借用) — the screens' door.

The form is filled from the stored record (``draft_of``), edited and saved back through
``correct``: the kind's own ``correct`` validates it with the rules of a new record,
writes only the fields that differ — one 更正 audit row each, old → new with the reason —
and keeps the serial the resident was told, the time, who took it, its links and its
state. A changed urgency, severity or deadline moves the stored deadlines as the actions
do. Who may correct what is ``correction_rules``' (a 前台 while the desk is dealing with
it, a 主管 or 经理 later too, nobody once voided); a refusal is ``PermissionDenied``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desk.models import MODELS
from desk.models.errors import PermissionDenied
from desk.services.core.context import Ctx
from desk.services.records import (
    calls,
    common,
    complaints,
    correction_rules,
    loans,
    visits,
    workorders,
)
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.loans import LoanDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import WorkOrderDraft

Draft = VisitDraft | CallDraft | WorkOrderDraft | ComplaintDraft | LoanDraft

_CORRECT: dict[str, Callable[[Ctx, int, Any, str], Any]] = {
    "visit": visits.correct,
    "call": calls.correct,
    "workorder": workorders.correct,
    "complaint": complaints.correct,
    "loan": loans.correct,
}
KINDS = tuple(_CORRECT)  # the kinds that can be corrected


def refusal(ctx: Ctx, kind: str, record: Any) -> str | None:
    """Why the person on duty may not correct ``record`` (a sentence to show), or None."""
    return correction_rules.refusal(ctx, kind, record)


def correctable(ctx: Ctx, kind: str, record: Any) -> bool:
    """The person on duty may correct ``record`` (the detail offers 修改)."""
    return refusal(ctx, kind, record) is None


def _draft(kind: str, r: Any) -> Draft:
    if kind == "visit":
        return VisitDraft(
            visitor=r.person_name,
            reason=r.reason,
            room=r.room_text,
            phone=r.phone,
            resident_id=r.resident_id,
            is_resident=r.is_resident,
            id_tail=r.id_tail,
            visiting=r.visiting,
            outcome=r.outcome,
            dept_head=r.dept_head,
            result=r.result,
        )
    if kind == "call":
        return CallDraft(
            call_type=r.call_type,
            content=r.content,
            caller_name=r.person_name,
            phone=r.phone,
            room=r.room_text,
            reply=r.reply,
            message_for_id=r.message_for_id,
            resident_id=r.resident_id,
        )
    if kind == "workorder":
        return WorkOrderDraft(
            description=r.description,
            category=r.category,
            urgency=r.urgency,
            channel=r.channel,
            room=r.room_text,
            location=r.location,
            reporter=r.person_name,
            phone=r.phone,
            resident_id=r.resident_id,
            is_paid=r.is_paid,
            appointment_at=r.appointment_at,
            visit_id=r.visit_id,
            call_id=r.call_id,
        )
    if kind == "complaint":
        return ComplaintDraft(
            description=r.description,
            category=r.category,
            severity=r.severity,
            channel=r.channel,
            complainant=r.person_name,
            room=r.room_text,
            phone=r.phone,
            resident_id=r.resident_id,
            subtype=r.subtype,
            occurred_at=r.occurred_at,
            occurred_place=r.occurred_place,
            target=r.target,
            demand=r.demand,
            demand_deadline=r.demand_deadline,
            witnesses=r.witnesses,
            department=r.department,
            visit_id=r.visit_id,
            call_id=r.call_id,
        )
    if kind == "loan":
        return LoanDraft(
            item_id=r.item_id,
            borrower=r.person_name,
            expected_return_at=r.expected_return_at,
            quantity=r.quantity,
            room=r.room_text,
            phone=r.phone,
            resident_id=r.resident_id,
            deposit=r.deposit,
            remarks=r.remarks,
        )
    raise ValueError(f"{kind!r} records are not corrected; kinds: {', '.join(KINDS)}")


def draft_of(ctx: Ctx, kind: str, record_id: int) -> Draft:
    """The stored record as the draft its form is filled with for 修改; saved back
    unchanged it changes nothing. PermissionDenied when nobody may correct it (voided).

    Whether the person on duty may is checked when the correction is saved — a write
    knows who is on duty, a read (this, in the window) does not — and by the detail's
    actions (``details.record_detail(..., staff_id=…)``)."""
    if kind not in _CORRECT:
        raise ValueError(f"{kind!r} records are not corrected; kinds: {', '.join(KINDS)}")
    record = common.get(ctx, MODELS[kind], record_id)
    refused = correction_rules.refusal_for(kind, record, lead=True)
    if refused is not None:
        raise PermissionDenied(refused)
    return _draft(kind, record)


def correct(ctx: Ctx, kind: str, record_id: int, draft: Draft, reason: str) -> Any:
    """Save the corrected ``draft`` over ``kind``'s record ``record_id``, with ``reason``.

    PermissionDenied when the person on duty may not; ValidationError as for a new record
    (the same field), when nothing differs (field ``correction_rules.NO_CHANGE``) or
    without a reason (field ``correct_reason``). Returns the record.
    """
    if kind not in _CORRECT:
        raise ValueError(f"{kind!r} records are not corrected; kinds: {', '.join(KINDS)}")
    return _CORRECT[kind](ctx, record_id, draft, reason)
