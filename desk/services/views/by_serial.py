"""A serial from a printed form, typed or scanned, to the record it names.

Every form carries its serial as text and as a QR code. A scanner types it like a
keyboard (often followed by Enter); a person types it, maybe in full-width digits, in
lower case or without the dashes. All of these find the record:

- ``PG-20261129-003`` 派工单, ``TS-…`` 投诉单, ``JY-…`` 借用单, ``LF-…`` 来访, ``LD-…`` 来电;
- ``JB-20261129-02`` 客服值班记录表 (the shift it records);
- ``JYDJ-20261129`` / ``YSDJ-20261101-20261130`` 借用登记表 of a day or a range (the loans
  made then).

A text that is no serial at all gets a ValidationError saying what a serial looks like; a
well-formed serial nobody issued gets a NotFoundError naming what kind of form it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import select

from desk.models import MODELS, Handover, kinds
from desk.models.enums import LoanKind
from desk.models.errors import NotFoundError, ValidationError
from desk.models.validation import to_halfwidth
from desk.services.core.context import Ctx
from desk.services.io import paper_forms

__all__ = ["Found", "find", "normalise"]

MAX_LEN = 40  # the longest serial is a register's range: 26 characters

# prefix → (kind the tabs know it by, model)
_RECORDS = {k.prefix: (k.key, MODELS[k.key]) for k in kinds.KINDS.values()}
_REGISTERS = {prefix: kind for kind, (*_titles, prefix) in paper_forms.LOAN_FORMS.items()}
# dashes optional: some scanners and people drop them
_RECORD = re.compile(rf"({'|'.join(_RECORDS)})-?(\d{{8}})-?(\d{{3,4}})")
_HANDOVER = re.compile(rf"{paper_forms.HANDOVER_PREFIX}-?(\d{{8}})-?(\d{{1,3}})")
_REGISTER = re.compile(rf"({'|'.join(_REGISTERS)})-?(\d{{8}})(?:-?(\d{{8}}))?")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣"})


@dataclass(frozen=True)
class Found:
    """What a serial names. ``kind``: ``workorder``, ``complaint``, ``loan``, ``visit``,
    ``call`` (``record_id`` is the record's), ``handover`` (``record_id`` is the shift's) or
    ``register`` (the loans of ``loan_kind`` made from ``start`` to ``end``)."""

    kind: str
    serial: str
    record_id: int | None = None
    start: date | None = None
    end: date | None = None
    loan_kind: LoanKind | None = None


def normalise(text: str) -> str:
    """Half-width, upper case, no blanks, one kind of dash: what the pattern compares."""
    return "".join(to_halfwidth(text).translate(_DASHES).upper().split())


def find(ctx: Ctx, text: str) -> Found:
    serial = normalise(text)
    if not serial:
        raise ValidationError("serial", "单号", "请扫描或输入单号")
    if len(serial) > MAX_LEN:
        raise ValidationError("serial", "单号", f"单号最长 {MAX_LEN} 个字符，这不是单号")
    if m := _RECORD.fullmatch(serial):
        prefix, day, n = m.groups()
        kind, model = _RECORDS[prefix]
        serial = f"{prefix}-{day}-{n}"
        record_id = ctx.session.exec(select(model.id).where(model.serial == serial)).first()
        if record_id is None:
            raise NotFoundError(f"找不到单号为 {serial} 的{paper_forms.SERIAL_NAMES[prefix]}。")
        return Found(kind, serial, record_id)
    if m := _HANDOVER.fullmatch(serial):
        serial = f"{paper_forms.HANDOVER_PREFIX}-{m.group(1)}-{m.group(2)}"
        handover_id, serial = paper_forms.handover_by_serial(ctx, serial)  # NotFoundError when none
        shift_id = ctx.session.exec(
            select(Handover.shift_id).where(Handover.id == handover_id)
        ).one()
        return Found("handover", serial, shift_id)
    if m := _REGISTER.fullmatch(serial):
        prefix, first, last = m.groups()
        start, end = _day(first), _day(last or first)
        if end < start:
            raise ValidationError("serial", "单号", f"{serial}：结束日期早于开始日期")
        serial = f"{prefix}-{first}" + (f"-{last}" if last else "")
        return Found("register", serial, start=start, end=end, loan_kind=_REGISTERS[prefix])
    raise ValidationError(
        "serial",
        "单号",
        f"“{serial[:20]}”不是本系统的单号。单号印在表单右上角，如 PG-20261129-003（派工单）、"
        "TS-…（投诉）、JY-…（借用）、LF-…（来访）、LD-…（来电）、JB-…（值班记录）。",
    )


def _day(digits: str) -> date:
    try:
        return datetime.strptime(digits, "%Y%m%d").date()
    except ValueError:
        raise ValidationError("serial", "单号", f"单号里的日期 {digits} 不存在") from None
