"""The office being generated: when the data ends, its settings and calendar, and the parts
every record uses — the rows, the people, the roster, the handovers and the serials."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from desk.demo.handovers import COUNTED, Handovers
from desk.demo.people import People
from desk.demo.roster import Roster
from desk.demo.writer import DEFAULTS, Writer
from desk.models import kinds
from desk.services.core.calendar import WorkCalendar
from desk.services.core.numbering import SerialKind, format_serial


class Calendar(WorkCalendar):
    """The office calendar with each day's answer remembered (years of deadlines)."""

    def __init__(self, overrides: dict[date, bool]) -> None:
        super().__init__(overrides)
        self._memo: dict[date, bool] = {}

    def is_working_day(self, day: date) -> bool:
        known = self._memo.get(day)
        if known is None:
            known = self._memo[day] = super().is_working_day(day)
        return known


class World:
    def __init__(
        self,
        days: int,
        today: date,
        now: datetime,
        seed: int,
        conf: dict[str, Any],
        calendar: WorkCalendar,
    ) -> None:
        self.days = days
        self.today = today
        self.now = now
        self.seed = seed
        self.conf = conf
        self.cal = calendar
        self.start = today - timedelta(days=days - 1)
        self.rows = Writer()
        self.setup_at = datetime.combine(self.start - timedelta(days=60), time(9))
        self.people = People(self.rows, self.setup_at, self.start)
        self.serial_last: dict[tuple[str, date], int] = {}
        self.loans_out: list[list[tuple[datetime, int]]] = []  # per item (desk.demo.loan)
        self.roster: Roster
        self.handovers: Handovers

    def make_office(self) -> None:
        """Staff, flats and residents, then every shift until ``now``."""
        rng = random.Random(self.seed)
        self.people.make_staff(rng)
        self.people.make_units(rng)
        self.roster = Roster(self.conf, self.start, self.people.receptionists)
        self.roster.make_shifts(self.rows, self.now, self.people.staff_names)
        self.handovers = Handovers(
            self.rows, self.roster, self.people.staff_names, self.seed, self.now
        )

    def on_duty(self, t: datetime) -> int:
        """The receptionist on duty at ``t``."""
        return self.roster.on_duty(t)[1]

    # --- records ----------------------------------------------------------------------

    @staticmethod
    def draft(kind: str, t: datetime, party: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """A new record of ``kind`` made at ``t``: the table's defaults, who, and ``fields``."""
        return {**DEFAULTS[kind], **party, "created_at": t, **fields}

    def number(self, kind: str, records: list[dict[str, Any]]) -> None:
        """Sort a day's records of ``kind`` by time, give ids and serials (the registry's
        prefix, as ``numbering`` writes them), stamp staff and shift."""
        prefix = SerialKind(kinds.KINDS[kind].prefix)
        records.sort(key=itemgetter("created_at"))
        for n, rec in enumerate(records, start=1):
            day = rec["created_at"].date()
            rec["id"] = self.rows.new_id(kind)
            rec["serial"] = format_serial(prefix, day, n)
            rec["shift_id"], rec["staff_id"] = self.roster.on_duty(rec["created_at"])
            rec["updated_at"] = rec["created_at"]
            self.serial_last[(prefix.value, day)] = n

    def write(self, kind: str, rec: dict[str, Any]) -> None:
        """A record's final row, its creation in the audit log (as ``records.create`` logs
        it: the serial) and its count in its shift's handover."""
        self.rows.emit(kind, rec)
        self.rows.audit(kind, rec["id"], rec["created_at"], rec["staff_id"], rec["serial"])
        if kind in COUNTED:
            self.handovers.count(kind, rec["shift_id"], rec["voided_at"])

    def write_serial_counters(self) -> None:
        for (kind, day), last in sorted(self.serial_last.items()):
            self.rows.emit("serialcounter", {"kind": kind, "day": day, "last": last})
