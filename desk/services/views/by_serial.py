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
How serials are written and taken apart: ``desk.services.core.numbering``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from desk.models import MODELS, Handover, kinds
from desk.models.enums import LoanKind
from desk.models.errors import NotFoundError, ValidationError
from desk.services.core import numbering
from desk.services.core.context import Ctx
from desk.services.io import paper_forms

__all__ = ["Found", "find"]

MAX_LEN = numbering.MAX_LEN


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


def find(ctx: Ctx, text: str) -> Found:
    serial = numbering.normalise(text)
    if not serial:
        raise ValidationError("serial", "单号", "请扫描或输入单号")
    if len(serial) > MAX_LEN:
        raise ValidationError("serial", "单号", f"单号最长 {MAX_LEN} 个字符，这不是单号")
    parsed = numbering.parse(serial)
    if parsed is None:
        raise _no_serial(serial)
    serial = parsed.text
    if parsed.kind == "register":
        start, end = _day(parsed.day), _day(parsed.last or parsed.day)
        if end < start:
            raise ValidationError("serial", "单号", f"{serial}：结束日期早于开始日期")
        return Found("register", serial, start=start, end=end, loan_kind=parsed.loan_kind)
    if parsed.kind == "handover":
        handover_id, serial = paper_forms.handover_by_serial(ctx, serial)  # NotFoundError when none
        shift_id = ctx.session.exec(
            select(Handover.shift_id).where(Handover.id == handover_id)
        ).one()
        return Found("handover", serial, shift_id)
    model = MODELS[parsed.kind]
    record_id = ctx.session.exec(select(model.id).where(model.serial == serial)).first()
    if record_id is None:
        raise NotFoundError(f"找不到单号为 {serial} 的{numbering.SERIAL_NAMES[parsed.prefix]}。")
    return Found(parsed.kind, serial, record_id)


def _no_serial(serial: str) -> ValidationError:
    names = numbering.SERIAL_NAMES
    example = kinds.WORKORDER.prefix
    others = "、".join(f"{p}-…（{name}）" for p, name in names.items() if p != example)
    return ValidationError(
        "serial",
        "单号",
        f"“{serial[:20]}”不是本系统的单号。单号印在表单右上角，"
        f"如 {example}-20261129-003（{names[example]}）、{others}。",
    )


def _day(digits: str) -> date:
    day = numbering.day_of(digits)
    if day is None:
        raise ValidationError("serial", "单号", f"单号里的日期 {digits} 不存在")
    return day
