"""交接班 — the duty record (客服值班记录表 QR-032SD): assemble, confirm, accept, freeze.

``assemble(ctx, shift_id)`` builds the record of one shift as the desk stands at
``ctx.now``: who, when, how many records of each kind were made in the shift, the notable
events, and every item the next shift must carry — open repairs (overdue, 待料 …),
complaints waiting or past escalation, undelivered 转告 messages, items and keys out,
callbacks due before the end of the next shift, and visits passed to a department and not
closed — each with the record it links to.

The outgoing receptionist saves a draft or confirms (``confirm``): the assembled record is
stored as JSON in ``Handover.snapshot``. The incoming one accepts (``accept``); from then on
the handover is frozen — the snapshot is never rebuilt, whatever later happens to the
records, and every change is refused. A handover not accepted by the end of the next shift
is flagged (``unaccepted_flags``).

Counts: a record counts for the shift it is attributed to (``shift_id``), found through the
audit log's creation events in the shift's time (the ``at`` index), so a repair entered with
an earlier 报修时间 still counts where it was entered. Records voided by the time of
assembly are left out of the counts and reported separately (``KindCount.voided``).

Speed: the counts read one shift's audit rows; the carried items are the open sets of each
kind, read through the state indexes — a few dozen rows whatever the size of the file
(benchmarks/bench_handover.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from sqlmodel import select

from desk.models import Handover, Shift, Staff, kinds
from desk.models.db import driver
from desk.models.enums import (
    AuditAction,
    CallbackSource,
    CallbackState,
    ComplaintState,
    EscalationLevel,
    HandoverState,
    LoanKind,
    LoanState,
    MessageState,
    RecordState,
    Severity,
    VisitOutcome,
    VisitState,
    WorkOrderState,
)
from desk.models.errors import NotFoundError, TransitionError, ValidationError
from desk.models.states import OPEN_COMPLAINT_STATES, OPEN_WORK_ORDER_STATES
from desk.models.validation import clean_text
from desk.services.core import audit, settings
from desk.services.core.context import Ctx
from desk.services.duty import shifts
from desk.services.duty.shifts import ShiftDef
from desk.services.records import common, complaints, signed_copies, workorders

__all__ = [
    "COUNTED_KINDS",
    "GROUPS",
    "CarriedItem",
    "DutyEntry",
    "HandoverRecord",
    "HandoverSheet",
    "KindCount",
    "accept",
    "accept_by",
    "assemble",
    "callback_item",
    "carried_items",
    "complaint_item",
    "confirm",
    "draft",
    "for_date",
    "for_shift",
    "from_json",
    "frozen_record",
    "is_flagged",
    "latest",
    "loan_item",
    "message_item",
    "pending",
    "sheet",
    "shift_counts",
    "sort_items",
    "to_json",
    "unaccepted_flags",
    "unsigned_item",
    "visit_item",
    "workorder_item",
]

SNAPSHOT_VERSION = 1
SUMMARY_CHARS = 40  # one line of the paper form
FROZEN = "这份交接班记录已接班，内容已固定，不能再修改。"

# The kinds counted per shift, in the form's order.
COUNTED_KINDS: tuple[tuple[str, str], ...] = (
    ("visit", "来访"),
    ("call", "来电"),
    ("workorder", "报修"),
    ("complaint", "投诉"),
    ("loan", "借用"),
)
# Headings of the carried items, in the form's order.
GROUPS = ("报修", "投诉", "转告", "物品借用", "钥匙借用", "回访", "来访", "未签回")
UNSIGNED_GROUP = GROUPS[-1]
_VOID_STATE = {
    "visit": VisitState.VOID,
    "call": RecordState.VOID,
    "workorder": WorkOrderState.VOID,
    "complaint": ComplaintState.VOID,
    "loan": LoanState.VOID,
}


# --- the record ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindCount:
    kind: str  # "visit" …
    label: str  # 来访 …
    made: int  # made in the shift and not voided
    voided: int  # made in the shift and voided by the time of assembly (not in ``made``)


@dataclass(frozen=True)
class CarriedItem:
    """One thing the next shift must carry, and the record it links to."""

    group: str  # heading on the form: one of GROUPS
    kind: str  # the record's table: workorder, complaint, call, loan, callback, visit
    record_id: int
    serial: str  # the record's serial; a callback shows its work order's or complaint's
    summary: str  # one line
    room: str  # room code, or the place of a repair in a public area
    deadline: datetime | None
    reason: str  # why it is carried: 超时, 待料, 未转告, 逾期未还, 回访到期 …
    state: str  # the record's state word at assembly
    overdue: bool
    link_kind: str  # what the detail view opens (a callback opens its work order/complaint)
    link_id: int


@dataclass(frozen=True)
class HandoverRecord:
    """The duty record of one shift as assembled at ``assembled_at``."""

    shift_id: int
    day: date
    shift_name: str
    staff_id: int
    staff_name: str
    started_at: datetime
    planned_end: datetime | None
    ended_at: datetime | None  # None: the shift was still on duty when assembled
    assembled_at: datetime
    next_shift_end: datetime  # callbacks due before this (or already due) are carried
    notes: str  # notable events (值班情况), free text
    counts: tuple[KindCount, ...]
    carried: tuple[CarriedItem, ...]

    def count(self, kind: str) -> KindCount:
        return next(c for c in self.counts if c.kind == kind)

    @property
    def voided_total(self) -> int:
        return sum(c.voided for c in self.counts)

    @property
    def counts_note(self) -> str:
        """What the form prints beside the counts."""
        n = self.voided_total
        return f"不含作废记录 {n} 条" if n else "不含作废记录"

    def groups(self) -> list[tuple[str, list[CarriedItem]]]:
        """The carried items under their headings, in the form's order (empty ones left out)."""
        by: dict[str, list[CarriedItem]] = {}
        for item in self.carried:
            by.setdefault(item.group, []).append(item)
        return [(g, by[g]) for g in GROUPS if g in by]


