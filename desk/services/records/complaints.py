"""投诉处理: record, handle, escalate, answer, void; attachments kept in the database.

Severity sets who must know and by when (DOMAIN §4); escalation climbs
前台/部门 → 项目主管 → 公司领导. Answering queues the callback (every complaint
gets one).

``clock`` is the one rule for near and overdue; every action stores its deadline on the
complaint (``overdue_at``), which the lists filter by.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

from sqlmodel import Session, col, func, select

from desk.models import Callback, Complaint, ComplaintAttachment, kinds
from desk.models.enums import (
    ESCALATION_ORDER,
    AuditAction,
    CallbackSource,
    CallbackState,
    ComplaintChannel,
    EscalationLevel,
    Severity,
)
from desk.models.enums import ComplaintState as C
from desk.models.errors import TransitionError, ValidationError
from desk.models.states import COMPLAINT_FLOW, OPEN_COMPLAINT_STATES, next_state
from desk.models.validation import check_not_future, clean_text
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
from desk.services.records.workorders import choice

label_of = kinds.COMPLAINT.label  # a field's one label (desk.models.kinds)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# Who must hear of a complaint of each severity (DOMAIN §4), by ``due_at``: the desk
# records it at 前台/部门 and 升级 reports it up. Minor ones stay with the desk, and for
# them ``due_at`` is the time by which they must be resolved.
REQUIRED_LEVEL = {
    Severity.MAJOR: EscalationLevel.LEADERSHIP,
    Severity.IMPORTANT: EscalationLevel.SUPERVISOR,
    Severity.MINOR: EscalationLevel.DESK,
}


@dataclass
class ComplaintDraft:
    description: str
    category: str
    severity: Severity | str = Severity.MINOR
    channel: ComplaintChannel | str = ComplaintChannel.CALL
    complainant: str = ""
    room: str = ""
    phone: str = ""
    resident_id: int | None = None
    subtype: str = ""
    occurred_at: datetime | None = None
    occurred_place: str = ""
    target: str = ""
    demand: str = ""
    demand_deadline: datetime | None = None
    witnesses: str = ""
    department: str = ""
    visit_id: int | None = None
    call_id: int | None = None
    room_confirmed: bool = False  # 是否仍然保存为未登记房号？ answered 是


def checked(
    ctx: Ctx,
    draft: ComplaintDraft,
    before: Complaint | None = None,
    conf: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns ``draft`` fills, validated: the one set of rules for a new complaint and
    for a correction of ``before`` (the stored complaint). What was stored is kept without
    being judged again by today's rules (a deadline of the resident's now past, a category
    since taken off the list, an unregistered room). Deadlines are left to the caller;
    ``conf``: the settings, when the caller has read them already."""
    conf = conf if conf is not None else settings.all_values(ctx.session)
    severity = choice(draft.severity, Severity, "severity", label_of("severity"))
    channel = choice(draft.channel, ComplaintChannel, "channel", label_of("channel"))
    categories = conf["lists.complaint.categories"]
    if draft.category not in categories and not correction_rules.kept(
        before, "category", draft.category
    ):
        options = "、".join(categories)
        raise ValidationError("category", label_of("category"), f"请从以下类别中选择：{options}")
    party = common.party_fields(
        ctx,
        room=draft.room,
        name=draft.complainant,
        phone=draft.phone,
        resident_id=draft.resident_id,
        label_of=label_of,
        room_confirmed=draft.room_confirmed,
        stored_room=before.room_text if before is not None else "",
        name_required=True,
    )
    if draft.occurred_at is not None:
        check_not_future(
            draft.occurred_at,
            now=ctx.now,
            field="occurred_at",
            label=label_of("occurred_at"),
        )
    own = draft.demand_deadline
    if (
        own is not None
        and own < ctx.now
        and not correction_rules.kept(before, "demand_deadline", own)
    ):
        raise ValidationError("demand_deadline", label_of("demand_deadline"), "不能早于现在")
    return {
        "description": clean_text(
            draft.description,
            field="description",
            label=label_of("description"),
            max_len=5000,
            required=True,
        ),
        "category": draft.category,
        "subtype": clean_text(
            draft.subtype, field="subtype", label=label_of("subtype"), max_len=20
        ),
        "severity": severity,
        "channel": channel,
        "occurred_at": draft.occurred_at,
        "occurred_place": clean_text(
            draft.occurred_place,
            field="occurred_place",
            label=label_of("occurred_place"),
            max_len=100,
        ),
        "target": clean_text(draft.target, field="target", label=label_of("target"), max_len=100),
        "demand": clean_text(draft.demand, field="demand", label=label_of("demand"), max_len=1000),
        "demand_deadline": own,
        "witnesses": clean_text(
            draft.witnesses,
            field="witnesses",
            label=label_of("witnesses"),
            max_len=200,
        ),
        "department": clean_text(
            draft.department,
            field="department",
            label=label_of("department"),
            max_len=40,
        ),
        **party,
    }


