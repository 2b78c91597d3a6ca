"""The paper forms' data, read from the database: 派工单 (QR-025SD), 客户投诉处理单
(QR-026SD), 物品借用登记表 (QR-030SD; keys: 钥匙借用登记表 QR-008SD) and the one-loan slip.

Read-only. Each function returns a plain frozen dataclass of ``desk.reports.forms``
(re-exported here), which ``desk.reports.forms.render(form, path)`` writes as PDF or
xlsx — on any thread, without the database. Staff ids become names, the office name
comes from settings, deadlines are as the desk sees them now (time 待料 added), and the
dispatcher falls back to the audit log for orders dispatched before it was recorded.

    with reading(engine) as ctx:
        form = forms.workorder_form(ctx, "PG-20261122-003")
    render(form, "派工单.pdf")
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select

from desk.models import (
    AuditEvent,
    Callback,
    Complaint,
    ComplaintAttachment,
    Loan,
    LoanItem,
    Staff,
    WorkOrder,
)
from desk.models.enums import CallbackState, LoanKind, LoanState
from desk.models.errors import NotFoundError, ValidationError
from desk.reports.forms import (
    CallbackInfo,
    ComplaintForm,
    FormHead,
    LoanRegister,
    LoanRow,
    LoanSlip,
    MaterialRow,
    WorkOrderForm,
)
from desk.services import settings, workorders
from desk.services.context import Ctx
from desk.services.numbering import SerialKind

__all__ = [
    "CallbackInfo",
    "ComplaintForm",
    "FormHead",
    "LoanRegister",
    "LoanRow",
    "LoanSlip",
    "MaterialRow",
    "WorkOrderForm",
    "complaint_form",
    "latest_form",
    "loan_register",
    "loan_slip",
    "record_form",
    "workorder_form",
]

WORK_ORDER = ("派工单", "QR-025SD")
COMPLAINT = ("客户投诉处理单", "QR-026SD")
# kind → (register title, slip title, form code, register serial prefix)
LOAN_FORMS = {
    LoanKind.ITEM: ("物品借用登记表", "物品借用单", "QR-030SD", "JYDJ"),
    LoanKind.KEY: ("钥匙借用登记表", "钥匙借用单", "QR-008SD", "YSDJ"),
}
REGISTER_MAX_DAYS = 366
# what a serial's prefix names, for "that is a complaint's number" hints
SERIAL_NAMES = {
    SerialKind.WORK_ORDER.value: "派工单",
    SerialKind.COMPLAINT.value: "投诉单",
    SerialKind.LOAN.value: "借用单",
    SerialKind.VISIT.value: "来访记录",
    SerialKind.CALL.value: "来电记录",
}


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
    )


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
    )


# --- 物品借用 -------------------------------------------------------------------------------


def loan_slip(ctx: Ctx, serial: str) -> LoanSlip:
    """The one-loan slip (物品借用单 / 钥匙借用单) of the loan with this serial."""
    return _slip(ctx, _by_serial(ctx, Loan, serial, SerialKind.LOAN))


def _slip(ctx: Ctx, loan: Loan) -> LoanSlip:
    item = ctx.session.get(LoanItem, loan.item_id)
    kind = item.kind if item else LoanKind.ITEM
    _register, title, code, _prefix = LOAN_FORMS[LoanKind(kind)]
    row = _loan_row(ctx, loan, item.name if item else "", _staff_names(ctx))
    return LoanSlip(head=_head(ctx, title, code, loan.serial, loan), loan=row)


def loan_register(
    ctx: Ctx, start: date, end: date | None = None, kind: LoanKind = LoanKind.ITEM
) -> LoanRegister:
    """物品借用登记表 (or 钥匙借用登记表) of the loans made from ``start`` to ``end``
    (inclusive; one day when ``end`` is not given), oldest first, voided ones marked."""
    end = end or start
    if end < start:
        raise ValidationError("end", "结束日期", "不能早于开始日期")
    if (end - start).days >= REGISTER_MAX_DAYS:
        raise ValidationError("end", "日期范围", f"一次最多打印 {REGISTER_MAX_DAYS} 天的登记")
    title, _slip_title, code, prefix = LOAN_FORMS[kind]
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
    one_day = start == end
    serial = f"{prefix}-{start:%Y%m%d}" + ("" if one_day else f"-{end:%Y%m%d}")
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
        rows=tuple(_loan_row(ctx, loan, item.name, names) for loan, item in found),
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


# --- by kind: the latest record, or a record the UI has open -----------------------------

_MODELS = {"workorder": WorkOrder, "complaint": Complaint, "loan": Loan}
_NAMES = {"workorder": "派工单", "complaint": "投诉单", "loan": "借用记录"}


def _build(ctx: Ctx, kind: str, record: object) -> WorkOrderForm | ComplaintForm | LoanSlip:
    if kind == "workorder":
        return _workorder(ctx, record)  # type: ignore[arg-type]
    if kind == "complaint":
        return _complaint(ctx, record)  # type: ignore[arg-type]
    return _slip(ctx, record)  # type: ignore[arg-type]


def latest_form(ctx: Ctx, kind: str) -> WorkOrderForm | ComplaintForm | LoanSlip:
    """The form of the newest record of ``kind`` (``workorder``, ``complaint``, ``loan``)."""
    model = _MODELS[kind]
    record = ctx.session.exec(
        select(model).order_by(col(model.created_at).desc(), col(model.id).desc())
    ).first()
    if record is None:
        raise NotFoundError(f"还没有{_NAMES[kind]}可以打印。")
    return _build(ctx, kind, record)


def record_form(ctx: Ctx, kind: str, record_id: int) -> WorkOrderForm | ComplaintForm | LoanSlip:
    """The form of the record a detail view shows (``kind`` as in desk.services.details)."""
    record = ctx.session.get(_MODELS[kind], record_id)
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