@dataclass(frozen=True)
class HandoverSheet:
    """What the printed form shows: the frozen record with both signatures."""

    handover_id: int
    state: HandoverState
    record: HandoverRecord
    outgoing_name: str
    confirmed_at: datetime | None
    incoming_name: str
    accepted_at: datetime | None
    accept_by: datetime
    flagged: bool


@dataclass(frozen=True)
class DutyEntry:
    """One shift with its handover's progress, for the duty list and the flags."""

    shift_id: int
    day: date
    shift_name: str
    staff_id: int
    staff_name: str
    started_at: datetime
    planned_end: datetime | None
    ended_at: datetime | None
    handover_id: int | None
    state: HandoverState | None  # None: no handover written yet
    confirmed_at: datetime | None
    incoming_name: str
    accepted_at: datetime | None
    accept_by: datetime  # the end of the next shift
    flagged: bool

    @property
    def status(self) -> str:
        return "未交班" if self.state is None else str(self.state)


# --- one carried item per kind (plain values in, so the demo generator shares the rules) ---


def _cut(text: str | None) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1] + "…"


def workorder_item(
    *,
    record_id: int,
    serial: str,
    state: str,
    description: str,
    room: str,
    response_due: datetime,
    completion_due: datetime,
    paused_seconds: int,
    paused_since: datetime | None,
    arrived_at: datetime | None,
    parts_expected: date | None,
    now: datetime,
) -> CarriedItem:
    order = SimpleNamespace(
        state=WorkOrderState(state),
        response_due=response_due,
        completion_due=completion_due,
        paused_seconds=paused_seconds or 0,
        paused_since=paused_since,
        arrived_at=arrived_at,
    )
    response, completion = workorders.due_times(order, now)  # type: ignore[arg-type]
    overdue = workorders.is_overdue(order, now)  # type: ignore[arg-type]
    deadline: datetime | None = completion
    if overdue and now > completion:
        reason = "超时"
    elif overdue:
        reason, deadline = "响应超时", response
    elif order.state == WorkOrderState.WAITING_PARTS:
        # the completion clock is stopped: there is no deadline until the parts come
        reason = f"待料（预计{parts_expected:%m-%d}到料）" if parts_expected else "待料"
        deadline = None
    else:
        reason = order.state.value
        if arrived_at is None:
            deadline = response
    return CarriedItem(
        "报修", "workorder", record_id, serial, _cut(description), room, deadline, reason,
        order.state.value, overdue, "workorder", record_id,
    )  # fmt: skip


