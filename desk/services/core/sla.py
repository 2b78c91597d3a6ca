"""Deadlines: how long the desk has, from settings, on the office's working calendar.

A limit spec is ``<n>m`` minutes, ``<n>h`` hours, ``<n>d`` calendar days,
``<n>wd`` working days, or ``eod`` (end of the same day, 23:59:59).

Near and past (the amber and red of every list): a record's own rule names the deadline
running now and when its time began — a ``Clock`` (``workorders.clock``,
``complaints.clock``, ``callbacks.clock``). ``marks`` turns a clock into the two instants
the screens compare with the time: ``amber_at``, when less than ``sla.near_fraction`` of
the clock's span is left, and ``red_at``, the deadline itself (overdue once past it).
Nothing else decides near or overdue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from desk.models.enums import Severity, Urgency
from desk.models.errors import ValidationError
from desk.services.core import settings
from desk.services.core.calendar import WorkCalendar

_SPEC = re.compile(r"^\s*(?:(\d+)\s*(m|h|d|wd)|(eod))\s*$")


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str  # "m" | "h" | "d" | "wd" | "eod"

    @classmethod
    def parse(cls, spec: str, *, key: str = "limit") -> Limit:
        m = _SPEC.match(str(spec).lower())
        if not m:
            raise ValidationError(
                key, "时限", f"“{spec}”无法识别，请写成 30m、2h、2d、5wd 或 eod 这样的形式"
            )
        if m.group(3):
            return cls(0, "eod")
        return cls(int(m.group(1)), m.group(2))

    def due(self, start: datetime, calendar: WorkCalendar) -> datetime:
        if self.unit == "m":
            return start + timedelta(minutes=self.amount)
        if self.unit == "h":
            return start + timedelta(hours=self.amount)
        if self.unit == "d":
            return start + timedelta(days=self.amount)
        if self.unit == "wd":
            return calendar.add_working_days(start, self.amount)
        return start.replace(hour=23, minute=59, second=59, microsecond=0)

    def __str__(self) -> str:
        names = {"m": "分钟", "h": "小时", "d": "天", "wd": "个工作日"}
        return "当天内" if self.unit == "eod" else f"{self.amount}{names[self.unit]}"


def workorder_deadlines(
    intake_at: datetime, urgency: Urgency, settings: dict[str, Any], calendar: WorkCalendar
) -> tuple[datetime, datetime]:
    """(response_due, completion_due) for a work order taken in at ``intake_at``."""
    prefix = f"sla.workorder.{Urgency(urgency).value}"
    response = Limit.parse(settings[f"{prefix}.response"], key=f"{prefix}.response")
    completion = Limit.parse(settings[f"{prefix}.completion"], key=f"{prefix}.completion")
    return response.due(intake_at, calendar), completion.due(intake_at, calendar)


def complaint_due(
    intake_at: datetime,
    severity: Severity,
    settings: dict[str, Any],
    calendar: WorkCalendar,
    demand_deadline: datetime | None = None,
) -> datetime:
    """When the complaint must be escalated (重大/重要) or resolved (轻微).

    For minor complaints the resident's own deadline wins when it is earlier.
    """
    key = f"sla.complaint.{Severity(severity).value}"
    due = Limit.parse(settings[key], key=key).due(intake_at, calendar)
    if severity == Severity.MINOR and demand_deadline is not None:
        due = min(due, demand_deadline)
    return due


def callback_due(
    done_at: datetime, key: str, settings: dict[str, Any], calendar: WorkCalendar
) -> datetime:
    """``key`` is ``sla.callback.workorder`` or ``sla.callback.complaint``."""
    return Limit.parse(settings[key], key=key).due(done_at, calendar)


def paused_for(paused_seconds: int, paused_since: datetime | None, now: datetime) -> timedelta:
    """Total time spent 待料, counting a pause still running."""
    running = (now - paused_since) if paused_since is not None else timedelta(0)
    return timedelta(seconds=paused_seconds) + max(running, timedelta(0))


def effective_due(
    base_due: datetime, paused_seconds: int, paused_since: datetime | None, now: datetime
) -> datetime:
    """A deadline moved later by the time the clock was paused (待料)."""
    return base_due + paused_for(paused_seconds, paused_since, now)


def remaining(due: datetime, now: datetime) -> timedelta:
    return due - now


# --- near and past -------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """The deadline running now (``due``) and when its time began (``start``).

    A record's rule makes it; None where no deadline runs (closed, or 待料).
    """

    start: datetime
    due: datetime


@dataclass(frozen=True)
class Marks:
    """When a row turns amber (near its deadline) and red (past it)."""

    amber_at: datetime
    red_at: datetime


def marks(clock: Clock | None, fraction: float) -> Marks | None:
    """Amber once less than ``fraction`` of the clock's span is left, red once it is past.

    A span that began after its deadline (a resident's own deadline set before the
    record's time) is amber only at the deadline itself.
    """
    if clock is None:
        return None
    span = max(clock.due - clock.start, timedelta(0))
    return Marks(clock.due - span * fraction, clock.due)


def stored_clock(start: datetime | None, due: datetime | None) -> Clock | None:
    """A clock as the services stored it (``overdue_at`` and when its time began): what
    the lists and the details read. Without a known start it is amber only when due."""
    return None if due is None else Clock(start or due, due)


def near_fraction(session: Session) -> float:
    """The office's ``sla.near_fraction``: the part of a span that is "near"."""
    return float(settings.get(session, "sla.near_fraction"))