def create(ctx: Ctx, draft: ComplaintDraft) -> Complaint:
    conf = settings.all_values(ctx.session)
    values = checked(ctx, draft, conf=conf)
    due = sla.complaint_due(
        ctx.now, values["severity"], conf, WorkCalendar.load(ctx.session), values["demand_deadline"]
    )
    facts = SimpleNamespace(
        state=C.ACCEPTED,
        severity=values["severity"],
        level=EscalationLevel.DESK,
        due_at=due,
        demand_deadline=values["demand_deadline"],
    )
    return common.create(
        ctx,
        Complaint,
        SerialKind.COMPLAINT,
        **values,
        level=EscalationLevel.DESK,
        due_at=due,
        overdue_at=deadline(facts),
        visit_id=draft.visit_id,
        call_id=draft.call_id,
    )


def correct(ctx: Ctx, complaint_id: int, draft: ComplaintDraft, reason: str) -> Complaint:
    """修改 a saved complaint's facts (services.records.corrections): validated as at
    intake; serial, intake time, receptionist, links, state and level stay. A new severity
    or deadline of the resident's gives ``due_at`` as intake would have set it, and the
    stored deadline follows (lists filter by it)."""
    complaint = common.get(ctx, Complaint, complaint_id)
    correction_rules.check(ctx, "complaint", complaint)
    conf = settings.all_values(ctx.session)
    values = checked(ctx, draft, complaint, conf)
    severity, own = values["severity"], values["demand_deadline"]
    if severity != complaint.severity or own != complaint.demand_deadline:
        calendar = WorkCalendar.load(ctx.session)
        values["due_at"] = sla.complaint_due(complaint.created_at, severity, conf, calendar, own)
    correction_rules.write(ctx, complaint, values, reason)
    _stamp(complaint)
    return complaint


def _move(ctx: Ctx, complaint: Complaint, action: str, **values: object) -> Complaint:
    target = next_state(COMPLAINT_FLOW, complaint.state, action)
    audit.change(ctx, complaint, {**values, "state": target}, action=AuditAction.TRANSITION)
    _stamp(complaint)
    signed_copies.recheck(ctx, complaint)  # 答复 makes a printed 投诉处理单 due back
    return complaint


def start(ctx: Ctx, complaint_id: int, department: str = "", measures: str = "") -> Complaint:
    complaint = common.get(ctx, Complaint, complaint_id)
    values: dict[str, object] = {}
    if department.strip():
        values["department"] = clean_text(
            department, field="department", label=label_of("department"), max_len=40
        )
    if measures.strip():
        values["measures"] = clean_text(
            measures, field="measures", label=label_of("measures"), max_len=2000
        )
    return _move(ctx, complaint, "开始处理", **values)