def complaint_item(
    *,
    record_id: int,
    serial: str,
    state: str,
    severity: str,
    level: str,
    description: str,
    room: str,
    due_at: datetime,
    demand_deadline: datetime | None,
    now: datetime,
) -> CarriedItem:
    complaint = SimpleNamespace(
        state=ComplaintState(state),
        severity=Severity(severity),
        level=EscalationLevel(level),
        due_at=due_at,
        demand_deadline=demand_deadline,
    )
    overdue = complaints.is_overdue(complaint, now)  # type: ignore[arg-type]
    deadline = due_at
    if demand_deadline is not None and demand_deadline < due_at:
        deadline = demand_deadline
    if overdue:
        reason = "超时"
    elif complaints.needs_escalation(complaint):  # type: ignore[arg-type]
        reason = f"待上报{complaints.REQUIRED_LEVEL[complaint.severity].value}"
    else:
        reason = complaint.state.value
    return CarriedItem(
        "投诉", "complaint", record_id, serial, _cut(f"【{severity}】{description}"), room,
        deadline, reason, complaint.state.value, overdue, "complaint", record_id,
    )  # fmt: skip


def message_item(
    *, record_id: int, serial: str, for_name: str, content: str, room: str
) -> CarriedItem:
    return CarriedItem(
        "转告", "call", record_id, serial, _cut(f"转告{for_name}：{content}"), room, None,
        MessageState.PENDING.value, MessageState.PENDING.value, False, "call", record_id,
    )  # fmt: skip


def loan_item(
    *,
    record_id: int,
    serial: str,
    item_name: str,
    item_kind: str,
    quantity: int,
    borrower: str,
    room: str,
    expected_return_at: datetime,
    now: datetime,
) -> CarriedItem:
    overdue = expected_return_at < now
    key = LoanKind(item_kind) == LoanKind.KEY
    return CarriedItem(
        "钥匙借用" if key else "物品借用", "loan", record_id, serial,
        _cut(f"{item_name}×{quantity}，借用人{borrower}"), room, expected_return_at,
        "逾期未还" if overdue else "借出未还", LoanState.OUT.value, overdue, "loan", record_id,
    )  # fmt: skip


def callback_item(
    *,
    record_id: int,
    source: str,
    source_id: int,
    serial: str,
    description: str,
    room: str,
    due_at: datetime,
    now: datetime,
) -> CarriedItem:
    overdue = due_at < now
    kind = "workorder" if CallbackSource(source) == CallbackSource.WORK_ORDER else "complaint"
    return CarriedItem(
        "回访", "callback", record_id, serial, _cut(f"{source}回访：{description}"), room, due_at,
        "回访逾期" if overdue else "回访到期", CallbackState.DUE.value, overdue, kind, source_id,
    )  # fmt: skip


def visit_item(
    *,
    record_id: int,
    serial: str,
    reason: str,
    dept_head: str,
    room: str,
    created_at: datetime,
    now: datetime,
) -> CarriedItem:
    # the department head gets a visit the same day (DOMAIN §1): due by the end of that day
    deadline = datetime.combine(created_at.date(), time(23, 59, 59))
    overdue = deadline < now
    return CarriedItem(
        "来访", "visit", record_id, serial, _cut(f"转{dept_head}：{reason}"), room, deadline,
        "超时未办结" if overdue else "待部门办结", VisitState.OPEN.value, overdue, "visit",
        record_id,
    )  # fmt: skip


def unsigned_item(
    *, kind: str, record_id: int, serial: str, summary: str, room: str, state: str
) -> CarriedItem:
    """A form handed to a resident to sign that has not come back (signed_copies)."""
    form = signed_copies.FORMS[kind]
    return CarriedItem(
        UNSIGNED_GROUP, kind, record_id, serial, _cut(summary), room, None,
        f"{form}未签回", state, False, kind, record_id,
    )  # fmt: skip


def sort_items(items: Iterable[CarriedItem]) -> tuple[CarriedItem, ...]:
    """The form's order: by heading, overdue first, then the nearest deadline."""
    far = datetime.max
    order = {g: i for i, g in enumerate(GROUPS)}
    return tuple(
        sorted(
            items,
            key=lambda c: (order[c.group], not c.overdue, c.deadline or far, c.serial, c.record_id),
        )
    )


