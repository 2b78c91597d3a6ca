"""A record as its detail view shows it: every field with its Chinese label, the actions
allowed from its state, and its history from the audit log (who, when, old → new).

Plain data only, so the UI, the printed forms and tests read the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import Session, select

from desk.models import (
    MODELS,
    AuditEvent,
    Callback,
    LoanItem,
    Resident,
    Staff,
    kinds,
)
from desk.models.enums import AuditAction, CallType, MessageState, RecordState
from desk.models.errors import NotFoundError
from desk.models.states import COMPLAINT_FLOW, WORK_ORDER_FLOW, allowed_actions
from desk.services.core import audit, permissions, sla
from desk.services.records import correction_rules, signed_copies, void_rules

# field → label, in the order the detail shows them; fields not listed are not shown
# each kind's fields in the detail's order, with their one label (desk.models.kinds)
LABELS: dict[str, dict[str, str]] = {key: k.labels for key, k in kinds.KINDS.items()}

# the timeline's Chinese kinds (desk.services.views.timeline.KINDS: the kinds' titles) →
# detail kinds; 回访 opens the order or complaint it follows up (timeline_detail)
TIMELINE_KINDS = {k.title: k.key for k in kinds.KINDS.values()}
# fields holding a colleague's id (kinds.Field.names): shown by the colleague's name
_STAFF_FIELDS = {f.name for k in kinds.KINDS.values() for f in k.fields if f.names == "staff"}
# the links to the registry a correction of who and where logs beside the typed text: the
# flat follows 房号 (whose own row shows the change), the resident is shown by name
_HIDDEN_HISTORY = {"unit_id"}
_LINK_LABELS = {"resident_id": "住户资料"}  # not 住户: a visit's is_resident
# the record's form printed or exported (audit.OUTPUTS): one line each (_output_row), 导出
# named by the file
_EXPORT_WORDS = {"pdf": "导出PDF", "xlsx": "导出Excel"}


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    who: str
    action: str
    field: str  # the Chinese label, or "" for 新建
    old: str
    new: str
    reason: str


@dataclass(frozen=True)
class Detail:
    kind: str
    record_id: int
    serial: str
    state: str
    fields: list[tuple[str, str]]  # (label, value) — empty values left out
    actions: list[str]
    history: list[HistoryRow]
    # when the record turns amber and red (a repair's or complaint's running deadline, as
    # the lists have it: sla.marks); None when no deadline runs
    amber_at: datetime | None = None
    red_at: datetime | None = None
    # the signed copy of its form (签回), for a kind whose form comes back; None otherwise
    signed: signed_copies.SignedStatus | None = None


def show_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def actions_for(
    kind: str, record: Any, *, lead: bool = False, own: bool = False, voids_others: bool = False
) -> list[str]:
    """The buttons the detail offers from the record's current state; 修改 (before 作废)
    when the person on duty may correct it — a 主管 or 经理 when ``lead``; 作废 only when
    they may void it: they registered it (``own``) and it is open, or ``voids_others``
    (the role table's void_others). The services refuse the rest anyway."""
    found = _state_actions(kind, record)
    if "作废" in found and void_rules.refusal_for(kind, record, own=own, lead=voids_others):
        found.remove("作废")
    if correction_rules.refusal_for(kind, record, lead=lead) is None:
        found.insert(found.index("作废") if "作废" in found else len(found), "修改")
    return found


def _state_actions(kind: str, record: Any) -> list[str]:
    if kind == "workorder":
        return allowed_actions(WORK_ORDER_FLOW, record.state)
    if kind == "complaint":
        return allowed_actions(COMPLAINT_FLOW, record.state)
    if record.state in (RecordState.VOID, "作废"):
        return []
    found = ["作废"]
    if kind == "call":
        if record.message_state == MessageState.PENDING:
            found.insert(0, "已转告")
        if record.call_type in (
            CallType.REPAIR,
            CallType.COMPLAINT,
            CallType.ENQUIRY,
            CallType.HELP,
            CallType.OTHER,
        ):
            found[:0] = ["转报修", "转投诉"]
    elif kind == "visit":
        if record.state == "待处理":
            found.insert(0, "办结")
        found[:0] = ["转报修", "转投诉"]
    elif kind == "loan" and record.state == "借出":
        found.insert(0, "归还")
    return found


def record_detail(
    session: Session, kind: str, record_id: int, *, staff_id: int | None = None
) -> Detail:
    """``kind``'s record as the detail shows it, with the actions open to ``staff_id``
    (who is on duty: a 主管 or 经理 may correct and void more; None counts as a 前台 who
    registered nothing)."""
    model = MODELS[kind]
    record = session.get(model, record_id)
    if record is None:
        raise NotFoundError(f"找不到这条记录（编号 {record_id}）。")
    staff = {s.id: s.name for s in session.exec(select(Staff)).all()}
    labels = LABELS[kind]
    fields: list[tuple[str, str]] = []
    for field in kinds.kind(kind).fields:
        name, label = field.name, field.label
        value = getattr(record, name)
        if field.names == "staff":
            text = staff.get(value, "") if value is not None else ""
        elif field.names == "loanitem":
            item = session.get(LoanItem, value)
            text = item.name if item else ""
        else:
            text = show_value(value)
        if text:
            fields.append((label, text))
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == kind, AuditEvent.entity_id == record_id)
        .order_by(AuditEvent.id)  # type: ignore[arg-type]
    ).all()
    names = _history_names(session, kind, events, staff)
    history = [
        HistoryRow(
            at=e.at,
            who=staff.get(e.staff_id, "") if e.staff_id is not None else "",
            action=e.action.value,
            field=""
            if e.action == AuditAction.CREATE
            else labels.get(e.field, _LINK_LABELS.get(e.field, e.field)),
            old=_history_value(e.field, e.old, names),
            new=_history_value(e.field, e.new, names),
            reason=e.reason,
        )
        if e.action not in audit.OUTPUTS and e.field != signed_copies.FIELD
        else _output_row(e, staff)
        for e in events
        if e.field not in _HIDDEN_HISTORY
    ]
    clock = _stored_clock(kind, record)
    marks = sla.marks(clock, sla.near_fraction(session)) if clock is not None else None
    printed = any(e.action in audit.OUTPUTS for e in events)
    signed = signed_copies.status_of(session, record, staff, printed)
    if signed is not None and signed.words:
        fields.append((signed_copies.LABEL, signed.words))
    return Detail(
        kind,
        record_id,
        record.serial,
        show_value(record.state),
        fields,
        actions_for(
            kind,
            record,
            lead=correction_rules.is_lead(session, staff_id),
            own=void_rules.is_own(record, staff_id),
            voids_others=permissions.may(session, staff_id, void_rules.ACTION),
        ),
        history,
        amber_at=marks.amber_at if marks is not None else None,
        red_at=marks.red_at if marks is not None else None,
        signed=signed,
    )


