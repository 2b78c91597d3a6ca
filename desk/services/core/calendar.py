"""Working days: China's public holidays and make-up workdays, plus the office's overrides.

The public calendar comes from the maintained ``holidays`` package (it knows the
调休 weekend workdays); ``calendar_override`` rows win over it. They are edited through
``services.records.calendar_overrides`` (主管/经理; ``desk calendar``). Nothing caches a
``WorkCalendar``: every save that computes a deadline loads one in its own transaction, so
a changed override counts from the next save on (deadlines already stored stay as they are).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from sqlmodel import Session, select

from desk.models import CalendarOverride


@lru_cache(maxsize=1)
def _china() -> holidays.HolidayBase:
    return holidays.China(language="zh_CN")


class WorkCalendar:
    def __init__(self, overrides: dict[date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})

    @classmethod
    def load(cls, session: Session) -> WorkCalendar:
        rows = session.exec(select(CalendarOverride)).all()
        return cls({r.day: r.is_workday for r in rows})

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        cn = _china()
        return cn.is_working_day(day)

    def holiday_name(self, day: date) -> str | None:
        return _china().get(day)

    def public_words(self, day: date) -> str:
        """What the public calendar alone says of ``day``: 放假：国庆节, 调休上班, 周末, 工作日."""
        cn = _china()
        working = cn.is_working_day(day)
        weekend = day.weekday() >= 5
        if working:
            return "调休上班" if weekend else "工作日"
        name = cn.get(day)
        if name:
            return f"放假：{name}"
        return "周末" if weekend else "放假"

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The same time of day on the n-th working day after ``start``'s day."""
        current = start
        remaining = n
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current.date()):
                remaining -= 1
        return current
