"""值班: the office's shift table (``lists.shifts``) and who is on duty at the desk.

One desk, one person on duty at a time: coming on duty ends the previous open shift, whose
handover (交接班, desk.services.duty.handover) stays pending until someone accepts it. Every
record made while on duty carries the shift's id (``Ctx.shift_id``).

Shift definitions are ``{"name": "早班", "start": "08:00", "end": "16:00"}``. ``end`` may be
``24:00``; a shift whose end is not after its start crosses midnight (夜班 20:00–08:00), and
one whose end equals its start lasts 24 hours. Definitions may leave gaps (an office that
closes at night) but never overlap, so any moment has at most one shift.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import and_, or_, select

from desk.models import Shift, Staff
from desk.models.errors import TransitionError, ValidationError
from desk.services.core import audit, permissions, settings
from desk.services.core.context import Ctx
from desk.services.records import common

__all__ = [
    "EARLY",
    "ShiftDef",
    "come_on_duty",
    "current_definition",
    "current_shift_name",
    "definitions",
    "end_shift",
    "find",
    "is_lead",
    "next_shift",
    "next_shift_end",
    "occurrence_end",
    "open_shift",
    "parse_definitions",
    "shift_day",
    "suggested_shift_name",
]

DAY_MINUTES = 24 * 60
# People come on duty up to this long before their shift starts.
EARLY = timedelta(minutes=30)
SETTING = "lists.shifts"
_LABEL = "班次"
_TIME = re.compile(r"^\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*$")
NAME_MAX = 10  # Shift.name


@dataclass(frozen=True)
class ShiftDef:
    """One line of the office's shift table; minutes after midnight, ``end_min`` ≤ 1440."""

    name: str
    start_min: int
    end_min: int

    @property
    def minutes(self) -> int:
        """Length in minutes (1–1440)."""
        return (self.end_min - self.start_min) % DAY_MINUTES or DAY_MINUTES

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @property
    def crosses_midnight(self) -> bool:
        return self.start_min + self.minutes > DAY_MINUTES

    @property
    def start(self) -> str:
        return _hhmm(self.start_min)

    @property
    def end(self) -> str:
        return _hhmm(self.end_min)

    def covers(self, minute: int) -> bool:
        """Whether the minute of the day (0–1439) falls in this shift."""
        return (minute - self.start_min) % DAY_MINUTES < self.minutes

    def occurrence(self, moment: datetime) -> tuple[datetime, datetime] | None:
        """(start, end) of this shift's occurrence that contains ``moment``, if any."""
        if not self.covers(moment.hour * 60 + moment.minute):
            return None
        midnight = datetime.combine(moment.date(), time())
        start = midnight + timedelta(minutes=self.start_min)
        if start > moment:  # began the evening before
            start -= timedelta(days=1)
        return start, start + self.duration

    def __str__(self) -> str:
        return f"{self.name} {self.start}–{self.end}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(value: Any, *, name: str, what: str, allow_24: bool) -> int:
    m = _TIME.match(str(value))
    hours, mins = (int(m.group(1)), int(m.group(2))) if m else (-1, -1)
    ok = m is not None and 0 <= mins < 60 and (0 <= hours < 24 or (allow_24 and hours == 24))
    if not ok or hours * 60 + mins > DAY_MINUTES:
        hint = "00:00 到 24:00" if allow_24 else "00:00 到 23:59"
        raise ValidationError(
            SETTING, _LABEL, f"“{name}”的{what}“{value}”无法识别，请写成 {hint} 之间的时:分"
        )
    return hours * 60 + mins


def parse_definitions(raw: Any) -> list[ShiftDef]:
    """Check the setting's value and return the shifts in the order of their start time.

    Raises ValidationError (field ``lists.shifts``) with a Chinese reason for an empty
    table, a missing or duplicate name, a bad time, or two shifts that overlap.
    """
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationError(SETTING, _LABEL, "请至少设置一个班次")
    out: list[ShiftDef] = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            raise ValidationError(SETTING, _LABEL, f"第{i}个班次应写明名称、开始和结束时间")
        name = " ".join(str(item.get("name") or "").split())
        if not name:
            raise ValidationError(SETTING, _LABEL, f"第{i}个班次没有名称")
        if len(name) > NAME_MAX:
            raise ValidationError(SETTING, _LABEL, f"班次名称“{name}”太长（最多{NAME_MAX}个字）")
        if any(d.name == name for d in out):
            raise ValidationError(SETTING, _LABEL, f"有两个班次都叫“{name}”")
        start = _minutes(item.get("start"), name=name, what="开始时间", allow_24=False)
        end = _minutes(item.get("end"), name=name, what="结束时间", allow_24=True)
        out.append(ShiftDef(name, start, end))
    for i, a in enumerate(out):
        for b in out[i + 1 :]:
            if a.covers(b.start_min) or b.covers(a.start_min):
                raise ValidationError(
                    SETTING, _LABEL, f"“{a}”和“{b}”的时间重叠了，同一时刻只能有一个班次"
                )
    return sorted(out, key=lambda d: d.start_min)


def definitions(conf: Mapping[str, Any]) -> list[ShiftDef]:
    """The shift table from the settings (``settings.all_values``)."""
    return parse_definitions(conf[SETTING])


def current_definition(defs: Sequence[ShiftDef], now: datetime) -> ShiftDef:
    """The shift that covers ``now``; in a gap between shifts, the next one to start."""
    minute = now.hour * 60 + now.minute
    for d in defs:
        if d.covers(minute):
            return d
    return min(defs, key=lambda d: (d.start_min - minute) % DAY_MINUTES)


