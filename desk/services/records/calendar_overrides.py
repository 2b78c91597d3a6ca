"""The office's own 调休 and 放假 days on top of the public calendar (节假日调整).

A ``CalendarOverride`` says of one day "上班" or "放假" whatever the public calendar says
(``services.core.calendar.WorkCalendar`` reads them); the deadlines counted in working days
follow from the next save on. Only a 主管 or 经理 may change them (``permissions``:
"calendar"). Every change is audited like a setting — entity ``calendaroverride``, the day
in ``field``, old → new in words (``上班：公司年会调休``); removing an override writes its
audit row (old → nothing) before the row goes: an override is configuration, not a
record, so it is deleted rather than voided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from desk.models import CalendarOverride
from desk.models.errors import ValidationError
from desk.models.typed_dates import FIRST_DAY, LAST_DAY
from desk.models.validation import clean_text
from desk.services.core import audit, permissions
from desk.services.core.calendar import WorkCalendar
from desk.services.core.context import Ctx

ENTITY = "calendaroverride"
NOTE_MAX = 100  # the model's column
WORKDAY, HOLIDAY = "上班", "放假"


@dataclass(frozen=True)
class DayOverride:
    """One override as the list shows it, with what the public calendar says of the day."""

    day: date
    is_workday: bool
    note: str
    public: str  # 工作日, 周末, 调休上班, 放假：国庆节

    @property
    def words(self) -> str:
        return WORKDAY if self.is_workday else HOLIDAY


def _words(is_workday: bool, note: str) -> str:
    """What the audit keeps of an override: 上班, or 放假：公司年会."""
    said = WORKDAY if is_workday else HOLIDAY
    return f"{said}：{note}" if note else said


def check_day(day: date) -> date:
    if type(day) is not date:  # a datetime is a date too, and would be stored with its time
        raise ValidationError("day", "日期", "请写一个日期，如 2026-10-10")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            "day", "日期", f"应在 {FIRST_DAY.year} 年到 {LAST_DAY.year} 年之间（现在是 {day}）"
        )
    return day


def overrides(ctx: Ctx, since: date | None = None) -> list[DayOverride]:
    """The office's overrides by day (from ``since`` on, when given)."""
    stmt = select(CalendarOverride).order_by(CalendarOverride.day)  # type: ignore[arg-type]
    if since is not None:
        stmt = stmt.where(CalendarOverride.day >= since)
    public = WorkCalendar()
    return [
        DayOverride(row.day, row.is_workday, row.note, public.public_words(row.day))
        for row in ctx.session.exec(stmt).all()
    ]


def set_day(ctx: Ctx, day: date, is_workday: bool, note: str = "") -> DayOverride:
    """Make ``day`` a working day (``is_workday``) or a day off for the office, with an
    optional note (why: 公司年会, 台风停工); changing an existing override keeps one row."""
    permissions.require(ctx, "calendar")
    check_day(day)
    note = clean_text(note, field="note", label="说明", max_len=NOTE_MAX)
    row = ctx.session.get(CalendarOverride, day)
    old = None if row is None else _words(row.is_workday, row.note)
    new = _words(bool(is_workday), note)
    if old != new:
        if row is None:
            row = CalendarOverride(day=day, is_workday=bool(is_workday), note=note)
        row.is_workday, row.note = bool(is_workday), note
        ctx.session.add(row)
        audit.keyed_changed(ctx, ENTITY, day.isoformat(), old, new)
    return DayOverride(day, bool(is_workday), note, WorkCalendar().public_words(day))


def clear_day(ctx: Ctx, day: date) -> bool:
    """Remove the override of ``day`` (the public calendar counts again); False when there
    was none, and nothing is written."""
    permissions.require(ctx, "calendar")
    check_day(day)
    row = ctx.session.get(CalendarOverride, day)
    if row is None:
        return False
    audit.keyed_changed(ctx, ENTITY, day.isoformat(), _words(row.is_workday, row.note), None)
    ctx.session.delete(row)
    return True
