"""统计: the supervisor's monthly figures, and the month before for comparison.

``monthly(source, year, month)`` returns a ``MonthlyFigures``; ``monthly_report(source, year,
month)`` returns a ``MonthlyReport`` with the month before as ``previous``. ``source`` is a
``Ctx`` (its ``now`` is the moment the figures are judged at) or a ``Session`` (``now=`` or
the office clock). Everything is plain frozen dataclasses that charts, Excel and the PDF
report render without touching the database.

Definitions (the month is ``[1st 00:00, 1st of the next month 00:00)`` of office time; voided
records — 作废 — never count, nor callbacks of voided records):

=====================  ======================================================================
figure                 definition
=====================  ======================================================================
complaints             complaints recorded (``created_at``) in the month, by category, by
                       severity and by both; time to answer per severity: ``created_at`` →
                       ``replied_at`` of those answered so far (an answer withdrawn by 升级
                       no longer counts: the complaint waits for its next answer)
work orders            orders taken in (``created_at``) in the month, per urgency:
response time          ``start`` → ``arrived_at``, where ``start`` is the intake or, for an
                       appointment, the agreed time when later (as the deadlines are
                       computed); never below 0 (arriving early is not a negative wait)
completion time        ``start`` → ``completed_at`` minus the time spent 待料
                       (``paused_seconds``), of the orders completed so far. An order
                       reopened by 返工 runs to its last completion: the resident waited
                       that long (its pauses before the reopening are no longer stored)
median / P90           ``percentile``: linear interpolation between the closest ranks — the
                       same as Excel's MEDIAN and PERCENTILE.INC, so an exported sheet can
                       be checked by hand
within limits          response met: ``arrived_at ≤ response_due``; completion met:
                       ``completed_at ≤ completion_due + paused_seconds``. An order still
                       open at ``now`` and past its deadline (completion: with the time 待料
                       added, a pause still running included) counts as missed; an open order
                       not yet due is left out (``pending``): it can still make it. Share =
                       met / (met + missed)
callback rate          every completion (repair) and every answer (complaint) queues one
                       callback: the denominator is the callbacks created in the month (=
                       completions/answers made in the month) that were done, plus those
                       still not done past their due time; a callback still due and not yet
                       late is left out (``pending``). Callbacks voided because the record
                       was reopened (返工, 升级) or voided are not counted. Targets: complaints
                       100 %, repairs 90 % (DOMAIN §3, §4)
satisfaction           callbacks done (``done_at``) in the month, per 非常满意/满意/基本满意/不满意
repeat problems        a record taken in during the month is a *repeat* when an earlier record
                       of the same kind (repair or complaint), the same place and the same
                       category was taken in at most 30 days (720 h) before it — that earlier
                       record may lie in the month before. The place is the unit (a flat or a
                       registered public area), else the typed room, else the location text
                       (repairs) or the place it happened (complaints); records without any
                       place are never repeats. Each group lists the repeats and the earlier
                       records they repeat
busiest hours          visits, calls, repairs and complaints recorded in the month by the
                       hour of ``created_at`` (0–23); the top hours are the three with the most
                       records of all four kinds, earlier hour first on a tie, empty hours
                       never
=====================  ======================================================================

Speed: a handful of range scans on the ``created_at`` indexes and one scan of the callbacks'
``done_at``, then small Python passes over one month of rows (~900 repairs and the 30 days
before them) — about 30 ms a month, 60–75 ms for the report with the month before, on five
years of demo data (benchmarks/bench_statistics.py; target ≤ 1 s).
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from desk.models.db import driver
from desk.models.enums import (
    CallbackSource,
    CallbackState,
    Satisfaction,
    Severity,
    UnitKind,
    Urgency,
)
from desk.services.core import settings
from desk.services.core.context import Ctx, local_now

__all__ = [
    "CALLBACK_TARGETS",
    "REPEAT_WINDOW",
    "TOP_HOURS",
    "CallbackRate",
    "ComplaintFigures",
    "Durations",
    "HourCounts",
    "MonthlyFigures",
    "MonthlyReport",
    "RepeatProblem",
    "Repeats",
    "SatisfactionCounts",
    "SlaShare",
    "UrgencyFigures",
    "change",
    "month_bounds",
    "monthly",
    "monthly_report",
    "percentile",
    "previous_month",
]

REPEAT_WINDOW = timedelta(days=30)
TOP_HOURS = 3
# DOMAIN §4: every complaint gets a callback; §3/issue 6: nine repairs in ten.
CALLBACK_TARGETS: dict[CallbackSource, float] = {
    CallbackSource.COMPLAINT: 1.0,
    CallbackSource.WORK_ORDER: 0.9,
}

# --- the figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Durations:
    """How long something took, in minutes; None when nothing was measured."""

    count: int
    median_minutes: float | None
    p90_minutes: float | None

    @classmethod
    def of(cls, minutes: Iterable[float]) -> Durations:
        values = sorted(minutes)
        if not values:
            return cls(0, None, None)
        return cls(len(values), percentile(values, 0.5), percentile(values, 0.9))


@dataclass(frozen=True)
class SlaShare:
    """Orders that met / missed a deadline; ``pending`` are open and not yet due (left out)."""

    met: int
    missed: int
    pending: int

    @property
    def judged(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        """met / (met + missed), None when no order could be judged yet."""
        return self.met / self.judged if self.judged else None


@dataclass(frozen=True)
class UrgencyFigures:
    urgency: Urgency
    orders: int  # taken in during the month (not voided)
    completed: int  # of those, completed by ``as_of``
    response: Durations  # start → on site
    completion: Durations  # start → completed, minus time 待料
    response_sla: SlaShare
    completion_sla: SlaShare


@dataclass(frozen=True)
class ComplaintFigures:
    total: int
    by_category: dict[str, int]  # the office's categories first (zeros kept), then others
    by_severity: dict[Severity, int]  # 重大, 重要, 轻微 — all three, zeros kept
    by_category_severity: dict[str, dict[Severity, int]]  # same keys as above
    answer_time: dict[Severity, Durations]  # created → answered, of those answered so far


@dataclass(frozen=True)
class RepeatProblem:
    """One place where the same problem came back within ``REPEAT_WINDOW``."""

    kind: str  # "workorder" | "complaint"
    place: str  # unit code, public area's name, typed room or location text
    public: bool  # a public area (registered as one, or a repair's location text)
    category: str
    serials: tuple[str, ...]  # the repeats and the records they repeat, oldest first
    repeats: int  # how many of ``serials`` are repeats taken in during the month

    @property
    def count(self) -> int:
        return len(self.serials)


@dataclass(frozen=True)
class Repeats:
    problems: tuple[RepeatProblem, ...]  # most repeats first
    workorders: int  # repairs taken in during the month that are repeats
    complaints: int  # complaints taken in during the month that are repeats


@dataclass(frozen=True)
class CallbackRate:
    """Callbacks queued in the month (one per completion / answer) and how many were made."""

    source: CallbackSource
    target: float  # 1.0 = 100 %
    done: int  # made (at any time up to ``as_of``)
    on_time: int  # of ``done``, made by their due time
    missed: int  # not made, past their due time
    pending: int  # not made, not yet due: left out

    @property
    def counted(self) -> int:
        return self.done + self.missed

    @property
    def rate(self) -> float | None:
        """done / (done + missed), None when there was nothing to call back."""
        return self.done / self.counted if self.counted else None

    @property
    def meets_target(self) -> bool | None:
        rate = self.rate
        # compared in whole callbacks, so 9 of 10 meets 90 % despite float rounding
        return None if rate is None else self.done >= math.ceil(self.target * self.counted - 1e-9)


@dataclass(frozen=True)
class SatisfactionCounts:
    counts: dict[Satisfaction, int]  # all four, best first, zeros kept

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def shares(self) -> dict[Satisfaction, float | None]:
        """Each count / total; None for all when no callback was made."""
        total = self.total
        return {s: (n / total if total else None) for s, n in self.counts.items()}


@dataclass(frozen=True)
class HourCounts:
    """Records by hour of day: each tuple has 24 counts, index = hour (0–23)."""

    visits: tuple[int, ...]
    calls: tuple[int, ...]
    workorders: tuple[int, ...]
    complaints: tuple[int, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        kinds = (self.visits, self.calls, self.workorders, self.complaints)
        return tuple(map(sum, zip(*kinds, strict=True)))

    @property
    def top(self) -> tuple[int, ...]:
        """The ``TOP_HOURS`` busiest hours, busiest first (earlier hour on a tie)."""
        totals = self.totals
        ranked = sorted((h for h in range(24) if totals[h]), key=lambda h: (-totals[h], h))
        return tuple(ranked[:TOP_HOURS])


@dataclass(frozen=True)
class MonthlyFigures:
    year: int
    month: int
    start: datetime  # first moment of the month
    end: datetime  # first moment of the next month (not included)
    as_of: datetime  # the moment open records were judged at
    workorders: int  # taken in during the month (not voided)
    workorder_categories: dict[str, int]  # the office's categories first, zeros kept
    urgencies: dict[Urgency, UrgencyFigures]  # 紧急, 重要, 一般, 预约
    complaints: ComplaintFigures
    repeats: Repeats
    callbacks: dict[CallbackSource, CallbackRate]  # 投诉 then 报修
    satisfaction: SatisfactionCounts  # both kinds of callback
    satisfaction_by_source: dict[CallbackSource, SatisfactionCounts]
    hours: HourCounts

    @property
    def complete(self) -> bool:
        """The month is over: later figures can still change only as open work closes."""
        return self.as_of >= self.end


@dataclass(frozen=True)
class MonthlyReport:
    current: MonthlyFigures
    previous: MonthlyFigures  # the calendar month before, judged at the same moment


def change(current: float | None, previous: float | None) -> float | None:
    """``current − previous`` (shares in points of 1.0), None when either is unknown."""
    if current is None or previous is None:
        return None
    return current - previous


# --- months and percentiles --------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[first moment of the month, first moment of the next)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, not {month}")
    start = datetime(year, month, 1)
    end = datetime(year + month // 12, month % 12 + 1, 1)
    return start, end


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (0–1) of an ascending list, interpolating linearly between
    the closest ranks: position ``fraction·(n−1)`` counted from 0 — Excel's PERCENTILE.INC,
    numpy's default, ``statistics.quantiles(method="inclusive")``. P50 is the median."""
    if not sorted_values:
        raise ValueError("no values")
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be 0–1, not {fraction}")
    position = fraction * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    below, above = sorted_values[low], sorted_values[high]
    return below + (above - below) * (position - low)