def escalate(ctx: Ctx, complaint_id: int, reason: str, *, reopen_at_top: bool = False) -> Complaint:
    """升级 to the next level; from 已答复/已回访 this reopens the complaint.

    At 公司领导 there is no higher level: that is an error for the 升级 button, but an
    unhappy callback (``reopen_at_top``) still reopens the complaint at that level.
    """
    complaint = common.get(ctx, Complaint, complaint_id)
    reason = clean_text(reason, field="reason", label="升级原因", max_len=200, required=True)
    next_state(COMPLAINT_FLOW, complaint.state, "升级")
    index = ESCALATION_ORDER.index(complaint.level)
    at_top = index + 1 >= len(ESCALATION_ORDER)
    if at_top and not reopen_at_top:
        raise TransitionError("这条投诉已经上报到公司领导，不能再升级。")
    for cb in pending_callbacks(ctx, complaint.id):
        common.void(ctx, cb, f"投诉升级：{reason}", CallbackState.VOID)
    complaint = _move(
        ctx,
        complaint,
        "升级",
        level=ESCALATION_ORDER[min(index + 1, len(ESCALATION_ORDER) - 1)],
        escalated_at=ctx.now,
        replied_at=None,
    )
    # the reason goes on the log with the level change
    audit.change(ctx, complaint, {"measures": _append(complaint.measures, f"升级：{reason}")})
    return complaint


def _append(text: str, line: str) -> str:
    return f"{text}\n{line}".strip()[-2000:]


def answer(
    ctx: Ctx, complaint_id: int, reply: str, result: str = "", measures: str = ""
) -> Complaint:
    """已答复: the resident has been told the outcome; the callback is queued."""
    complaint = common.get(ctx, Complaint, complaint_id)
    next_state(COMPLAINT_FLOW, complaint.state, "答复")
    values: dict[str, object] = {
        "reply": clean_text(
            reply, field="reply", label=label_of("reply"), max_len=2000, required=True
        ),
        "replied_at": ctx.now,
    }
    if result.strip():
        values["result"] = clean_text(
            result, field="result", label=label_of("result"), max_len=2000
        )
    if measures.strip():
        values["measures"] = clean_text(
            measures, field="measures", label=label_of("measures"), max_len=2000
        )
    _move(ctx, complaint, "答复", **values)
    callback_due.queue(
        ctx, CallbackSource.COMPLAINT, complaint.id, complaint.unit_id, complaint.serial
    )
    return complaint


def mark_called_back(ctx: Ctx, complaint: Complaint) -> Complaint:
    return _move(ctx, complaint, "回访")


def void(ctx: Ctx, complaint_id: int, reason: str) -> Complaint:
    complaint = common.get(ctx, Complaint, complaint_id)
    next_state(COMPLAINT_FLOW, complaint.state, "作废")
    void_rules.check(ctx, "complaint", complaint)
    for cb in pending_callbacks(ctx, complaint.id):
        common.void(ctx, cb, "投诉作废", CallbackState.VOID)
    common.void(ctx, complaint, reason, C.VOID)
    _stamp(complaint)
    return complaint


def pending_callbacks(ctx: Ctx, complaint_id: int | None) -> list[Callback]:
    stmt = select(Callback).where(
        Callback.complaint_id == complaint_id, Callback.state == CallbackState.DUE
    )
    return list(ctx.session.exec(stmt).all())


class ClockFacts(Protocol):
    """What a complaint's clock is worked out from (a Complaint, or a row's values);
    ``deadline`` needs all but ``created_at``."""

    state: str
    created_at: datetime
    severity: str
    level: str
    due_at: datetime
    demand_deadline: datetime | None


def needs_escalation(complaint: ClockFacts) -> bool:
    """Not yet reported to the level its severity requires."""
    required = REQUIRED_LEVEL[Severity(complaint.severity)]
    return ESCALATION_ORDER.index(complaint.level) < ESCALATION_ORDER.index(required)  # type: ignore[arg-type]


def deadline(complaint: ClockFacts) -> datetime | None:
    """The earliest deadline still running while the complaint is open: the resident's
    own, and ``due_at`` while it binds (轻微: resolve by; 重大/重要: until reported high
    enough). None when none runs."""
    if complaint.state not in OPEN_COMPLAINT_STATES:
        return None
    running = [complaint.demand_deadline] if complaint.demand_deadline is not None else []
    if complaint.severity == Severity.MINOR or needs_escalation(complaint):
        running.append(complaint.due_at)
    return min(running, default=None)


