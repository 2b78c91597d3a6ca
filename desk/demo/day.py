"""One day at the desk: how many records of each kind, at which hours, which calls and
visits became a repair or a complaint, numbered in time order and lived until ``now``.

Each day draws from its own random stream, so a day's records barely change with the
number of days generated.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from desk.demo import call, complaint, loan, visit, workorder
from desk.demo.chance import minutes, poisson
from desk.demo.world import World
from desk.models.enums import CallType, Channel, ComplaintChannel, VisitOutcome

# Mean records a day on an ordinary working day.
PER_DAY = {"visit": 40.0, "call": 60.0, "workorder": 30.0, "complaint": 5.0, "loan": 15.0}
# Fewer people come in on weekends and public holidays; loans hardly change.
OFF_DAY_FACTOR = {"visit": 0.75, "call": 0.85, "workorder": 0.9, "complaint": 0.9, "loan": 1.0}

# Relative frequency by hour of day (0–23): morning and afternoon peaks, quiet nights.
HOURS = {
    "visit": [0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.2, 0.8, 3, 6, 7, 5.5,
              2.5, 3, 6, 6.5, 5.5, 4, 2.5, 2, 1.5, 0.6, 0.2, 0.1],
    "call": [0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.6, 2, 5, 7, 7, 5,
             3, 3.5, 5.5, 6, 5, 4, 3.5, 4, 3.5, 2, 1, 0.6],
    "workorder": [0.3, 0.2, 0.15, 0.15, 0.15, 0.2, 0.6, 2, 5, 6.5, 6, 4.5,
                  2.5, 3, 5, 5, 4.5, 3.5, 3, 3.5, 3, 1.8, 0.9, 0.5],
    "complaint": [0.3, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 1, 3, 5, 5, 4,
                  2, 2.5, 4, 4, 3.5, 3, 2.5, 3, 3.5, 3, 2, 1],
    "loan": [0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.1, 0.5, 2, 4, 5, 4,
             2, 2.5, 4, 4.5, 4, 4.5, 3.5, 3, 2, 0.8, 0.3, 0.1],
}  # fmt: skip


def one_day(w: World, day: date) -> None:
    rng = random.Random(w.seed * 100_003 + day.toordinal())
    off = not w.cal.is_working_day(day)
    season = 1.2 if day.month in (6, 7, 8) else 1.05 if day.month in (12, 1, 2) else 1.0
    rainy = rng.random() < (0.3 if day.month in (5, 6, 7, 8) else 0.1)

    def count(kind: str, extra: float = 1.0) -> int:
        lam = PER_DAY[kind] * (OFF_DAY_FACTOR[kind] if off else 1.0) * extra
        return poisson(rng, lam)

    def times(kind: str, n: int) -> list[datetime]:
        hours = rng.choices(range(24), weights=HOURS[kind], k=n)
        base = datetime.combine(day, time())
        return [base + timedelta(hours=h, seconds=rng.randrange(3600)) for h in hours]

    calls: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []
    orders = [workorder.new(w, rng, t) for t in times("workorder", count("workorder", season))]
    complaints = [complaint.new(w, rng, t) for t in times("complaint", count("complaint"))]
    for rec in orders + complaints:
        _link_source(w, rng, rec, calls, visits)
    n_calls = max(0, count("call") - len(calls))
    calls += [call.new(w, rng, t) for t in times("call", n_calls)]
    n_visits = max(0, count("visit") - len(visits))
    visits += [visit.new(w, rng, t) for t in times("visit", n_visits)]
    wanted = loan.wanted(w, rng, times("loan", count("loan")), rainy)

    now = w.now

    def happened(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in recs if r["created_at"] <= now]

    calls, visits, orders, complaints = map(happened, (calls, visits, orders, complaints))
    w.number("call", calls)
    w.number("visit", visits)
    w.number("workorder", orders)
    w.number("complaint", complaints)
    for rec in calls:
        call.live(w, rng, rec)
    for rec in visits:
        visit.live(w, rng, rec)
    for rec in orders:
        workorder.live(w, rng, rec)
    for rec in complaints:
        complaint.live(w, rng, rec)
    loan.lend(w, rng, wanted)


def _link_source(
    w: World,
    rng: random.Random,
    rec: dict[str, Any],
    calls: list[dict[str, Any]],
    visits: list[dict[str, Any]],
) -> None:
    """A call or visit a few minutes before that became this repair or complaint (the
    ``visit_id``/``call_id`` of 转报修/转投诉)."""
    channel = rec["channel"]
    is_order = "urgency" in rec
    t = rec["created_at"]
    midnight = datetime.combine(t.date(), time())
    before = t - min(minutes(rng, 1, 6), t - midnight)
    # the caller's own flat, also when the repair is for a public place
    party = rec.get("_caller") or {
        k: rec[k] for k in ("unit_id", "resident_id", "room_text", "person_name", "phone")
    }
    text = rec["description"]
    if channel in (Channel.CALL, ComplaintChannel.CALL) and rng.random() < (
        0.85 if is_order else 0.9
    ):
        reply = (
            "已登记报修，安排维修人员尽快上门" if is_order else "已登记投诉，会在规定时间内给您答复"
        )
        source = w.draft(
            "call",
            before,
            party,
            call_type=CallType.REPAIR if is_order else CallType.COMPLAINT,
            content=text,
            reply=reply,
        )
        calls.append(source)
        rec["_call"] = source
    elif channel in (Channel.VISIT, ComplaintChannel.VISIT) and rng.random() < 0.8:
        source = w.draft(
            "visit",
            before,
            party,
            reason=("前台报修：" if is_order else "前台投诉：") + text,
            outcome=VisitOutcome.SETTLED,
            result="已登记报修单，安排派工" if is_order else "已登记投诉，转责任部门处理",
            _settled=True,
        )
        visits.append(source)
        rec["_visit"] = source
