"""Shifts and handovers, settings, calendar overrides, serial counters and the audit log."""

from __future__ import annotations

from datetime import date

from pydantic import NaiveDatetime
from sqlmodel import Field, Index, SQLModel

from desk.models.base import enum_field
from desk.models.enums import AuditAction, HandoverState


class Shift(SQLModel, table=True):
    """One receptionist's time on duty (早班/中班/晚班 …)."""

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    name: str = Field(max_length=10)
    started_at: NaiveDatetime = Field(index=True)
    planned_end: NaiveDatetime | None = None
    ended_at: NaiveDatetime | None = None


class Handover(SQLModel, table=True):
    """交接班 — the duty record (QR-032SD). ``snapshot`` is frozen JSON once accepted."""

    # which shifts still wait for acceptance, read from the index alone: the rows carry
    # kilobytes of snapshot each (services.handover._NOT_ACCEPTED)
    __table_args__ = (Index("ix_handover_state_shift", "state", "shift_id"),)

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id", unique=True)
    state: HandoverState = enum_field(HandoverState, HandoverState.DRAFT)
    outgoing_id: int = Field(foreign_key="staff.id")
    incoming_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: NaiveDatetime = Field(index=True)
    confirmed_at: NaiveDatetime | None = None
    accepted_at: NaiveDatetime | None = None
    notes: str = Field(default="", max_length=2000)
    snapshot: str = Field(default="")  # JSON of counts and open items at confirmation


class DatabaseIdentity(SQLModel, table=True):
    """Which file this is: one row, written when the file is made and never changed.

    Backups carry it, so rotating backups never deletes those of another file, and a
    ``-wal`` file of another database is never replayed into this one
    (desk.models.dbfile).
    """

    id: int = Field(default=1, primary_key=True)
    uid: str = Field(max_length=32)
    created_at: NaiveDatetime


class Setting(SQLModel, table=True):
    """One office setting; values are JSON, the types come from desk.services.core.settings."""

    key: str = Field(primary_key=True, max_length=80)
    value: str


class CalendarOverride(SQLModel, table=True):
    """The office's own working-day exceptions on top of the public-holiday calendar."""

    day: date = Field(primary_key=True)
    is_workday: bool
    note: str = Field(default="", max_length=100)


class SerialCounter(SQLModel, table=True):
    """Last serial number used per kind per day (PG-20261122-003 → kind PG, last 3)."""

    kind: str = Field(primary_key=True, max_length=4)
    day: date = Field(primary_key=True)
    last: int = 0


class AuditEvent(SQLModel, table=True):
    """Who changed what, when: one row per created record or changed field."""

    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime = Field(index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    entity: str = Field(max_length=30)
    entity_id: int
    action: AuditAction = enum_field(AuditAction)
    field: str = Field(default="", max_length=40)
    old: str | None = None
    new: str | None = None
    reason: str = Field(default="", max_length=200)
