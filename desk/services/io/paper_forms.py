"""The paper forms' data, read from the database: 派工单 (QR-025SD), 客户投诉处理单
(QR-026SD), 物品借用登记表 (QR-030SD; keys: 钥匙借用登记表 QR-008SD), the one-loan slip
and 客服值班记录表 (QR-032SD).

Read-only. Each function returns a plain frozen dataclass of ``desk.reports.form_data``
(re-exported here), which ``desk.reports.form_data.render(form, path)`` writes as PDF or
xlsx — on any thread, without the database. Staff ids become names, the office name
comes from settings, deadlines are as the desk sees them now (time 待料 added), and the
dispatcher falls back to the audit log for orders dispatched before it was recorded.

    with reading(engine) as ctx:
        form = forms.workorder_form(ctx, "PG-20261122-003")
    render(form, "派工单.pdf")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select

from desk.models import (
    MODELS,
    AuditEvent,
    Callback,
    Complaint,
    ComplaintAttachment,
    Handover,
    Loan,
    LoanItem,
    Shift,
    Staff,
    WorkOrder,
)
from desk.models.enums import CallbackState, HandoverState, LoanKind, LoanState
from desk.models.errors import NotFoundError, ValidationError
from desk.models.validation import mask_phone, mask_phones_in
from desk.reports.form_data import (
    CallbackInfo,
    CarriedRow,
    ComplaintForm,
    DutyCount,
    Form,
    FormHead,
    HandoverForm,
    LoanRegister,
    LoanRow,
    LoanSlip,
    MaterialRow,
    WorkOrderForm,
)
from desk.services.core import numbering, settings
from desk.services.core.context import Ctx
from desk.services.core.numbering import SERIAL_NAMES, SerialKind
from desk.services.duty import handover
from desk.services.records import signed_copies, workorders

__all__ = [
    "CallbackInfo",
    "CarriedRow",
    "ComplaintForm",
    "DutyCount",
    "FormHead",
    "HandoverForm",
    "LoanRegister",
    "LoanRow",
    "LoanSlip",
    "MaterialRow",
    "WorkOrderForm",
    "audit_words",
    "complaint_form",
    "dispatched_on",
    "handover_by_serial",
    "handover_form",
    "handover_form_by_serial",
    "handover_forms",
    "handover_serial",
    "latest_form",
    "loan_register",
    "loan_slip",
    "record_form",
    "workorder_form",
]

WORK_ORDER = ("派工单", "QR-025SD")
COMPLAINT = ("客户投诉处理单", "QR-026SD")
# kind → (register title, slip title, form code); the registers' serials: numbering
LOAN_FORMS = {
    LoanKind.ITEM: ("物品借用登记表", "物品借用单", "QR-030SD"),
    LoanKind.KEY: ("钥匙借用登记表", "钥匙借用单", "QR-008SD"),
}
REGISTER_MAX_DAYS = 366
HANDOVER = ("客服值班记录表", "QR-032SD")


# --- 派工单 -------------------------------------------------------------------------------


def workorder_form(ctx: Ctx, serial: str) -> WorkOrderForm:
    """派工单 of the work order with this serial (NotFoundError if there is none)."""
    return _workorder(ctx, _by_serial(ctx, WorkOrder, serial, SerialKind.WORK_ORDER))


def _workorder(ctx: Ctx, order: WorkOrder) -> WorkOrderForm:
    names = _staff_names(ctx)
    _, completion_due = workorders.due_times(order, ctx.now)
    dispatcher = names.get(order.dispatcher_id, "") if order.dispatcher_id else ""
    if not dispatcher and order.assignee:
        dispatcher = _who_set(ctx, "workorder", order.id, "assignee", names)
    return WorkOrderForm(
        head=_head(ctx, *WORK_ORDER, order.serial, order),
        state=order.state.value,
        created_at=order.created_at,
        channel=order.channel.value,
        reporter=order.person_name,
        room=order.room_text,
        location=order.location,
        phone=order.phone,
        category=order.category,
        urgency=order.urgency.value,
        appointment_at=order.appointment_at,
        description=order.description,
        is_paid=order.is_paid,
        receptionist=names.get(order.staff_id, "") if order.staff_id else "",
        dispatcher=dispatcher,
        dispatched_at=order.dispatched_at,
        assignee=order.assignee,
        response_due=order.response_due,
        completion_due=completion_due,
        arrived_at=order.arrived_at,
        completed_at=order.completed_at,
        parts_expected=order.parts_expected,
        cause=order.cause,
        work_done=order.work_done,
        materials=tuple(
            MaterialRow(m.name, m.quantity, m.unit_price, m.amount)
            for m in workorders.materials(ctx, order.id)
        ),
        labour_fee=order.labour_fee,
        materials_fee=order.materials_fee,
        total_fee=order.total_fee,
        rework_count=order.rework_count,
        callback=_callback(ctx, col(Callback.work_order_id) == order.id, names),
        resident_signature=signed_copies.screen_signature(ctx.session, "workorder", order.id),
    )


def dispatched_on(ctx: Ctx, day: date) -> list[WorkOrderForm]:
    """派工单 of every order dispatched on ``day`` and not void, in the order they went
    out: the morning's batch for the technicians (an order dispatched again counts on the
    day of its latest dispatch)."""
    found = ctx.session.exec(
        select(WorkOrder)
        .where(
            col(WorkOrder.dispatched_at) >= datetime.combine(day, time()),
            col(WorkOrder.dispatched_at) < datetime.combine(day + timedelta(days=1), time()),
            col(WorkOrder.voided_at).is_(None),
        )
        .order_by(col(WorkOrder.dispatched_at), col(WorkOrder.id))
    ).all()
    return [_workorder(ctx, order) for order in found]


# --- 客户投诉处理单 --------------------------------------------------------------------------


def complaint_form(ctx: Ctx, serial: str) -> ComplaintForm:
    """客户投诉处理单 of the complaint with this serial (NotFoundError if there is none)."""
    return _complaint(ctx, _by_serial(ctx, Complaint, serial, SerialKind.COMPLAINT))


def _complaint(ctx: Ctx, c: Complaint) -> ComplaintForm:
    names = _staff_names(ctx)
    files = ctx.session.exec(
        select(ComplaintAttachment.filename)
        .where(
            ComplaintAttachment.complaint_id == c.id,
            col(ComplaintAttachment.voided_at).is_(None),
        )
        .order_by(col(ComplaintAttachment.id))
    ).all()
    return ComplaintForm(
        head=_head(ctx, *COMPLAINT, c.serial, c),
        state=c.state.value,
        created_at=c.created_at,
        channel=c.channel.value,
        complainant=c.person_name,
        room=c.room_text,
        phone=c.phone,
        occurred_at=c.occurred_at,
        occurred_place=c.occurred_place,
        category=c.category,
        subtype=c.subtype,
        severity=c.severity.value,
        target=c.target,
        description=c.description,
        demand=c.demand,
        demand_deadline=c.demand_deadline,
        witnesses=c.witnesses,
        attachments=tuple(files),
        receptionist=names.get(c.staff_id, "") if c.staff_id else "",
        due_at=c.due_at,
        level=c.level.value,
        escalated_at=c.escalated_at,
        department=c.department,
        measures=c.measures,
        result=c.result,
        reply=c.reply,
        replied_at=c.replied_at,
        callback=_callback(ctx, col(Callback.complaint_id) == c.id, names),
        resident_signature=signed_copies.screen_signature(ctx.session, "complaint", c.id),
    )


# --- 物品借用 -------------------------------------------------------------------------------


def loan_slip(ctx: Ctx, serial: str) -> LoanSlip:
    """The one-loan slip (物品借用单 / 钥匙借用单) of the loan with this serial."""
    return _slip(ctx, _by_serial(ctx, Loan, serial, SerialKind.LOAN))


def _slip(ctx: Ctx, loan: Loan) -> LoanSlip:
    item = ctx.session.get(LoanItem, loan.item_id)
    kind = item.kind if item else LoanKind.ITEM
    _register, title, code = LOAN_FORMS[LoanKind(kind)]
    row = _loan_row(ctx, loan, item.name if item else "", _staff_names(ctx))
    return LoanSlip(
        head=_head(ctx, title, code, loan.serial, loan),
        loan=row,
        resident_signature=signed_copies.screen_signature(ctx.session, "loan", loan.id),
    )


def loan_register(
    ctx: Ctx, start: date, end: date | None = None, kind: LoanKind = LoanKind.ITEM
) -> LoanRegister:
    """物品借用登记表 (or 钥匙借用登记表) of the loans made from ``start`` to ``end``
    (inclusive; one day when ``end`` is not given), oldest first, voided ones marked.
    Phones are masked (138****5678), also in the free text, unless the setting
    ``forms.register_phones`` says 完整: every borrower who signs the sheet sees it."""
    end = end or start
    if end < start:
        raise ValidationError("end", "结束日期", "不能早于开始日期")
    if (end - start).days >= REGISTER_MAX_DAYS:
        raise ValidationError("end", "日期范围", f"一次最多打印 {REGISTER_MAX_DAYS} 天的登记")
    title, _slip_title, code = LOAN_FORMS[kind]
    found = ctx.session.exec(
        select(Loan, LoanItem)
        .join(LoanItem, col(Loan.item_id) == col(LoanItem.id))
        .where(
            Loan.created_at >= datetime.combine(start, time()),
            Loan.created_at < datetime.combine(end + timedelta(days=1), time()),
            LoanItem.kind == kind,
        )
        .order_by(col(Loan.created_at), col(Loan.id))
    ).all()
    names = _staff_names(ctx)
    rows = tuple(_loan_row(ctx, loan, item.name, names) for loan, item in found)
    if settings.get(ctx.session, "forms.register_phones") != settings.REGISTER_PHONES[1]:
        rows = tuple(_masked(row) for row in rows)
    one_day = start == end
    serial = numbering.register_serial(kind, start, end)
    dates = start.isoformat() if one_day else f"{start.isoformat()} 至 {end.isoformat()}"
    return LoanRegister(
        head=FormHead(
            office=_office(ctx),
            title=title,
            form_code=code,
            serial=serial,
            printed_at=ctx.now,
            subtitle=f"登记日期：{dates}",
        ),
        start=start,
        end=end,
        rows=rows,
        # keys are lent without a deposit: their register shows no empty deposit columns,
        # unless an office does take one for a key
        deposits=kind == LoanKind.ITEM or any(row.deposit for row in rows),
    )


def _masked(row: LoanRow) -> LoanRow:
    """``row`` with its phone masked, and any phone number written in its free text."""
    return replace(
        row,
        phone=mask_phone(row.phone) if row.phone else "",
        remarks=mask_phones_in(row.remarks),
        condition=mask_phones_in(row.condition),
        void_reason=mask_phones_in(row.void_reason),
    )


def _loan_row(ctx: Ctx, loan: Loan, item: str, names: dict[int, str]) -> LoanRow:
    out = loan.state == LoanState.OUT
    return LoanRow(
        serial=loan.serial,
        lent_at=loan.created_at,
        item=item,
        quantity=loan.quantity,
        borrower=loan.person_name,
        room=loan.room_text,
        phone=loan.phone,
        deposit=loan.deposit,
        expected_return_at=loan.expected_return_at,
        lent_by=names.get(loan.staff_id, "") if loan.staff_id else "",
        state=loan.state.value,
        returned_at=loan.returned_at,
        returned_to=names.get(loan.returned_to_id, "") if loan.returned_to_id else "",
        condition=loan.condition,
        deposit_refunded=loan.deposit_refunded,
        remarks=loan.remarks,
        void_reason=loan.void_reason if loan.state == LoanState.VOID else "",
        overdue=out and loan.expected_return_at < ctx.now,
    )


# --- 客服值班记录表 ---------------------------------------------------------------------------


def handover_form(ctx: Ctx, handover_id: int) -> HandoverForm:
    """客服值班记录表 of one handover: the record as stored at confirmation (frozen once
    accepted; a draft's as last saved, stamped 草稿), both names and times."""
    return _handover(ctx, handover_id)


def _handover(ctx: Ctx, handover_id: int, serial: str = "") -> HandoverForm:
    sheet = handover.sheet(ctx, handover_id)
    r = sheet.record
    return HandoverForm(
        head=FormHead(
            office=_office(ctx),
            title=HANDOVER[0],
            form_code=HANDOVER[1],
            serial=serial or _handover_serial(ctx, handover_id, r.day),
            printed_at=ctx.now,
            # on every page, so a loose continuation sheet still says whose shift it is and
            # who hands over to whom
            subtitle=(
                f"{r.day.isoformat()} {r.shift_name} 交班人：{sheet.outgoing_name or r.staff_name}"
                f" 接班人：{sheet.incoming_name or '（待接班）'}"
            ),
            stamp="草稿" if sheet.state == HandoverState.DRAFT else "",
        ),
        state=sheet.state.value,
        day=r.day,
        shift_name=r.shift_name,
        on_duty=r.staff_name,
        started_at=r.started_at,
        planned_end=r.planned_end,
        ended_at=r.ended_at,
        assembled_at=r.assembled_at,
        callbacks_until=max(r.next_shift_end, r.assembled_at),  # as ``assemble`` carries them
        counts=tuple(DutyCount(c.label, c.made, c.voided) for c in r.counts),
        notes=r.notes,
        carried=tuple(
            CarriedRow(c.group, c.serial, c.room, c.summary, c.deadline, c.reason, c.overdue)
            for c in r.carried
        ),
        outgoing=sheet.outgoing_name,
        confirmed_at=sheet.confirmed_at,
        incoming=sheet.incoming_name,
        accepted_at=sheet.accepted_at,
        accept_by=sheet.accept_by,
        flagged=sheet.flagged,
    )


def handover_serial(ctx: Ctx, handover_id: int) -> str:
    """The number printed on a duty record: ``JB-YYYYMMDD-NN``, the NN-th handover written
    for that day's shifts.

    Handovers have no serial counter of their own; this one is derived, and stays the same
    for good: the day is the frozen record's, and a later handover always has a larger id,
    so it can only be appended after those already numbered.
    """
    return _handover_serial(ctx, handover_id, handover.frozen_record(ctx, handover_id).day)


def _handover_serial(ctx: Ctx, handover_id: int, day: date) -> str:
    return numbering.handover_serial(day, _day_handovers(ctx, day).index(handover_id) + 1)


def _day_handovers(ctx: Ctx, day: date) -> list[int]:
    """Ids of the handovers whose record belongs to ``day``, oldest first."""
    start = datetime.combine(day, time())
    # a shift belongs to the day its occurrence starts: it came on duty from the day
    # before (early for a night shift) to the day after (late for a 24-hour one)
    found = ctx.session.exec(
        select(Handover.id, Handover.snapshot)
        .join(Shift, col(Shift.id) == col(Handover.shift_id))
        .where(
            col(Shift.started_at) >= start - timedelta(days=1),
            col(Shift.started_at) < start + timedelta(days=2),
        )
        .order_by(col(Handover.id))
    ).all()
    return [
        hid
        for hid, snapshot in found
        if hid is not None and snapshot and handover.from_json(snapshot).day == day
    ]


def handover_form_by_serial(ctx: Ctx, serial: str) -> HandoverForm:
    """客服值班记录表 with this serial, as typed or scanned (NotFoundError if none)."""
    handover_id, serial = handover_by_serial(ctx, serial)
    return _handover(ctx, handover_id, serial)


def handover_by_serial(ctx: Ctx, serial: str) -> tuple[int, str]:
    """(handover id, serial as printed) of ``JB-YYYYMMDD-NN`` (NotFoundError if none)."""
    text = serial.strip().upper()
    if not text:
        raise ValidationError("serial", "单号", "请填写值班记录的单号")
    found = numbering.parse(text)
    # a day that does not exist (20261131) has no record
    day = numbering.day_of(found.day) if found and found.kind == "handover" else None
    if found and day is not None:
        ids, n = _day_handovers(ctx, day), int(found.n)
        if 1 <= n <= len(ids):
            return ids[n - 1], numbering.handover_serial(day, n)
    prefix = text.split("-", 1)[0]
    other = SERIAL_NAMES.get(prefix)
    mine = numbering.HANDOVER_PREFIX
    hint = f"（{prefix} 开头的是{other}的单号）" if other and prefix != mine else ""
    raise NotFoundError(f"找不到单号为 {text} 的值班记录{hint}，请检查后重新输入。")


def handover_forms(ctx: Ctx, day: date) -> list[HandoverForm]:
    """客服值班记录表 of every shift of ``day`` that has one, in the order of the shifts:
    the day's duty records printed in one go (NotFoundError if there is none)."""
    ids = _day_handovers(ctx, day)
    found = [
        _handover(ctx, hid, numbering.handover_serial(day, n)) for n, hid in enumerate(ids, start=1)
    ]
    if not found:
        waiting = [f"{e.shift_name}（{e.staff_name}）" for e in handover.for_date(ctx, day)]
        hint = f"；这天{'、'.join(waiting)}还没有交班" if waiting else ""
        raise NotFoundError(f"{day.isoformat()} 没有交接班记录可以打印{hint}。")
    return sorted(found, key=lambda f: f.started_at)


# --- by kind: the latest record, or a record the UI has open -----------------------------

_NAMES = {"workorder": "派工单", "complaint": "投诉单", "loan": "借用记录"}


def _build(ctx: Ctx, kind: str, record: object) -> WorkOrderForm | ComplaintForm | LoanSlip:
    if kind == "workorder":
        return _workorder(ctx, record)  # type: ignore[arg-type]
    if kind == "complaint":
        return _complaint(ctx, record)  # type: ignore[arg-type]
    return _slip(ctx, record)  # type: ignore[arg-type]


def latest_form(ctx: Ctx, kind: str) -> WorkOrderForm | ComplaintForm | LoanSlip | HandoverForm:
    """The form of the newest record of ``kind`` (``workorder``, ``complaint``, ``loan``;
    ``handover``: that of the latest shift with one)."""
    if kind == "handover":
        latest = handover.latest(ctx)
        if latest is None or latest.id is None:
            raise NotFoundError("还没有交接班记录可以打印。")
        return _handover(ctx, latest.id)
    model = MODELS[kind]
    record = ctx.session.exec(
        select(model).order_by(col(model.created_at).desc(), col(model.id).desc())
    ).first()
    if record is None:
        raise NotFoundError(f"还没有{_NAMES[kind]}可以打印。")
    return _build(ctx, kind, record)


def record_form(
    ctx: Ctx, kind: str, record_id: int
) -> WorkOrderForm | ComplaintForm | LoanSlip | HandoverForm:
    """The form of the record a detail view shows (``kind`` as in desk.services.views.details,
    or ``handover``)."""
    if kind == "handover":
        return _handover(ctx, record_id)
    record = ctx.session.get(MODELS[kind], record_id)
    if record is None:
        raise NotFoundError(f"找不到这条记录（编号 {record_id}），可能已被其他窗口更改。")
    return _build(ctx, kind, record)


# --- shared ---------------------------------------------------------------------------------


def _by_serial(ctx: Ctx, model: Any, serial: str, kind: SerialKind) -> Any:
    text = serial.strip().upper()
    wanted = SERIAL_NAMES[kind.value]
    if not text:
        raise ValidationError("serial", "单号", f"请填写{wanted}的单号")
    record = ctx.session.exec(select(model).where(model.serial == text)).first()
    if record is None:
        prefix = text.split("-", 1)[0]
        other = SERIAL_NAMES.get(prefix)
        hint = f"（{prefix} 开头的是{other}的单号）" if other and prefix != kind.value else ""
        raise NotFoundError(f"找不到单号为 {text} 的{wanted}{hint}，请检查后重新输入。")
    return record


def _head(ctx: Ctx, title: str, code: str, serial: str, record: object) -> FormHead:
    voided = getattr(record, "voided_at", None) is not None
    return FormHead(
        office=_office(ctx),
        title=title,
        form_code=code,
        serial=serial,
        printed_at=ctx.now,
        void_reason=(getattr(record, "void_reason", "") or "作废") if voided else "",
    )


def _office(ctx: Ctx) -> str:
    return str(settings.get(ctx.session, "office.name") or "")


def _staff_names(ctx: Ctx) -> dict[int, str]:
    return {s.id: s.name for s in ctx.session.exec(select(Staff)).all() if s.id is not None}


def _who_set(ctx: Ctx, entity: str, entity_id: int | None, field: str, names: dict) -> str:
    """Who last changed ``field`` of a record, from the audit log ('' if unknown)."""
    staff_id = ctx.session.exec(
        select(AuditEvent.staff_id)
        .where(
            AuditEvent.entity == entity,
            AuditEvent.entity_id == entity_id,
            AuditEvent.field == field,
        )
        .order_by(col(AuditEvent.id).desc())
    ).first()
    return names.get(staff_id, "") if staff_id is not None else ""


def _callback(ctx: Ctx, link: object, names: dict[int, str]) -> CallbackInfo | None:
    """The latest callback that is not void (the one after a 返工 replaces the one before)."""
    cb = ctx.session.exec(
        select(Callback)
        .where(link, Callback.state != CallbackState.VOID)  # type: ignore[arg-type]
        .order_by(col(Callback.id).desc())
    ).first()
    if cb is None:
        return None
    return CallbackInfo(
        due_at=cb.due_at,
        done_at=cb.done_at,
        staff=names.get(cb.staff_id, "") if cb.staff_id and cb.done_at else "",
        way=cb.way.value if cb.way else "",
        satisfaction=cb.satisfaction.value if cb.satisfaction else "",
        outcome=cb.outcome,
        comment=cb.comment,
    )


# --- on the record -------------------------------------------------------------------------


def audit_words(forms: Sequence[Form], title: str = "") -> tuple[str, int]:
    """What the audit calls a print or export of ``forms`` (``audit.exported``'s ``what``)
    and how many records of residents they hold: one form by its title and serial, a
    batch by ``title``; a register's lines, a duty record's carried items, one for a
    record's own form."""
    one = forms[0].head if len(forms) == 1 else None
    what = f"{one.title} {one.serial}" if one is not None else title or forms[0].head.title
    return what, sum(_records_on(form) for form in forms)


def _records_on(form: Form) -> int:
    if isinstance(form, LoanRegister):
        return len(form.rows)
    if isinstance(form, HandoverForm):
        return len(form.carried)
    return 1
