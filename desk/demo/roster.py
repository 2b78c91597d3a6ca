"""Who was on duty when: one shift per slot of the office's shift table, round the clock.

Slots are the occurrences of the shift table in time order; slot 0 is the one on duty at
midnight of the first day (a night shift began the evening before). Receptionists take the
slots in turn, one step a slot plus one a week, so nobody works two shifts back to back.
Every ended shift ends at its planned end, when the next receptionist comes on duty; its
handover is confirmed a few minutes later and accepted soon after (desk.demo.handovers).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from desk.demo.writer import Writer
from desk.models.errors import ValidationError
from desk.services.core import settings as settings_service
from desk.services.duty import shifts as shifts_service

DEFAULT_SHIFTS = next(s.default for s in settings_service.DEFAULTS if s.key == "lists.shifts")


@dataclass(frozen=True)
class Slot:
    started: datetime
    planned_end: datetime
    staff_id: int
    confirmed: datetime | None  # when its handover was confirmed (None: not yet)
    accepted: datetime | None


class Roster:
    def __init__(self, conf: dict[str, Any], start: date, receptionists: list[int]) -> None:
        """The office's shift table (``lists.shifts``; the default one if the table does
        not cover the whole day: the desk is staffed round the clock)."""
        try:
            defs = shifts_service.definitions(conf)
        except ValidationError:
            defs = []
        if sum(d.minutes for d in defs) != 24 * 60:
            defs = shifts_service.parse_definitions(DEFAULT_SHIFTS)
        self.starts = [d.start_min for d in defs]
        self.names = [d.name for d in defs]
        self.midnight = datetime.combine(start, time())
        self.slot0 = 0 if self.starts[0] == 0 else -1
        self.receptionists = receptionists
        self.slots: list[Slot] = []

    def slot(self, t: datetime) -> int:
        delta = t - self.midnight
        day, minute = delta.days, delta.seconds // 60
        k = bisect_right(self.starts, minute) - 1
        if k < 0:  # before the first start of the day: the previous evening's shift
            day, k = day - 1, len(self.starts) - 1
        return day * len(self.starts) + k - self.slot0

    def slot_start(self, s: int) -> datetime:
        day, k = divmod(s + self.slot0, len(self.starts))
        return self.midnight + timedelta(days=day, minutes=self.starts[k])

    def name_of(self, s: int) -> str:
        return self.names[(s + self.slot0) % len(self.names)]

    def on_duty(self, t: datetime) -> tuple[int, int]:
        """(shift_id, staff_id) of the receptionist on duty at ``t``."""
        s = self.slot(t)
        per_day = len(self.starts)
        staff = self.receptionists[(s + (s // per_day) // 7) % len(self.receptionists)]
        return s + 1, staff

    def make_shifts(self, rows: Writer, now: datetime, staff_names: dict[int, str]) -> None:
        """Every slot until ``now``, written with its ``上班`` audit row; today's is on duty."""
        last = self.slot(now)
        for s in range(last + 1):
            started, planned = self.slot_start(s), self.slot_start(s + 1)
            shift_id, staff_id = self.on_duty(started)
            assert shift_id == s + 1
            confirmed = accepted = None
            if s < last:
                confirmed = planned + timedelta(minutes=(s * 7919) % 17 + 2)
                accepted = confirmed + timedelta(minutes=(s * 104729) % 5 + 1)
                confirmed = confirmed if confirmed <= now else None
                accepted = accepted if confirmed and accepted <= now else None
            self.slots.append(Slot(started, planned, staff_id, confirmed, accepted))
            name = self.name_of(s)
            rows.emit(
                "shift",
                {
                    "id": rows.new_id("shift"),
                    "staff_id": staff_id,
                    "name": name,
                    "started_at": started,
                    "planned_end": planned,
                    "ended_at": planned if s < last else None,
                },
            )
            # as shifts.come_on_duty logs it
            rows.audit("shift", shift_id, started, staff_id, f"{staff_names[staff_id]} {name}上班")