# --- assembling --------------------------------------------------------------------------


def _ts(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it (ISO text that sorts correctly)."""
    return value.isoformat(sep=" ", timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _sql_in(values: Iterable[Any]) -> str:
    """``('a', 'b')`` for enum members (constants, never user input)."""
    return "(" + ", ".join(f"'{v.value}'" for v in sorted(values)) + ")"


# Creation events in the shift's time, read once for all kinds (MATERIALIZED); the unary
# ``+`` keeps SQLite on the ``at`` index rather than the (entity, entity_id) one, which would
# walk every record of a kind ever made.
_COUNTS_SQL = (
    "WITH made AS MATERIALIZED (SELECT entity, entity_id FROM auditevent "
    "WHERE at >= :start AND at <= :end "
    f"AND +action = '{AuditAction.CREATE.value}' "
    f"AND +entity IN ({', '.join(repr(k) for k, _ in COUNTED_KINDS)})) "
    + " UNION ALL ".join(
        f"SELECT '{kind}', count(*), total(r.state = '{_VOID_STATE[kind].value}') FROM made m "
        f"JOIN {kind} r ON r.id = m.entity_id WHERE m.entity = '{kind}' AND r.shift_id = :sid"
        for kind, _ in COUNTED_KINDS
    )
)

_WORKORDERS_SQL = (
    "SELECT id, serial, state, description, "
    "CASE WHEN room_text != '' THEN room_text ELSE location END, response_due, "
    "completion_due, paused_seconds, paused_since, arrived_at, parts_expected "
    f"FROM workorder WHERE state IN {_sql_in(OPEN_WORK_ORDER_STATES)}"
)
_COMPLAINTS_SQL = (
    "SELECT id, serial, state, severity, level, description, room_text, due_at, "
    f"demand_deadline FROM complaint WHERE state IN {_sql_in(OPEN_COMPLAINT_STATES)}"
)
_MESSAGES_SQL = (
    "SELECT c.id, c.serial, coalesce(s.name, ''), c.content, c.room_text FROM call c "
    "LEFT JOIN staff s ON s.id = c.message_for_id "
    f"WHERE c.message_state = '{MessageState.PENDING.value}' "
    f"AND c.state = '{RecordState.ACTIVE.value}'"
)
_LOANS_SQL = (
    "SELECT l.id, l.serial, i.name, i.kind, l.quantity, l.person_name, l.room_text, "
    "l.expected_return_at FROM loan l JOIN loanitem i ON i.id = l.item_id "
    f"WHERE l.state = '{LoanState.OUT.value}'"
)
_CALLBACKS_SQL = (
    "SELECT c.id, c.source, coalesce(c.work_order_id, c.complaint_id), "
    "coalesce(w.serial, p.serial, ''), coalesce(w.description, p.description, ''), "
    "coalesce(nullif(w.room_text, ''), nullif(w.location, ''), p.room_text, ''), c.due_at "
    "FROM callback c LEFT JOIN workorder w ON w.id = c.work_order_id "
    "LEFT JOIN complaint p ON p.id = c.complaint_id "
    f"WHERE c.state = '{CallbackState.DUE.value}' AND c.due_at <= :until"
)
# the records whose signed form is due back and not back, fallen due in the last CARRY_DAYS
_UNSIGNED_COLUMNS = {
    "workorder": "CASE WHEN r.room_text != '' THEN r.room_text ELSE r.location END, r.description",
    "complaint": "r.room_text, r.description",
    "loan": "r.room_text, (SELECT i.name FROM loanitem i WHERE i.id = r.item_id) || ' ' || "
    "r.person_name",
}
_UNSIGNED_SQL = {
    kind: f"SELECT r.id, r.serial, r.state, {columns} FROM {kind} r "
    f"WHERE r.{signed_copies.DUE_FROM[kind]} >= :since AND {signed_copies.waiting_sql(kind)}"
    for kind, columns in _UNSIGNED_COLUMNS.items()
}
_VISITS_SQL = (
    "SELECT id, serial, reason, dept_head, room_text, created_at FROM visit "
    f"WHERE state = '{VisitState.OPEN.value}' AND outcome = '{VisitOutcome.PASSED.value}'"
)


def carried_items(ctx: Ctx, callbacks_until: datetime) -> tuple[CarriedItem, ...]:
    """Everything open now that the next shift must carry, in the form's order."""
    con = driver(ctx.session)
    now = ctx.now
    items: list[CarriedItem] = []
    for r in con.execute(_WORKORDERS_SQL):
        items.append(
            workorder_item(
                record_id=r[0], serial=r[1], state=r[2], description=r[3], room=r[4] or "",
                response_due=datetime.fromisoformat(r[5]),
                completion_due=datetime.fromisoformat(r[6]), paused_seconds=r[7] or 0,
                paused_since=_dt(r[8]), arrived_at=_dt(r[9]),
                parts_expected=date.fromisoformat(r[10]) if r[10] else None, now=now,
            )
        )  # fmt: skip
    for r in con.execute(_COMPLAINTS_SQL):
        items.append(
            complaint_item(
                record_id=r[0], serial=r[1], state=r[2], severity=r[3], level=r[4],
                description=r[5], room=r[6] or "", due_at=datetime.fromisoformat(r[7]),
                demand_deadline=_dt(r[8]), now=now,
            )
        )  # fmt: skip
    for r in con.execute(_MESSAGES_SQL):
        items.append(
            message_item(record_id=r[0], serial=r[1], for_name=r[2], content=r[3], room=r[4] or "")
        )
    for r in con.execute(_LOANS_SQL):
        items.append(
            loan_item(
                record_id=r[0], serial=r[1], item_name=r[2], item_kind=r[3], quantity=r[4],
                borrower=r[5] or "", room=r[6] or "",
                expected_return_at=datetime.fromisoformat(r[7]), now=now,
            )
        )  # fmt: skip
    for r in con.execute(_CALLBACKS_SQL, {"until": _ts(callbacks_until)}):
        items.append(
            callback_item(
                record_id=r[0], source=r[1], source_id=r[2], serial=r[3], description=r[4],
                room=r[5] or "", due_at=datetime.fromisoformat(r[6]), now=now,
            )
        )  # fmt: skip
    for r in con.execute(_VISITS_SQL):
        items.append(
            visit_item(
                record_id=r[0], serial=r[1], reason=r[2], dept_head=r[3] or "",
                room=r[4] or "", created_at=datetime.fromisoformat(r[5]), now=now,
            )
        )  # fmt: skip
    since = {"since": _ts(now - timedelta(days=signed_copies.CARRY_DAYS))}
    for kind in sorted(signed_copies.required_kinds(ctx.session)):
        for r in con.execute(_UNSIGNED_SQL[kind], since):
            items.append(
                unsigned_item(kind=kind, record_id=r[0], serial=r[1], state=r[2],
                              room=r[3] or "", summary=r[4] or "")
            )  # fmt: skip
    return sort_items(items)


def shift_counts(ctx: Ctx, shift: Shift, end: datetime) -> tuple[KindCount, ...]:
    """Records made in ``shift`` (created between its start and ``end``), voided apart."""
    params = {"start": _ts(shift.started_at), "end": _ts(end), "sid": shift.id}
    found = {
        kind: (int(n), int(voided))
        for kind, n, voided in driver(ctx.session).execute(_COUNTS_SQL, params)
    }
    return tuple(
        KindCount(kind, label, found[kind][0] - found[kind][1], found[kind][1])
        for kind, label in COUNTED_KINDS
    )


def _defs(ctx: Ctx) -> list[ShiftDef]:
    return shifts.definitions(settings.all_values(ctx.session))


def _staff_name(ctx: Ctx, staff_id: int | None) -> str:
    person = ctx.session.get(Staff, staff_id) if staff_id is not None else None
    return person.name if person is not None else ""


def assemble(ctx: Ctx, shift_id: int, notes: str | None = None) -> HandoverRecord:
    """The duty record of ``shift_id`` as the desk stands at ``ctx.now``.

    ``notes`` are the notable events; None keeps those of a saved draft.
    """
    shift = common.get(ctx, Shift, shift_id)
    defs = _defs(ctx)
    if notes is None:
        saved = for_shift(ctx, shift_id)
        notes = saved.notes if saved is not None else ""
    end = shift.ended_at or ctx.now
    next_end = shifts.next_shift_end(defs, shift.planned_end or end)
    return HandoverRecord(
        shift_id=shift_id,
        day=shifts.shift_day(shift, defs),
        shift_name=shift.name,
        staff_id=shift.staff_id,
        staff_name=_staff_name(ctx, shift.staff_id),
        started_at=shift.started_at,
        planned_end=shift.planned_end,
        ended_at=shift.ended_at,
        assembled_at=ctx.now,
        next_shift_end=next_end,
        notes=notes,
        counts=shift_counts(ctx, shift, end),
        # what is already due is carried too when the record is assembled late
        carried=carried_items(ctx, max(next_end, ctx.now)),
    )


# --- the snapshot ------------------------------------------------------------------------

_ITEM_FIELDS = (
    "group", "kind", "record_id", "serial", "summary", "room", "deadline", "reason", "state",
    "overdue", "link_kind", "link_id",
)  # fmt: skip


def _t(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(sep=" ", timespec="seconds")


def to_json(record: HandoverRecord) -> str:
    """The snapshot stored in ``Handover.snapshot``; items as rows under their column names."""
    doc = {
        "v": SNAPSHOT_VERSION,
        "shift_id": record.shift_id,
        "day": record.day.isoformat(),
        "shift_name": record.shift_name,
        "staff_id": record.staff_id,
        "staff_name": record.staff_name,
        "started_at": _t(record.started_at),
        "planned_end": _t(record.planned_end),
        "ended_at": _t(record.ended_at),
        "assembled_at": _t(record.assembled_at),
        "next_shift_end": _t(record.next_shift_end),
        "notes": record.notes,
        "counts": [
            {"kind": c.kind, "label": c.label, "made": c.made, "voided": c.voided}
            for c in record.counts
        ],
        "carried_fields": list(_ITEM_FIELDS),
        "carried": [
            [
                c.group, c.kind, c.record_id, c.serial, c.summary, c.room, _t(c.deadline),
                c.reason, c.state, c.overdue, c.link_kind, c.link_id,
            ]
            for c in record.carried
        ],
    }  # fmt: skip
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def from_json(text: str) -> HandoverRecord:
    doc = json.loads(text)
    fields = doc["carried_fields"]
    items = []
    for row in doc["carried"]:
        values = dict(zip(fields, row, strict=True))
        values["deadline"] = _dt(values["deadline"])
        items.append(CarriedItem(**{name: values[name] for name in _ITEM_FIELDS}))
    return HandoverRecord(
        shift_id=doc["shift_id"],
        day=date.fromisoformat(doc["day"]),
        shift_name=doc["shift_name"],
        staff_id=doc["staff_id"],
        staff_name=doc["staff_name"],
        started_at=datetime.fromisoformat(doc["started_at"]),
        planned_end=_dt(doc["planned_end"]),
        ended_at=_dt(doc["ended_at"]),
        assembled_at=datetime.fromisoformat(doc["assembled_at"]),
        next_shift_end=datetime.fromisoformat(doc["next_shift_end"]),
        notes=doc["notes"],
        counts=tuple(KindCount(**c) for c in doc["counts"]),
        carried=tuple(items),
    )


# --- the outgoing receptionist: draft and confirm ----------------------------------------


def for_shift(ctx: Ctx, shift_id: int) -> Handover | None:
    return ctx.session.exec(select(Handover).where(Handover.shift_id == shift_id)).first()


def draft(ctx: Ctx, shift_id: int, notes: str = "") -> Handover:
    """Save the notable events and a fresh assembly as a draft (草稿), not yet signed."""
    return _write(ctx, shift_id, notes, HandoverState.DRAFT)


def confirm(ctx: Ctx, shift_id: int, notes: str = "") -> Handover:
    """交班: the outgoing receptionist signs the record as assembled now (已确认).

    Confirming again before it is accepted re-assembles it (a call came in meanwhile).
    """
    return _write(ctx, shift_id, notes, HandoverState.CONFIRMED)


def _write(ctx: Ctx, shift_id: int, notes: str, state: HandoverState) -> Handover:
    shift = common.get(ctx, Shift, shift_id)
    if ctx.staff_id != shift.staff_id and not shifts.is_lead(ctx):
        name = _staff_name(ctx, shift.staff_id)
        raise TransitionError(f"只有本班值班人（{name}）或主管可以交班。")
    notes = clean_text(notes, field="notes", label=kinds.HANDOVER.label("notes"), max_len=2000)
    existing = for_shift(ctx, shift_id)
    if existing is not None and existing.state == HandoverState.ACCEPTED:
        raise TransitionError(FROZEN)
    confirmed = existing is not None and existing.state == HandoverState.CONFIRMED
    if confirmed and state == HandoverState.DRAFT:
        raise TransitionError("已经确认交班，不能改回草稿；如需补充，请修改后重新确认。")
    snapshot = to_json(assemble(ctx, shift_id, notes))
    confirmed_at = ctx.now if state == HandoverState.CONFIRMED else None
    if existing is None:
        handover = Handover(
            shift_id=shift_id,
            state=state,
            outgoing_id=shift.staff_id,
            created_at=ctx.now,
            confirmed_at=confirmed_at,
            notes=notes,
            snapshot=snapshot,
        )
        ctx.session.add(handover)
        ctx.session.flush()
        audit.created(ctx, handover, summary=f"交接班 {shift.name} {state.value}")
        return handover
    audit.change(
        ctx,
        existing,
        {"state": state, "notes": notes, "confirmed_at": confirmed_at},
        action=AuditAction.TRANSITION,
    )
    # The snapshot is a derived copy (kilobytes of JSON): the audit row of the change above
    # says when it was taken; logging it old → new would only double the log.
    existing.snapshot = snapshot
    ctx.session.add(existing)
    return existing


# --- the incoming receptionist: accept ----------------------------------------------------


def accept(ctx: Ctx, handover_id: int, incoming_staff_id: int) -> Handover:
    """接班: someone other than the outgoing receptionist accepts; the record is frozen."""
    handover = common.get(ctx, Handover, handover_id)
    if handover.state == HandoverState.ACCEPTED:
        raise TransitionError(FROZEN)
    if handover.state != HandoverState.CONFIRMED:
        raise TransitionError("交班人还没有确认这份交接班记录，确认后才能接班。")
    if incoming_staff_id == handover.outgoing_id:
        raise TransitionError("接班人不能是交班人本人，请由接班的同事确认接班。")
    person = ctx.session.get(Staff, incoming_staff_id)
    if person is None or not person.active:
        raise ValidationError("incoming_id", "接班人", "请选择一位在职的同事")
    audit.change(
        ctx,
        handover,
        {"state": HandoverState.ACCEPTED, "incoming_id": incoming_staff_id, "accepted_at": ctx.now},
        action=AuditAction.TRANSITION,
    )
    return handover


# --- reading -------------------------------------------------------------------------------


def frozen_record(ctx: Ctx, handover_id: int) -> HandoverRecord:
    """The record as it was confirmed (the stored snapshot; never rebuilt)."""
    handover = common.get(ctx, Handover, handover_id)
    if not handover.snapshot:
        raise NotFoundError("这份交接班记录还没有内容，请先保存或确认交班。")
    return from_json(handover.snapshot)


def sheet(ctx: Ctx, handover_id: int) -> HandoverSheet:
    """Everything the 客服值班记录表 prints: the frozen record and both signatures."""
    handover = common.get(ctx, Handover, handover_id)
    shift = common.get(ctx, Shift, handover.shift_id)
    defs = _defs(ctx)
    return HandoverSheet(
        handover_id=handover_id,
        state=HandoverState(handover.state),
        record=frozen_record(ctx, handover_id),
        outgoing_name=_staff_name(ctx, handover.outgoing_id),
        confirmed_at=handover.confirmed_at,
        incoming_name=_staff_name(ctx, handover.incoming_id),
        accepted_at=handover.accepted_at,
        accept_by=accept_by(shift, defs),
        flagged=is_flagged(handover, shift, ctx.now, defs),
    )


def latest(ctx: Ctx) -> Handover | None:
    """The handover of the most recent shift that has one."""
    stmt = (
        select(Handover)
        .join(Shift, Shift.id == Handover.shift_id)  # type: ignore[arg-type]
        .order_by(Shift.started_at.desc(), Shift.id.desc())  # type: ignore[attr-defined,union-attr]
    )
    return ctx.session.exec(stmt).first()


def accept_by(shift: Shift, defs: Sequence[ShiftDef]) -> datetime:
    """A handover must be accepted by the end of the shift after ``shift``."""
    return shifts.next_shift_end(defs, shift.planned_end or shift.ended_at or shift.started_at)


def is_flagged(
    handover: Handover | None, shift: Shift, now: datetime, defs: Sequence[ShiftDef]
) -> bool:
    """Not accepted (or not even written) by the end of the next shift."""
    accepted = handover is not None and handover.state == HandoverState.ACCEPTED
    return not accepted and now > accept_by(shift, defs)


_DUTY_SQL = (
    "SELECT s.id, s.staff_id, coalesce(o.name, ''), s.name, s.started_at, s.planned_end, "
    "s.ended_at, h.id, h.state, h.confirmed_at, coalesce(i.name, ''), h.accepted_at "
    "FROM shift s LEFT JOIN staff o ON o.id = s.staff_id "
    "LEFT JOIN handover h ON h.shift_id = s.id LEFT JOIN staff i ON i.id = h.incoming_id "
)


def _entries(ctx: Ctx, where: str, params: dict[str, Any]) -> list[DutyEntry]:
    defs = _defs(ctx)
    out = []
    sql = _DUTY_SQL + where + " ORDER BY s.started_at DESC, s.id DESC"
    for r in driver(ctx.session).execute(sql, params):
        shift = Shift(
            id=r[0], staff_id=r[1], name=r[3], started_at=datetime.fromisoformat(r[4]),
            planned_end=_dt(r[5]), ended_at=_dt(r[6]),
        )  # fmt: skip
        state = HandoverState(r[8]) if r[8] is not None else None
        by = accept_by(shift, defs)
        out.append(
            DutyEntry(
                shift_id=r[0], day=shifts.shift_day(shift, defs), shift_name=r[3], staff_id=r[1],
                staff_name=r[2], started_at=shift.started_at, planned_end=shift.planned_end,
                ended_at=shift.ended_at, handover_id=r[7], state=state,
                confirmed_at=_dt(r[9]), incoming_name=r[10], accepted_at=_dt(r[11]),
                accept_by=by, flagged=state != HandoverState.ACCEPTED and ctx.now > by,
            )
        )  # fmt: skip
    return out


# Shifts without an accepted handover, found before the joins: nearly every shift of
# the office's history has been accepted, and a scan joining all of them costs ~7 ms on
# five years (this runs in the window's snapshot after every save); this costs ~1.5 ms.
_NOT_ACCEPTED = (
    "s.id IN (SELECT id FROM shift EXCEPT SELECT shift_id FROM handover "
    f"WHERE state = '{HandoverState.ACCEPTED.value}')"
)


def pending(ctx: Ctx) -> list[DutyEntry]:
    """Handovers waiting to be accepted — shifts that have ended, or whose record is
    confirmed, without an accepted handover — newest first. Shown to whoever comes on duty."""
    where = (
        f"WHERE {_NOT_ACCEPTED} AND (s.ended_at IS NOT NULL "
        f"OR h.state = '{HandoverState.CONFIRMED.value}') "
    )
    return _entries(ctx, where, {})


def unaccepted_flags(ctx: Ctx) -> list[DutyEntry]:
    """Shifts whose handover was not accepted by the end of the next shift, newest first
    (a shift still open long after its end, with nobody taking over, counts too)."""
    return [e for e in _entries(ctx, f"WHERE {_NOT_ACCEPTED} ", {}) if e.flagged]


def for_date(ctx: Ctx, day: date) -> list[DutyEntry]:
    """The shifts of ``day`` (by the day their occurrence starts) with their handovers,
    in order of the day."""
    start = datetime.combine(day, time())
    where = "WHERE s.started_at >= :lo AND s.started_at < :hi "
    params = {"lo": _ts(start - timedelta(days=1)), "hi": _ts(start + timedelta(days=2))}
    return [e for e in reversed(_entries(ctx, where, params)) if e.day == day]