# --- the query -----------------------------------------------------------------------------


def _ts(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it (ISO text that sorts correctly)."""
    return value.isoformat(sep=" ", timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def _source(source: Ctx | Session, now: datetime | None) -> tuple[Session, datetime]:
    if isinstance(source, Ctx):
        return source.session, now or source.now
    return source, now or local_now()


def monthly(
    source: Ctx | Session, year: int, month: int, *, now: datetime | None = None
) -> MonthlyFigures:
    """The figures of one calendar month, open records judged at ``now`` (default: the
    context's moment, or the office clock for a bare session)."""
    session, now = _source(source, now)
    conf = settings.all_values(session)
    return _monthly(driver(session), conf, year, month, now)


def monthly_report(
    source: Ctx | Session, year: int, month: int, *, now: datetime | None = None
) -> MonthlyReport:
    """The month's figures and the month before's, both judged at the same moment."""
    session, now = _source(source, now)
    conf = settings.all_values(session)
    con = driver(session)
    return MonthlyReport(
        current=_monthly(con, conf, year, month, now),
        previous=_monthly(con, conf, *previous_month(year, month), now),
    )


def _monthly(
    con: sqlite3.Connection, conf: dict[str, Any], year: int, month: int, now: datetime
) -> MonthlyFigures:
    start, end = month_bounds(year, month)
    span = {"start": _ts(start), "end": _ts(end), "from": _ts(start - REPEAT_WINDOW)}
    orders = con.execute(_WORKORDERS, span).fetchall()
    complaint_rows = con.execute(_COMPLAINTS, span).fetchall()
    in_month = [r for r in orders if r[2] >= span["start"]]
    complaints_in_month = [r for r in complaint_rows if r[2] >= span["start"]]
    satisfaction = _satisfaction(con, span)
    return MonthlyFigures(
        year=year,
        month=month,
        start=start,
        end=end,
        as_of=now,
        workorders=len(in_month),
        workorder_categories=_ordered_counts(
            Counter(r[4] for r in in_month), conf["lists.workorder.categories"]
        ),
        urgencies=_urgencies(in_month, now),
        complaints=_complaints(complaints_in_month, conf["lists.complaint.categories"]),
        repeats=_repeats(orders, complaint_rows, start),
        callbacks=_callback_rates(con, span, now),
        satisfaction=SatisfactionCounts(
            {s: sum(by[s] for by in satisfaction.values()) for s in Satisfaction}
        ),
        satisfaction_by_source={
            source: SatisfactionCounts({s: satisfaction[source][s] for s in Satisfaction})
            for source in (CallbackSource.COMPLAINT, CallbackSource.WORK_ORDER)
        },
        hours=_hours(con, span),
    )


def _ordered_counts(counts: Counter[str], configured: Iterable[str]) -> dict[str, int]:
    """The office's own list first (zeros kept, so months line up), then any other value
    found (a category since removed from the settings), most frequent first."""
    out = {name: counts.get(name, 0) for name in configured}
    for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        out.setdefault(name, n)
    return out


# Work orders from 30 days before the month to its end: the month's, and the earlier ones a
# repeat may follow. Ordered by time, then id (two records in one second keep their order).
_WORKORDERS = """
SELECT r.id, r.serial, r.created_at, r.urgency, r.category, r.state,
       r.unit_id, u.code, u.kind, r.room_text, r.location,
       r.appointment_at, r.arrived_at, r.completed_at, r.response_due, r.completion_due,
       r.paused_seconds, r.paused_since
FROM workorder r LEFT JOIN unit u ON u.id = r.unit_id
WHERE r.created_at >= :from AND r.created_at < :end AND r.voided_at IS NULL
ORDER BY r.created_at, r.id
"""

_COMPLAINTS = """
SELECT r.id, r.serial, r.created_at, r.severity, r.category, r.state,
       r.unit_id, u.code, u.kind, r.room_text, r.occurred_place, r.replied_at
FROM complaint r LEFT JOIN unit u ON u.id = r.unit_id
WHERE r.created_at >= :from AND r.created_at < :end AND r.voided_at IS NULL
ORDER BY r.created_at, r.id
"""


def _urgencies(rows: list[tuple[Any, ...]], now: datetime) -> dict[Urgency, UrgencyFigures]:
    per: dict[Urgency, list[tuple[Any, ...]]] = {u: [] for u in Urgency}
    for row in rows:
        per[Urgency(row[3])].append(row)
    return {u: _urgency(u, per[u], now) for u in Urgency}


def _urgency(urgency: Urgency, rows: list[tuple[Any, ...]], now: datetime) -> UrgencyFigures:
    response: list[float] = []
    completion: list[float] = []
    r_met = r_missed = r_pending = c_met = c_missed = c_pending = 0
    for row in rows:
        created = datetime.fromisoformat(row[2])
        appointment = _dt(row[11])
        arrived, completed = _dt(row[12]), _dt(row[13])
        response_due, completion_due = _dt(row[14]), _dt(row[15])
        assert response_due is not None and completion_due is not None
        paused = timedelta(seconds=row[16] or 0)
        paused_since = _dt(row[17])
        # the limits run from the agreed time of an appointment (workorders.create)
        start = max(created, appointment) if appointment is not None else created
        # the flow records an arrival before any completion; an imported order may lack it
        on_site = arrived or completed
        if on_site is not None:
            response.append(max(_minutes(on_site - start), 0.0))
            if on_site <= response_due:
                r_met += 1
            else:
                r_missed += 1
        elif now > response_due:  # still open: nobody on site yet
            r_missed += 1
        else:
            r_pending += 1
        if completed is not None:
            completion.append(max(_minutes(completed - start - paused), 0.0))
            if completed <= completion_due + paused:
                c_met += 1
            else:
                c_missed += 1
        else:
            # a pause still running moves the deadline with the clock (sla.effective_due):
            # such an order is late only if it already was when the pause began
            running = max(now - paused_since, timedelta(0)) if paused_since else timedelta(0)
            if now > completion_due + paused + running:
                c_missed += 1
            else:
                c_pending += 1
    return UrgencyFigures(
        urgency=urgency,
        orders=len(rows),
        completed=len(completion),
        response=Durations.of(response),
        completion=Durations.of(completion),
        response_sla=SlaShare(r_met, r_missed, r_pending),
        completion_sla=SlaShare(c_met, c_missed, c_pending),
    )


def _complaints(rows: list[tuple[Any, ...]], categories: list[str]) -> ComplaintFigures:
    by_category = _ordered_counts(Counter(r[4] for r in rows), categories)
    matrix = {c: dict.fromkeys(Severity, 0) for c in by_category}
    answer: dict[Severity, list[float]] = {s: [] for s in Severity}
    for row in rows:
        severity = Severity(row[3])
        matrix[row[4]][severity] += 1
        if row[11] is not None:
            created, replied = datetime.fromisoformat(row[2]), datetime.fromisoformat(row[11])
            answer[severity].append(max(_minutes(replied - created), 0.0))
    return ComplaintFigures(
        total=len(rows),
        by_category=by_category,
        by_severity={s: sum(m[s] for m in matrix.values()) for s in Severity},
        by_category_severity=matrix,
        answer_time={s: Durations.of(answer[s]) for s in Severity},
    )


# --- repeats ---------------------------------------------------------------------------------


_PUBLIC = UnitKind.PUBLIC.value


def _place(row: tuple[Any, ...]) -> tuple[tuple[str, str], str, bool] | None:
    """(grouping key, label, public) of a record's place; None when it names no place.

    Columns 6–10: unit id, unit code, unit kind, typed room, free place text."""
    if row[6] is not None:
        return ("unit", str(row[6])), row[7] or "", row[8] == _PUBLIC
    room = " ".join((row[9] or "").split())
    if room:
        return ("room", room), room, False
    text = " ".join((row[10] or "").split())
    if text:
        return ("text", text), text, True
    return None


def _repeats(
    orders: list[tuple[Any, ...]], complaint_rows: list[tuple[Any, ...]], start: datetime
) -> Repeats:
    problems: list[RepeatProblem] = []
    counts: dict[str, int] = {}
    for kind, rows in (("workorder", orders), ("complaint", complaint_rows)):
        found, n = _repeat_groups(kind, rows, start)
        problems += found
        counts[kind] = n
    problems.sort(key=lambda p: (-p.repeats, -p.count, p.kind != "workorder", p.place, p.category))
    return Repeats(tuple(problems), counts["workorder"], counts["complaint"])


def _repeat_groups(
    kind: str, rows: list[tuple[Any, ...]], start: datetime
) -> tuple[list[RepeatProblem], int]:
    """Rows come ordered by (time, id); columns 0–2 are id, serial, created_at, 4 category."""
    groups: dict[tuple[Any, ...], list[tuple[datetime, str]]] = defaultdict(list)
    labels: dict[tuple[Any, ...], tuple[str, bool]] = {}
    for row in rows:
        place = _place(row)
        if place is None:
            continue
        key = (place[0], row[4])
        groups[key].append((datetime.fromisoformat(row[2]), row[1]))
        labels.setdefault(key, (place[1], place[2]))
    problems: list[RepeatProblem] = []
    total = 0
    for key, records in groups.items():
        involved: set[int] = set()
        repeats = 0
        first = 0  # the oldest record still within the window of record i
        for i, (at, _serial) in enumerate(records):
            while records[first][0] < at - REPEAT_WINDOW:
                first += 1
            if at >= start and first < i:
                repeats += 1
                involved.update(range(first, i + 1))
        if repeats:
            total += repeats
            label, public = labels[key]
            serials = tuple(records[i][1] for i in sorted(involved))
            problems.append(RepeatProblem(kind, label, public, key[1], serials, repeats))
    return problems, total


# --- callbacks -----------------------------------------------------------------------------

# Callbacks of records that were voided later do not count (a done callback stays DONE when
# its order is voided); the record's own void is checked through the link.
_CALLBACK_LIVE = """
cb.state != :void
AND NOT EXISTS (SELECT 1 FROM workorder w WHERE w.id = cb.work_order_id
                AND w.voided_at IS NOT NULL)
AND NOT EXISTS (SELECT 1 FROM complaint c WHERE c.id = cb.complaint_id
                AND c.voided_at IS NOT NULL)
"""

_CALLBACK_RATE = f"""
SELECT cb.source,
       sum(cb.state = :done),
       sum(cb.state = :done AND cb.done_at <= cb.due_at),
       sum(cb.state = :due AND cb.due_at < :now),
       sum(cb.state = :due AND cb.due_at >= :now)
FROM callback cb
WHERE cb.created_at >= :start AND cb.created_at < :end AND {_CALLBACK_LIVE}
GROUP BY cb.source
"""

# done_at has no index: this scans the callbacks (~66,000 in five years, ~10 ms). The unary
# + keeps SQLite off the state index: nearly every callback is 已回访, and walking that index
# with a lookup per row costs twice the plain scan.
_SATISFACTION = f"""
SELECT cb.source, cb.satisfaction, count(*)
FROM callback cb
WHERE +cb.state = :done AND cb.done_at >= :start AND cb.done_at < :end
      AND cb.satisfaction IS NOT NULL AND {_CALLBACK_LIVE}
GROUP BY cb.source, cb.satisfaction
"""

_STATES = {
    "done": CallbackState.DONE.value,
    "due": CallbackState.DUE.value,
    "void": CallbackState.VOID.value,
}


def _callback_rates(
    con: sqlite3.Connection, span: dict[str, str], now: datetime
) -> dict[CallbackSource, CallbackRate]:
    found = {
        CallbackSource(row[0]): row[1:]
        for row in con.execute(_CALLBACK_RATE, span | _STATES | {"now": _ts(now)})
    }
    out = {}
    for source in (CallbackSource.COMPLAINT, CallbackSource.WORK_ORDER):
        done, on_time, missed, pending = found.get(source, (0, 0, 0, 0))
        out[source] = CallbackRate(
            source, CALLBACK_TARGETS[source], done or 0, on_time or 0, missed or 0, pending or 0
        )
    return out


def _satisfaction(
    con: sqlite3.Connection, span: dict[str, str]
) -> dict[CallbackSource, Counter[Satisfaction]]:
    out: dict[CallbackSource, Counter[Satisfaction]] = {s: Counter() for s in CallbackSource}
    for source, satisfaction, n in con.execute(_SATISFACTION, span | _STATES):
        out[CallbackSource(source)][Satisfaction(satisfaction)] += n
    return out


# --- hours -----------------------------------------------------------------------------------

# the hour is characters 12–13 of the stored text "YYYY-MM-DD HH:MM:SS.ffffff"
_HOURS = """
SELECT CAST(substr(created_at, 12, 2) AS INTEGER), count(*)
FROM {table}
WHERE created_at >= :start AND created_at < :end AND voided_at IS NULL
GROUP BY 1
"""


def _hours(con: sqlite3.Connection, span: dict[str, str]) -> HourCounts:
    def by_hour(table: str) -> tuple[int, ...]:
        counts = [0] * 24
        for hour, n in con.execute(_HOURS.format(table=table), span):
            counts[hour] = n
        return tuple(counts)

    return HourCounts(
        visits=by_hour("visit"),
        calls=by_hour('"call"'),
        workorders=by_hour("workorder"),
        complaints=by_hour("complaint"),
    )