def clock(complaint: ClockFacts) -> sla.Clock | None:
    """The deadline running now (``deadline``); every one of them runs from the intake."""
    due = deadline(complaint)
    return None if due is None else sla.Clock(complaint.created_at, due)


def _stamp(complaint: Complaint) -> None:
    """Store the running deadline after a change: derived from audited fields, so
    bookkeeping, not logged itself."""
    complaint.overdue_at = deadline(complaint)


def restamp(session: Session) -> int:
    """Store ``deadline`` on every complaint whose stored one differs: for rows written
    without the services (the demo's bulk insert). Returns how many changed."""
    stmt = select(Complaint).where(
        col(Complaint.state).in_(OPEN_COMPLAINT_STATES) | col(Complaint.overdue_at).is_not(None)
    )
    changed = 0
    for complaint in session.exec(stmt):
        before = complaint.overdue_at
        _stamp(complaint)
        changed += before != complaint.overdue_at
    session.flush()
    return changed


def is_overdue(complaint: ClockFacts, now: datetime) -> bool:
    """Open and past its time: not reported up by ``due_at`` (重大/重要), not resolved by
    ``due_at`` (轻微), or past the resident's own deadline (``deadline``)."""
    due = deadline(complaint)
    return due is not None and now > due


def open_complaints(ctx: Ctx) -> list[Complaint]:
    stmt = select(Complaint).where(Complaint.state.in_(OPEN_COMPLAINT_STATES))  # type: ignore[attr-defined]
    return list(ctx.session.exec(stmt).all())


def count_overdue(ctx: Ctx) -> int:
    """Complaints past their running deadline, by the stored one: the count the 已超时
    list shows (services.lists filters by the same column)."""
    stmt = select(func.count()).where(col(Complaint.overdue_at) < ctx.now)
    return int(ctx.session.exec(stmt).one())


# --- attachments -------------------------------------------------------------------------


def attach(ctx: Ctx, complaint_id: int, filename: str, data: bytes) -> ComplaintAttachment:
    complaint = common.get(ctx, Complaint, complaint_id)
    name = clean_text(
        Path(filename).name, field="attachment", label="附件文件名", max_len=200, required=True
    )
    if not data:
        raise ValidationError("attachment", "附件", "文件是空的，请重新选择")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            "attachment", "附件", f"文件太大（{len(data) // 1024 // 1024} MB），请小于 20 MB"
        )
    row = ComplaintAttachment(
        complaint_id=complaint.id,
        filename=name,
        mime=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        added_at=ctx.now,
        staff_id=ctx.staff_id,
    )
    ctx.session.add(row)
    ctx.session.flush()
    audit.created(ctx, row, summary=f"附件 {name}")
    return row


@dataclass(frozen=True)
class AttachmentInfo:
    """One line of a complaint's attachment list: everything but the bytes."""

    id: int
    filename: str
    size: int
    added_at: datetime


def attachment_list(ctx: Ctx, complaint_id: int) -> list[AttachmentInfo]:
    """The attachments of a complaint without loading their contents (up to 20 MB each)."""
    stmt = (
        select(
            ComplaintAttachment.id,
            ComplaintAttachment.filename,
            ComplaintAttachment.size,
            ComplaintAttachment.added_at,
        )
        .where(ComplaintAttachment.complaint_id == complaint_id)
        .order_by(ComplaintAttachment.id)  # type: ignore[arg-type]
    )
    return [AttachmentInfo(*row) for row in ctx.session.exec(stmt).all()]


def attachment(ctx: Ctx, attachment_id: int) -> ComplaintAttachment:
    """One attachment with its bytes (NotFoundError when it does not exist)."""
    return common.get(ctx, ComplaintAttachment, attachment_id)


def attachments(ctx: Ctx, complaint_id: int) -> list[ComplaintAttachment]:
    stmt = (
        select(ComplaintAttachment)
        .where(ComplaintAttachment.complaint_id == complaint_id)
        .order_by(ComplaintAttachment.id)
    )
    return list(ctx.session.exec(stmt).all())
