"""Serial numbers printed on forms, made and read here only (prefixes from the registry,
desk.models.kinds):

- a record's: ``PG-20261122-003`` — kind, day, count that day (at least three digits). The
  counter row is bumped with one UPSERT … RETURNING inside the caller's write transaction,
  which holds SQLite's write lock from ``BEGIN IMMEDIATE``: two processes saving at once
  get different numbers, and a rolled-back save gives its number back. The serial columns
  are UNIQUE as a last guard.
- a duty record's: ``JB-20261123-02`` — the second handover written for that day's shifts.
  Not counted: its position, worked out when printed (``io.paper_forms``).
- a loan register's: ``JYDJ-20261123`` (物品) or ``YSDJ-20261101-20261130`` (钥匙) — the
  day or the range of days it lists.

``parse`` takes a serial apart as typed or scanned (dashes optional); what it names is looked
up by ``views.by_serial`` and ``io.paper_forms``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from desk.models import kinds
from desk.models.db import driver
from desk.models.enums import LoanKind
from desk.models.validation import to_halfwidth
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


HANDOVER_PREFIX = kinds.HANDOVER.prefix or ""  # JB
# prefix → the loans' kind of register
_REGISTERS = {prefix: loan_kind for loan_kind, prefix in kinds.REGISTER_PREFIXES.items()}
# prefix → the kind whose records carry counted serials
_COUNTED = {k.prefix: k.key for k in kinds.ALL_KINDS.values() if k.prefix and k.counted}
# what a serial's prefix names, for "that is a complaint's number" hints
SERIAL_NAMES: dict[str, str] = {
    k.prefix: k.serial_name for k in kinds.ALL_KINDS.values() if k.prefix
}

# dashes optional: some scanners and people drop them
_RECORD = re.compile(rf"({'|'.join(_COUNTED)})-?(\d{{8}})-?(\d{{3,4}})")
_HANDOVER = re.compile(rf"{HANDOVER_PREFIX}-?(\d{{8}})-?(\d{{1,3}})")
_REGISTER = re.compile(rf"({'|'.join(_REGISTERS)})-?(\d{{8}})(?:-?(\d{{8}}))?")


def format_serial(kind: SerialKind, day: date, n: int) -> str:
    return f"{kind.value}-{day:%Y%m%d}-{n:03d}"


def handover_serial(day: date, n: int) -> str:
    """``JB-YYYYMMDD-NN``: the ``n``-th duty record written for ``day``'s shifts."""
    return f"{HANDOVER_PREFIX}-{day:%Y%m%d}-{n:02d}"


def register_serial(loan_kind: LoanKind, start: date, end: date | None = None) -> str:
    """``JYDJ-YYYYMMDD`` for one day's register, ``…-YYYYMMDD-YYYYMMDD`` for a range."""
    head = f"{kinds.REGISTER_PREFIXES[loan_kind]}-{start:%Y%m%d}"
    return head if end is None or end == start else f"{head}-{end:%Y%m%d}"


@dataclass(frozen=True)
class Serial:
    """A serial taken apart, not yet looked up. ``kind``: the registry's key of a record
    (``workorder`` …, ``handover``) or ``register``; ``day`` (and a register's ``last``
    day) as the eight digits written, which need not be a day at all (``day_of``);
    ``n``: the count as written."""

    kind: str
    prefix: str
    day: str
    n: str = ""
    last: str = ""
    loan_kind: LoanKind | None = None  # a register's

    @property
    def text(self) -> str:
        """As printed: the dashes back, a duty record's count in two digits; a record's
        count as written (it is looked up as it stands)."""
        if self.kind == "register":
            return f"{self.prefix}-{self.day}" + (f"-{self.last}" if self.last else "")
        n = f"{int(self.n):02d}" if self.kind == kinds.HANDOVER.key else self.n
        return f"{self.prefix}-{self.day}-{n}"


MAX_LEN = 40  # the longest serial is a register's range: 26 characters; longer is none
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣"})


def normalise(text: str) -> str:
    """A serial as typed or scanned — full-width digits, lower case, blanks, any dash —
    half-width, upper case, no blanks, one kind of dash: what ``parse`` compares."""
    return "".join(to_halfwidth(text).translate(_DASHES).upper().split())


def parse(text: str) -> Serial | None:
    """``text`` in upper case with no blanks (dashes optional) taken apart; None when it
    is no serial this desk prints."""
    if m := _RECORD.fullmatch(text):
        prefix, day, n = m.groups()
        return Serial(_COUNTED[prefix], prefix, day, n)
    if m := _HANDOVER.fullmatch(text):
        return Serial(kinds.HANDOVER.key, HANDOVER_PREFIX, m.group(1), m.group(2))
    if m := _REGISTER.fullmatch(text):
        prefix, first, last = m.groups()
        return Serial("register", prefix, first, last=last or "", loan_kind=_REGISTERS[prefix])
    return None


def day_of(digits: str) -> date | None:
    """The day of a serial's ``YYYYMMDD``; None when there is no such day (20261131)."""
    try:
        return datetime.strptime(digits, "%Y%m%d").date()
    except ValueError:
        return None


def next_serial(ctx: Ctx, kind: SerialKind) -> str:
    day = ctx.now.date()
    n = driver(ctx.session).execute(_BUMP, (kind.value, day.isoformat())).fetchone()[0]
    return format_serial(kind, day, n)