def current_shift_name(conf: Mapping[str, Any], now: datetime) -> str:
    return current_definition(definitions(conf), now).name


def suggested_shift_name(conf: Mapping[str, Any], now: datetime) -> str:
    """The shift to offer someone coming on duty now (they may be up to ``EARLY`` early)."""
    return current_shift_name(conf, now + EARLY)


def occurrence_end(d: ShiftDef, after: datetime) -> datetime:
    """The first end of an occurrence of ``d`` later than ``after``.

    This is a shift's planned end when someone comes on duty for it at ``after``: early
    (晚班 at 23:50 ends at 08:00 the next morning), on time, or late.
    """
    midnight = datetime.combine(after.date(), time())
    for days in (-1, 0, 1):
        start = midnight + timedelta(days=days, minutes=d.start_min)
        end = start + d.duration
        if end > after:
            return end
    raise AssertionError("unreachable: an occurrence ends within two days")  # pragma: no cover


def next_shift_end(defs: Sequence[ShiftDef], after: datetime) -> datetime:
    """When the shift that follows a shift ending at ``after`` ends.

    Callbacks due before then are carried by a handover, and a handover not accepted by
    then is flagged.
    """
    return occurrence_end(current_definition(defs, after), after)


def find(defs: Sequence[ShiftDef], name: str) -> ShiftDef | None:
    return next((d for d in defs if d.name == name), None)


def shift_day(shift: Shift, defs: Sequence[ShiftDef]) -> date:
    """The date a shift belongs to: the day its occurrence starts (an early start for 晚班
    at 23:50 still belongs to the next day)."""
    d = find(defs, shift.name)
    if d is not None and shift.planned_end is not None:
        return (shift.planned_end - d.duration).date()
    return shift.started_at.date()


# --- on duty -----------------------------------------------------------------------------


def open_shift(ctx: Ctx) -> Shift | None:
    """The shift on duty now (the latest one not ended), or None."""
    stmt = (
        select(Shift)
        .where(Shift.ended_at.is_(None))  # type: ignore[union-attr]
        .order_by(Shift.started_at.desc(), Shift.id.desc())  # type: ignore[attr-defined,union-attr]
    )
    return ctx.session.exec(stmt).first()


def next_shift(ctx: Ctx, shift: Shift) -> Shift | None:
    """The shift that came on duty after ``shift``."""
    stmt = (
        select(Shift)
        .where(
            or_(
                Shift.started_at > shift.started_at,
                and_(Shift.started_at == shift.started_at, Shift.id > shift.id),  # type: ignore[arg-type,operator]
            )
        )
        .order_by(Shift.started_at, Shift.id)  # type: ignore[arg-type]
    )
    return ctx.session.exec(stmt).first()


def _staff(ctx: Ctx, staff_id: int, label: str) -> Staff:
    person = ctx.session.get(Staff, staff_id)
    if person is None or not person.active:
        raise ValidationError("staff_id", label, "请选择一位在职的同事")
    return person


def come_on_duty(ctx: Ctx, staff_id: int, shift_name: str) -> Shift:
    """上班: ``staff_id`` takes the desk for ``shift_name``; the previous open shift ends now.

    Coming on duty again for the same shift before it ends (the program restarted) returns
    that shift; the same shift name on a later day is a new shift.
    ``ctx`` is switched to the person and the new shift, so what follows in the same
    transaction is attributed to them. Undelivered messages for the person:
    ``calls.undelivered_for``; the handover to accept: ``handover.pending``.
    """
    person = _staff(ctx, staff_id, "值班人")
    defs = definitions(settings.all_values(ctx.session))
    d = find(defs, (shift_name or "").strip())
    if d is None:
        options = "、".join(x.name for x in defs)
        raise ValidationError("shift_name", _LABEL, f"请从以下班次中选择：{options}")
    ctx.staff_id = staff_id
    current = open_shift(ctx)
    if (
        current is not None
        and (current.staff_id, current.name) == (staff_id, d.name)
        and current.planned_end is not None
        and ctx.now < current.planned_end
    ):
        ctx.shift_id = current.id  # the same occurrence: the program was restarted
        return current
    if current is not None:
        if current.started_at > ctx.now:
            raise TransitionError("当前值班的开始时间晚于现在，请检查电脑时间后再上班。")
        audit.change(ctx, current, {"ended_at": ctx.now}, reason=f"{person.name}接班")
    shift = Shift(
        staff_id=staff_id,
        name=d.name,
        started_at=ctx.now,
        planned_end=occurrence_end(d, ctx.now),
    )
    ctx.session.add(shift)
    ctx.session.flush()
    audit.created(ctx, shift, summary=f"{person.name} {d.name}上班")
    ctx.shift_id = shift.id
    return shift


def end_shift(ctx: Ctx, shift_id: int) -> Shift:
    """下班 without a successor (the desk closes): the shift ends now.

    Its handover is then accepted by whoever comes on duty next.
    """
    shift = common.get(ctx, Shift, shift_id)
    if shift.ended_at is not None:
        raise TransitionError(f"这个班次已于 {shift.ended_at:%m-%d %H:%M} 结束。")
    if ctx.staff_id != shift.staff_id and not is_lead(ctx):
        raise TransitionError("只有本班值班人或主管可以结束这个班次。")
    audit.change(ctx, shift, {"ended_at": ctx.now})
    if ctx.shift_id == shift.id:
        ctx.shift_id = None
    return shift


def is_lead(ctx: Ctx) -> bool:
    """Whether the person on duty may act for an absent receptionist (the role table)."""
    return permissions.may(ctx.session, ctx.staff_id, "act_for_others")
