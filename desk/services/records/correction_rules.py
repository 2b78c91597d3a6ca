"""修改: who may correct the facts of a saved record, and how a correction is written.

Each desk kind's ``correct`` (visits, calls, workorders, complaints, loans) checks here
first and writes through ``write``; ``services.records.corrections`` is the door the
screens use. Kept apart from that door so the kinds' modules can import it.

A 前台 corrects a record while the desk is still dealing with it; once it is done with —
a repair 已完成 or 已回访, a complaint 已答复 or 已回访, a loan 已归还, a visit passed to a
department and 已办结, a call whose message was 已转告 — only a 主管 or 经理 may. A visit
settled on the spot is 已办结 from the start, so it stays correctable like an open one; a
call has no completion but its message. Nobody corrects a voided record.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from desk.models import kinds
from desk.models.enums import (
    AuditAction,
    LoanState,
    MessageState,
    VisitOutcome,
    VisitState,
)
from desk.models.errors import PermissionDenied, ValidationError
from desk.models.states import OPEN_COMPLAINT_STATES, OPEN_WORK_ORDER_STATES
from desk.models.validation import clean_text
from desk.services.core import audit, permissions
from desk.services.core.context import Ctx

VOID = "作废"  # every desk kind's voided state (VisitState, RecordState, … .VOID)
# what a correction never touches: the serial the resident was told, who took it and when,
# where it came from, and its state (the actions move that)
FIXED = frozenset(
    {"id", "serial", "created_at", "staff_id", "shift_id", "visit_id", "call_id", "state"}
)
NO_CHANGE = "correction"  # the ValidationError field of a correction that changes nothing


def is_lead(session: Session, staff_id: int | None) -> bool:
    """Whether ``staff_id`` may correct a record the desk is done with (the role table;
    nobody on duty counts as a 前台)."""
    return permissions.may(session, staff_id, "correct_closed")


def done_with(kind: str, record: Any) -> str | None:
    """How the desk is done with the record (said after “这条报修”), or None while open:
    the one notion of “open” that correcting and voiding (``void_rules``) share."""
    if kind == "visit":
        passed = record.outcome == VisitOutcome.PASSED
        return str(record.state) if passed and record.state == VisitState.CLOSED else None
    if kind == "call":
        delivered = record.message_state == MessageState.DELIVERED
        return f"的留言{MessageState.DELIVERED}" if delivered else None
    if kind == "workorder":
        return None if record.state in OPEN_WORK_ORDER_STATES else str(record.state)
    if kind == "complaint":
        return None if record.state in OPEN_COMPLAINT_STATES else str(record.state)
    if kind == "loan":
        return None if record.state == LoanState.OUT else str(record.state)
    raise ValueError(f"{kind!r} records are not corrected")


def refusal_for(kind: str, record: Any, *, lead: bool) -> str | None:
    """Why ``record`` may not be corrected — by a 主管/经理 when ``lead`` — or None."""
    title = kinds.kind(kind).title
    if record.state == VOID:
        return f"这条{title}已作废，不能再修改。"
    done = done_with(kind, record)
    if done is not None and not lead:
        return f"这条{title}{done}，前台不能再修改；需要修改请主管或经理值班时操作。"
    return None


def refusal(ctx: Ctx, kind: str, record: Any) -> str | None:
    """Why the person on duty may not correct ``record``, or None when they may."""
    return refusal_for(kind, record, lead=is_lead(ctx.session, ctx.staff_id))


def check(ctx: Ctx, kind: str, record: Any) -> None:
    """PermissionDenied with the reason when the person on duty may not correct it."""
    refused = refusal(ctx, kind, record)
    if refused is not None:
        raise PermissionDenied(refused)


def kept(before: Any | None, name: str, value: Any) -> bool:
    """A correction leaves the stored ``name`` as it is: rules that judge a new value
    against today (not in the past, still in the settings' list, still lent out) were met
    when it was saved and are not applied again."""
    return before is not None and getattr(before, name) == value


def write(ctx: Ctx, record: Any, values: dict[str, Any], reason: str) -> list[str]:
    """Write the fields that differ, one 更正 row each with old → new and the reason.

    ValidationError when nothing differs (nothing is written) or the reason is missing.
    """
    changed = {name: value for name, value in values.items() if getattr(record, name) != value}
    if changed.keys() & FIXED:
        raise ValueError(f"a correction never changes {sorted(changed.keys() & FIXED)}")
    if not changed:
        raise ValidationError(NO_CHANGE, "修改", "没有改动，和保存的内容一样，不需要保存")
    label = kinds.CORRECT_REASON.label
    reason = clean_text(
        reason, field=kinds.CORRECT_REASON.name, label=label, max_len=200, required=True
    )
    return audit.change(ctx, record, changed, action=AuditAction.CORRECT, reason=reason)
