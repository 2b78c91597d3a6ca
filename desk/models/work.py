"""Repairs and complaints: the records with a workflow, deadlines and callbacks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import NaiveDatetime
from sqlalchemy import Column
from sqlmodel import Field, Index, LargeBinary, SQLModel

from desk.models.base import PartyBase, RecordBase, enum_field, money
from desk.models.enums import (
    CallbackSource,
    CallbackState,
    CallbackWay,
    Channel,
    ComplaintChannel,
    ComplaintState,
    EscalationLevel,
    Satisfaction,
    Severity,
    Urgency,
    WorkOrderState,
)


class WorkOrder(RecordBase, PartyBase, table=True):
    """报修 / 派工单 (QR-025SD).

    Deadlines: ``response_due``/``completion_due`` are the deadlines as computed at
    intake; time spent 待料 is added through ``paused_seconds`` (and the running
    pause since ``paused_since``) — see desk.services.core.sla.

    The SLA clock (``workorders.clock``), kept by the services at every change so a list
    can filter and sort by it in SQL: ``completion_from`` is when the completion limit
    began (the intake or appointment, or the last 返工); ``overdue_at`` the deadline
    running now — overdue once past it, None while none runs (closed, 待料) — and
    ``clock_from`` when that deadline's time began (later by the 待料 pauses).
    """

    __table_args__ = (
        Index("ix_workorder_unit_time", "unit_id", "created_at"),
        Index("ix_workorder_state_due", "state", "completion_due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    state: WorkOrderState = enum_field(WorkOrderState, WorkOrderState.NEW, index=True)
    channel: Channel = enum_field(Channel, Channel.CALL)
    location: str = Field(default="", max_length=60)  # public area / free place text
    category: str = Field(max_length=20)
    urgency: Urgency = enum_field(Urgency, Urgency.ORDINARY)
    is_paid: bool = False
    appointment_at: NaiveDatetime | None = None
    description: str = Field(max_length=2000)
    response_due: NaiveDatetime
    completion_due: NaiveDatetime
    dispatched_at: NaiveDatetime | None = None
    dispatcher_id: int | None = Field(default=None, foreign_key="staff.id")
    assignee: str = Field(default="", max_length=60)  # team or technician
    arrived_at: NaiveDatetime | None = None  # response: someone on site
    paused_since: NaiveDatetime | None = None
    paused_seconds: int = 0
    parts_expected: date | None = None
    completed_at: NaiveDatetime | None = None
    cause: str = Field(default="", max_length=1000)
    work_done: str = Field(default="", max_length=2000)
    labour_fee: Decimal | None = money()
    materials_fee: Decimal | None = money()
    total_fee: Decimal | None = money()
    rework_count: int = 0
    # the visit or call this came from ("one action turns a visit into a repair")
    visit_id: int | None = Field(default=None, foreign_key="visit.id", index=True)
    call_id: int | None = Field(default=None, foreign_key="call.id", index=True)
    completion_from: NaiveDatetime | None = None
    clock_from: NaiveDatetime | None = None
    overdue_at: NaiveDatetime | None = Field(default=None, index=True)


class WorkOrderMaterial(SQLModel, table=True):
    """One line of the materials table on a paid work order."""

    id: int | None = Field(default=None, primary_key=True)
    work_order_id: int = Field(foreign_key="workorder.id", index=True)
    name: str = Field(max_length=60)
    quantity: Decimal = money(nullable=False)
    unit_price: Decimal = money(nullable=False)
    amount: Decimal = money(nullable=False)


class Complaint(RecordBase, PartyBase, table=True):
    """客户投诉处理单 (QR-026SD).

    ``overdue_at`` is the deadline running now (``complaints.clock``), kept by the
    services at every change: overdue once past it, None while none runs.
    """

    __table_args__ = (
        Index("ix_complaint_unit_time", "unit_id", "created_at"),
        Index("ix_complaint_state_due", "state", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    state: ComplaintState = enum_field(ComplaintState, ComplaintState.ACCEPTED, index=True)
    channel: ComplaintChannel = enum_field(ComplaintChannel, ComplaintChannel.CALL)
    occurred_at: NaiveDatetime | None = None
    occurred_place: str = Field(default="", max_length=100)
    target: str = Field(default="", max_length=100)  # who / which department
    category: str = Field(max_length=20)
    subtype: str = Field(default="", max_length=20)
    severity: Severity = enum_field(Severity, Severity.MINOR)
    description: str = Field(max_length=5000)
    demand: str = Field(default="", max_length=1000)  # what the resident wants
    demand_deadline: NaiveDatetime | None = None
    witnesses: str = Field(default="", max_length=200)
    level: EscalationLevel = enum_field(EscalationLevel, EscalationLevel.DESK)
    due_at: NaiveDatetime  # escalate/resolve by (DOMAIN §4)
    escalated_at: NaiveDatetime | None = None
    department: str = Field(default="", max_length=40)
    measures: str = Field(default="", max_length=2000)
    result: str = Field(default="", max_length=2000)
    reply: str = Field(default="", max_length=2000)
    replied_at: NaiveDatetime | None = None
    # the visit or call this came from ("one action turns a visit into a repair")
    visit_id: int | None = Field(default=None, foreign_key="visit.id", index=True)
    call_id: int | None = Field(default=None, foreign_key="call.id", index=True)
    overdue_at: NaiveDatetime | None = Field(default=None, index=True)


class ComplaintAttachment(SQLModel, table=True):
    """A photo or file kept inside the database, so a backup of one file keeps it too."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    filename: str = Field(max_length=200)
    mime: str = Field(default="application/octet-stream", max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    added_at: NaiveDatetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    voided_at: NaiveDatetime | None = None
    void_reason: str = Field(default="", max_length=200)


class Callback(SQLModel, table=True):
    """回访 — created when a work order completes or a complaint is answered."""

    __table_args__ = (
        Index("ix_callback_state_due", "state", "due_at"),
        Index("ix_callback_unit_time", "unit_id", "created_at"),  # a unit's timeline
    )

    id: int | None = Field(default=None, primary_key=True)
    source: CallbackSource = enum_field(CallbackSource)
    work_order_id: int | None = Field(default=None, foreign_key="workorder.id", index=True)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    state: CallbackState = enum_field(CallbackState, CallbackState.DUE)
    created_at: NaiveDatetime = Field(index=True)
    updated_at: NaiveDatetime
    due_at: NaiveDatetime
    done_at: NaiveDatetime | None = None
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    way: CallbackWay | None = enum_field(CallbackWay, None, nullable=True)
    satisfaction: Satisfaction | None = enum_field(Satisfaction, None, nullable=True)
    outcome: str = Field(default="", max_length=500)
    comment: str = Field(default="", max_length=1000)
    voided_at: NaiveDatetime | None = None
    void_reason: str = Field(default="", max_length=200)
