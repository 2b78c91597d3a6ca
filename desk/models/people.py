"""Units, residents and staff: who lives where, and who works the desk."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel, UniqueConstraint

from desk.models.base import enum_field
from desk.models.enums import ResidentRole, StaffRole, UnitKind


class Unit(SQLModel, table=True):
    """A flat (楼栋-单元-房号) or a named public area (电梯厅, 地下车库 …)."""

    __table_args__ = (UniqueConstraint("code"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: UnitKind = enum_field(UnitKind, UnitKind.UNIT)
    # "3-2-1201" or the public area's name; the unique constraint above indexes it
    code: str = Field(max_length=40)
    building: str = Field(default="", max_length=10)
    entrance: str = Field(default="", max_length=4)
    room: str = Field(default="", max_length=10)
    name: str = Field(default="", max_length=60)  # display name for public areas
    area_m2: float | None = None
    occupied: bool = True
    notes: str = Field(default="", max_length=500)
    created_at: NaiveDatetime
    updated_at: NaiveDatetime


class Resident(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    name: str = Field(max_length=40, index=True)
    name_pinyin: str = Field(default="", max_length=160, index=True)  # "zhangsan"
    name_initials: str = Field(default="", max_length=40, index=True)  # "zs"
    role: ResidentRole = enum_field(ResidentRole, ResidentRole.OWNER)
    phones: str = Field(default="", max_length=200)  # canonical numbers, comma-separated
    moved_in: date | None = None
    moved_out: date | None = None
    notes: str = Field(default="", max_length=500)
    created_at: NaiveDatetime
    updated_at: NaiveDatetime


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    role: StaffRole = enum_field(StaffRole, StaffRole.RECEPTIONIST)
    phone: str = Field(default="", max_length=40)
    active: bool = True
    created_at: NaiveDatetime
    updated_at: NaiveDatetime
    # log-in (services.core.accounts): "" = no password set yet, else a self-describing
    # hash (services.core.passwords). Server defaults let an old file's rows and plain
    # INSERTs (tests, scripts) get "no password" too (migration 0007).
    # (a text clause: alembic's comparison cannot unquote an empty string default)
    password_hash: str = Field(
        default="", max_length=200, sa_column_kwargs={"server_default": sa.text("''")}
    )
    # wrong passwords since the last right one; every fifth locks until locked_until
    failed_logins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: NaiveDatetime | None = None
    password_set_at: NaiveDatetime | None = None