def _stored_clock(kind: str, record: Any) -> sla.Clock | None:
    """The running deadline the services stored (workorders.clock, complaints.clock)."""
    if kind == "workorder":
        return sla.stored_clock(record.clock_from, record.overdue_at)
    if kind == "complaint":  # its deadlines all run from the intake
        return sla.stored_clock(record.created_at, record.overdue_at)
    return None


def _history_names(
    session: Session, kind: str, events: Any, staff: dict[int, str]
) -> dict[str, dict[int, str]]:
    """The names the history shows for ids (colleagues, a loan's item, a resident):
    field → id → name; only what the events name is read."""
    names: dict[str, dict[int, str]] = {f: staff for f in _STAFF_FIELDS}
    looked_up: dict[str, Any] = {"resident_id": Resident}
    if kind == "loan":
        looked_up["item_id"] = LoanItem
    for field, model in looked_up.items():
        ids = {
            int(text)
            for e in events
            if e.field == field
            for text in (e.old, e.new)
            if text is not None and text.isdigit()
        }
        names[field] = {i: row.name for i in ids if (row := session.get(model, i)) is not None}
    return names


def _output_row(e: AuditEvent, staff: dict[int, str]) -> HistoryRow:
    """A print or export of the record's form (services.io.form_prints) in one line:
    打印 | 派工单 2 页（打印机“前台打印机”）, 导出PDF | 派工单 1 页（派工单.pdf）; its signed
    copy coming back likewise: 签回 | 扫描件 IMG_0012.jpg."""
    if e.field == signed_copies.FIELD:
        who = staff.get(e.staff_id, "") if e.staff_id is not None else ""
        return HistoryRow(e.at, who, signed_copies.LABEL, "", "", e.new or "", e.reason)
    action = e.action.value
    if e.action == AuditAction.EXPORT:
        suffix = e.reason.lower().rsplit(".", 1)[-1] if "." in e.reason else ""
        action = _EXPORT_WORDS.get(suffix, action)
    what = f"{e.field} {e.new}" if e.new else e.field
    return HistoryRow(
        at=e.at,
        who=staff.get(e.staff_id, "") if e.staff_id is not None else "",
        action=action,
        field="",
        old="",
        new=f"{what}（{e.reason}）" if e.reason else what,
        reason="",
    )


def _history_value(field: str, text: str | None, names: dict[str, dict[int, str]]) -> str:
    if text is None:
        return ""
    if field in names and text.isdigit():
        return names[field].get(int(text), text)
    if len(text) >= 19 and text[4] == "-" and text[10] == " ":
        return text[:16]  # "2026-11-22 09:30:00" → minutes are enough on screen
    return text


def timeline_detail(session: Session, timeline_kind: str, record_id: int) -> Detail:
    """The record a timeline entry stands for; a 回访 opens the work it called back on."""
    if timeline_kind == kinds.CALLBACK.title:
        callback = session.get(Callback, record_id)
        if callback is None:
            raise NotFoundError(f"找不到这条回访（编号 {record_id}）。")
        if callback.work_order_id is not None:
            return record_detail(session, "workorder", callback.work_order_id)
        return record_detail(session, "complaint", callback.complaint_id or 0)
    return record_detail(session, TIMELINE_KINDS[timeline_kind], record_id)
