"""Column helpers shared by the tables.

Times are **naive local wall-clock datetimes** of the office PC (China has one
time zone and no daylight saving); they are stored as ISO text by SQLAlchemy and
sort correctly as text. See docs/architecture.md.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel


class Fixed2(sa.TypeDecorator[Decimal]):
    """A Decimal with two places, stored exactly as an integer of hundredths (fen).

    SQLite has no decimal type; REAL would round 0.1 + 0.2 and SQLAlchemy warns.
    """

    impl = sa.Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))


def money(default: Decimal | None = None, *, nullable: bool = True) -> Any:
    """A Fixed2 column (amounts in yuan, quantities with two decimals)."""
    return Field(default=default, sa_type=Fixed2, nullable=nullable)


def enum_field(
    enum: type[StrEnum], default: Any = ..., *, index: bool = False, nullable: bool = False
) -> Any:
    """Store the enum's Chinese *value* (not its Python name), so SQL and exports read well."""
    sa_type = sa.Enum(
        enum,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        create_constraint=False,
        length=max(len(m.value) for m in enum) + 4,
        validate_strings=True,
    )
    return Field(default=default, sa_type=sa_type, index=index, nullable=nullable)


class RecordBase(SQLModel):
    """Fields every desk record has: who made it, when, in which shift, and voiding."""

    serial: str = Field(max_length=20, unique=True, index=True)
    created_at: NaiveDatetime = Field(index=True)
    updated_at: NaiveDatetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    voided_at: NaiveDatetime | None = None
    void_reason: str = Field(default="", max_length=200)


class PartyBase(SQLModel):
    """Who and where: a resident from the registry, or free text for a visitor/caller."""

    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    room_text: str = Field(default="", max_length=60)  # as typed when no unit matched
    person_name: str = Field(default="", max_length=40)
    phone: str = Field(default="", max_length=40)
