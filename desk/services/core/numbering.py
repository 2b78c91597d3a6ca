"""Serial numbers printed on forms: ``PG-20261122-003`` — kind, day, count that day.

The counter row is bumped with one UPSERT … RETURNING inside the caller's write
transaction, which holds SQLite's write lock from ``BEGIN IMMEDIATE``: two
processes saving at once get different numbers, and a rolled-back save gives
its number back. The serial columns are UNIQUE as a last guard.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from desk.models import kinds
from desk.models.db import driver
from desk.services.core.context import Ctx


class SerialKind(StrEnum):
    """The prefixes of the record kinds' serials (declared in desk.models.kinds)."""

    WORK_ORDER = kinds.WORKORDER.prefix  # 派工单 PG
    COMPLAINT = kinds.COMPLAINT.prefix  # 投诉 TS
    LOAN = kinds.LOAN.prefix  # 借用 JY
    VISIT = kinds.VISIT.prefix  # 来访 LF
    CALL = kinds.CALL.prefix  # 来电 LD


_BUMP = (
    "INSERT INTO serialcounter (kind, day, last) VALUES (?, ?, 1) "
    "ON CONFLICT (kind, day) DO UPDATE SET last = last + 1 RETURNING last"
)


def format_serial(kind: SerialKind, day: date, n: int) -> str:
    return f"{kind.value}-{day:%Y%m%d}-{n:03d}"


def next_serial(ctx: Ctx, kind: SerialKind) -> str:
    day = ctx.now.date()
    n = driver(ctx.session).execute(_BUMP, (kind.value, day.isoformat())).fetchone()[0]
    return format_serial(kind, day, n)
