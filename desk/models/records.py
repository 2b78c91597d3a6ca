"""The desk's day-to-day records: visits, calls (with 转告 messages), loans."""

from __future__ import annotations

from decimal import Decimal

from pydantic import NaiveDatetime
from sqlmodel import Field, Index, SQLModel

from desk.models.base import PartyBase, RecordBase, enum_field, money
from desk.models.enums import (
    CallType,
    LoanKind,
    LoanState,
    MessageState,
    RecordState,
    VisitOutcome,
    VisitState,
)


class Visit(RecordBase, PartyBase, table=True):
    """来访接待 — one person at the desk (业主来访来电接洽投诉记录表)."""

    __table_args__ = (Index("ix_visit_unit_time", "unit_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    state: VisitState = enum_field(VisitState, VisitState.OPEN, index=True)
    is_resident: bool = True
    id_tail: str = Field(default="", max_length=4)  # last 4 characters of an ID only
    visiting: str = Field(default="", max_length=60)  # household a non-resident visits
    reason: str = Field(max_length=1000)
    outcome: VisitOutcome = enum_field(VisitOutcome, VisitOutcome.SETTLED)
    dept_head: str = Field(default="", max_length=40)  # who it was passed to
    passed_at: NaiveDatetime | None = None
    result: str = Field(default="", max_length=1000)
    closed_at: NaiveDatetime | None = None


class Call(RecordBase, PartyBase, table=True):
    """来电记录 — one phone call; a 转告 call carries a message for a colleague."""

    __table_args__ = (Index("ix_call_unit_time", "unit_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    state: RecordState = enum_field(RecordState, RecordState.ACTIVE)
    call_type: CallType = enum_field(CallType, index=True)
    content: str = Field(max_length=2000)
    reply: str = Field(default="", max_length=2000)
    message_for_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    message_state: MessageState | None = enum_field(MessageState, None, index=True, nullable=True)
    delivered_at: NaiveDatetime | None = None


class LoanItem(SQLModel, table=True):
    """Something the desk lends (ladder, trolley … or a key), with how many it has."""

    id: int | None = Field(default=None, primary_key=True)
    kind: LoanKind = enum_field(LoanKind, LoanKind.ITEM)
    name: str = Field(max_length=40, unique=True)
    stock: int = 1  # how many the office owns
    deposit: Decimal = money(Decimal("0"), nullable=False)
    active: bool = True
    notes: str = Field(default="", max_length=200)
    created_at: NaiveDatetime
    updated_at: NaiveDatetime


class Loan(RecordBase, PartyBase, table=True):
    """物品借用登记 — one lending of an item (QR-030SD) or a key (QR-008SD)."""

    __table_args__ = (Index("ix_loan_unit_time", "unit_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="loanitem.id", index=True)
    quantity: int = 1
    state: LoanState = enum_field(LoanState, LoanState.OUT, index=True)
    deposit: Decimal = money(Decimal("0"), nullable=False)
    expected_return_at: NaiveDatetime = Field(index=True)
    returned_at: NaiveDatetime | None = None
    returned_to_id: int | None = Field(default=None, foreign_key="staff.id")
    condition: str = Field(default="", max_length=200)
    deposit_refunded: Decimal | None = money()
    remarks: str = Field(default="", max_length=200)
