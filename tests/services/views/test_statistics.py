"""统计: the monthly figures against a month of records counted by hand.

The scenario (``october``) is October 2026, judged at ``AS_OF`` (Monday 2 November, 09:00),
with September as the month before. Every expected number below is written out with the
records it comes from, so a failure says which rule moved.
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from datetime import datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlmodel import Session

from desk.models.enums import CallbackSource, Satisfaction, Severity, Urgency
from desk.services.records import callbacks, calls, complaints, residents, visits, workorders
from desk.services.records.callbacks import CallbackResult
from desk.services.records.calls import CallDraft
from desk.services.records.complaints import ComplaintDraft
from desk.services.records.visits import VisitDraft
from desk.services.records.workorders import Completion, WorkOrderDraft
from desk.services.views import statistics as stats
from desk.services.views.statistics import Durations, SlaShare

AS_OF = datetime(2026, 11, 2, 9, 0)  # when the supervisor looks at October
MIN = timedelta(minutes=1)

V, S, F, U = Satisfaction.VERY, Satisfaction.SATISFIED, Satisfaction.FAIR, Satisfaction.UNSATISFIED
EMG, IMP, ORD, APT = Urgency.EMERGENCY, Urgency.IMPORTANT, Urgency.ORDINARY, Urgency.APPOINTMENT
MAJOR, IMPORTANT, MINOR = Severity.MAJOR, Severity.IMPORTANT, Severity.MINOR


def t(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute)


def minutes(d: Durations) -> tuple[int, float | None, float | None]:
    """(count, median, P90) rounded to the millisecond's share of a minute, for ==."""

    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 4)

    return d.count, r(d.median_minutes), r(d.p90_minutes)


# --- building the month ------------------------------------------------------------------


def order(
    write,
    at: datetime,
    urgency: Urgency,
    category: str,
    *,
    room: str = "",
    location: str = "",
    arrive: datetime | None = None,
    complete: datetime | None = None,
    appointment: datetime | None = None,
) -> tuple[int, str]:
    """A repair taken in at ``at``; dispatched and started at ``arrive``, completed at
    ``complete`` (each when given). Returns (id, serial)."""
    with write(at) as ctx:
        # 1-1-103 and 1-1-104 are not in the registry: kept as typed, as if confirmed
        draft = WorkOrderDraft(
            "报修内容",
            category,
            urgency,
            room=room,
            location=location,
            appointment_at=appointment,
            room_confirmed=True,
        )
        created = workorders.create(ctx, draft)
        oid, serial = created.id, created.serial
    if arrive is not None:
        with write(arrive) as ctx:
            workorders.dispatch(ctx, oid, "工程部 李师傅")
            workorders.start(ctx, oid)
    if complete is not None:
        with write(complete) as ctx:
            workorders.complete(ctx, oid, Completion("已修好"))
    return oid, serial


def complaint(
    write,
    at: datetime,
    category: str,
    severity: Severity,
    room: str,
    *,
    answer: datetime | None = None,
) -> tuple[int, str]:
    with write(at) as ctx:
        created = complaints.create(
            ctx,
            ComplaintDraft(
                "投诉内容", category, severity, complainant="张先生", room=room, room_confirmed=True
            ),
        )
        cid, serial = created.id, created.serial
    if answer is not None:
        with write(answer) as ctx:
            complaints.answer(ctx, cid, "已处理并答复业主")
    return cid, serial


def call_back(write, at: datetime, kind: str, record_id: int, satisfaction: Satisfaction) -> None:
    with write(at) as ctx:
        callbacks.record_for(ctx, kind, record_id, CallbackResult(satisfaction))


@pytest.fixture
def october(write) -> dict[str, str]:
    """October 2026 (and the September before it); returns the serials by name."""
    s: dict[str, str] = {}
    with write(t(9, 1, 8)) as ctx:
        residents.ensure_unit(ctx, "1-1-101")
        residents.ensure_unit(ctx, "1-1-102")
        residents.add_public_area(ctx, "地下车库")  # 1-1-103, 1-1-104 and 南门 stay typed text

    # September: four ordinary repairs never touched (the places October repeats or not)
    _, s["P1"] = order(write, t(9, 20, 10), ORD, "门窗", room="1-1-102")
    _, s["P2"] = order(write, t(9, 1, 9), ORD, "土建", location="南门")
    _, s["P3"] = order(write, t(9, 12, 8), ORD, "水电", location="地下车库")
    _, s["P4"] = order(write, t(9, 11, 19, 59), ORD, "水电", room="1-1-102")
    _, s["S1"] = complaint(write, t(9, 28, 10), "客户服务", MINOR, "1-1-102")

    # 紧急 (30 min on site, 2 h done)
    e1, s["E1"] = order(write, t(10, 10, 9), EMG, "水电", room="1-1-101",
                        arrive=t(10, 10, 9, 10), complete=t(10, 10, 10))  # fmt: skip
    _, s["E2"] = order(write, t(10, 11, 20), EMG, "水电", room="1-1-102",
                       arrive=t(10, 11, 20, 40), complete=t(10, 11, 23))  # fmt: skip
    e3, s["E3"] = order(write, t(10, 12, 8), EMG, "水电", location="地下车库",
                        arrive=t(10, 12, 8, 20), complete=t(10, 12, 9, 30))  # fmt: skip
    call_back(write, t(10, 10, 15), "workorder", e1, V)
    call_back(write, t(10, 12, 10), "workorder", e3, S)
    # E2's callback (due 13 Oct 23:00) is never made

    # 重要 (1 h on site, 8 h done)
    i1, s["I1"] = order(write, t(10, 14, 9), IMP, "门窗", room="1-1-102", arrive=t(10, 14, 9, 30))
    with write(t(10, 14, 10)) as ctx:
        workorders.wait_for_parts(ctx, i1)
    with write(t(10, 16, 10)) as ctx:
        workorders.resume(ctx, i1)  # 48 h 待料
    with write(t(10, 16, 12)) as ctx:
        workorders.complete(ctx, i1, Completion("更换门锁"))
    call_back(write, t(10, 19, 9), "workorder", i1, F)  # late: due 18 Oct 12:00
    i2, s["I2"] = order(write, t(10, 20, 9), IMP, "门禁", room="1-1-101")
    with write(t(10, 20, 9, 30)) as ctx:
        workorders.dispatch(ctx, i2, "工程部 李师傅")  # nobody ever arrives
    i3, s["I3"] = order(write, t(10, 21, 9), IMP, "水电", room="1-1-101")
    with write(t(10, 21, 9, 30)) as ctx:
        workorders.void(ctx, i3, "重复报修")
    i5, s["I5"] = order(write, t(10, 28, 9), IMP, "公共设施", location="地下车库",
                        arrive=t(10, 28, 9, 30))  # fmt: skip
    with write(t(10, 28, 10)) as ctx:
        workorders.wait_for_parts(ctx, i5)  # before its deadline, still waiting at AS_OF
    i6, s["I6"] = order(write, t(10, 29, 9), IMP, "电梯", room="1-1-104", arrive=t(10, 29, 9, 20))
    with write(t(10, 29, 18)) as ctx:
        workorders.wait_for_parts(ctx, i6)  # paused an hour after its 17:00 deadline

    # 一般 (2 h on site, 48 h done)
    o1, s["O1"] = order(write, t(10, 5, 10), ORD, "水电", room="1-1-101",
                        arrive=t(10, 5, 11), complete=t(10, 5, 12))  # fmt: skip
    call_back(write, t(10, 6, 9), "workorder", o1, S)
    _, s["O2"] = order(write, t(10, 31, 23, 59), ORD, "门窗", room="1-1-103",
                       arrive=t(11, 1, 0, 30))  # fmt: skip
    o3, s["O3"] = order(write, t(10, 15, 14), ORD, "土建", location="南门",
                        arrive=t(10, 15, 17), complete=t(10, 18, 14))  # fmt: skip
    # 不满意 reopens it (返工): a fresh completion deadline, 19 Oct 10:00 + 48 h
    call_back(write, t(10, 19, 10), "workorder", o3, U)
    with write(t(10, 19, 11)) as ctx:
        workorders.dispatch(ctx, o3, "工程部 王师傅")
    with write(t(10, 19, 12)) as ctx:
        workorders.start(ctx, o3)  # the first arrival stays the response
    with write(t(10, 20, 10)) as ctx:
        workorders.complete(ctx, o3, Completion("重新铺设"))
    call_back(write, t(10, 21, 10), "workorder", o3, S)
    _, s["O4"] = order(write, t(10, 31, 9), ORD, "其他", room="1-1-104",
                       arrive=t(10, 31, 10), complete=t(10, 31, 22))  # fmt: skip
    # O4's callback is due 2 Nov 22:00: not yet late at AS_OF

    # 预约: booked on 13 Oct for 14 Oct 14:00; the limits run from the appointment
    a1, s["A1"] = order(write, t(10, 13, 9), APT, "水电", room="1-1-101",
                        appointment=t(10, 14, 14), arrive=t(10, 14, 13, 50),
                        complete=t(10, 14, 15))  # fmt: skip
    call_back(write, t(10, 15, 10), "workorder", a1, S)

    # complaints
    c1, s["C1"] = complaint(write, t(10, 3, 10), "物业管理", MINOR, "1-1-101", answer=t(10, 4, 10))
    call_back(write, t(10, 5, 10), "complaint", c1, S)
    # C2's callback (due 22 Oct 18:00) is never made
    _, s["C2"] = complaint(write, t(10, 20, 15), "物业管理", IMPORTANT, "1-1-101",
                           answer=t(10, 20, 18))  # fmt: skip
    c3, s["C3"] = complaint(write, t(10, 25, 9), "客户服务", MAJOR, "1-1-102",
                            answer=t(10, 25, 17))  # fmt: skip
    call_back(write, t(10, 26, 10), "complaint", c3, V)
    _, s["C4"] = complaint(write, t(10, 31, 23, 59), "物业管理", MINOR, "1-1-102")
    c5, s["C5"] = complaint(write, t(10, 8, 11), "工程质量", MINOR, "1-1-103")
    with write(t(10, 8, 12)) as ctx:
        complaints.void(ctx, c5, "误录")
    c6, s["C6"] = complaint(write, t(10, 30, 16), "客户服务", MINOR, "1-1-101",
                            answer=t(10, 31, 10))  # fmt: skip
    call_back(write, t(11, 1, 0, 0), "complaint", c6, S)  # done in November
    _, s["N1"] = complaint(write, t(11, 1, 0, 0), "物业管理", MINOR, "1-1-101")

    # visits and calls at chosen hours
    for at in (t(10, 9, 10), t(10, 9, 10, 30), t(10, 9, 14), t(9, 30, 23, 59), t(11, 1, 0)):
        with write(at) as ctx:
            visits.create(ctx, VisitDraft("李女士", "咨询装修手续"))
    with write(t(10, 9, 10, 45)) as ctx:
        gone = visits.create(ctx, VisitDraft("李女士", "录错了"))
    with write(t(10, 9, 11)) as ctx:
        visits.void(ctx, gone.id, "录入错误")
    for at in (t(10, 1, 0, 0), t(10, 31, 23, 59), t(10, 9, 10, 15), t(10, 9, 9, 45)):
        with write(at) as ctx:
            calls.create_call(ctx, CallDraft("咨询", "问物业费", "王先生"))
    return s


@pytest.fixture
def report(october, read) -> stats.MonthlyReport:
    with read(AS_OF) as ctx:
        return stats.monthly_report(ctx, 2026, 10)


# --- work orders -----------------------------------------------------------------------------


def test_orders_of_the_month_by_category(report) -> None:
    m = report.current
    # E1 E2 E3, I1 I2 I5 I6 (I3 voided), O1 O2 O3 O4, A1
    assert m.workorders == 12
    assert m.workorder_categories == {
        "水电": 5,  # E1 E2 E3 O1 A1
        "土建": 1,  # O3
        "门窗": 2,  # I1 O2
        "电梯": 1,  # I6
        "门禁": 1,  # I2
        "公共设施": 1,  # I5
        "其他": 1,  # O4
    }
    assert (m.start, m.end, m.as_of, m.complete) == (t(10, 1, 0), t(11, 1, 0), AS_OF, True)


def test_emergency_times_and_limits(report) -> None:
    e = report.current.urgencies[EMG]
    assert (e.orders, e.completed) == (3, 3)
    # on site after E1 10, E3 20, E2 40 min: median 20; P90 at rank 0.9·2 = 1.8 → 20 + 0.8·20
    assert minutes(e.response) == (3, 20.0, 36.0)
    # done after E1 60, E3 90, E2 180 min: median 90; P90 = 90 + 0.8·90
    assert minutes(e.completion) == (3, 90.0, 162.0)
    assert e.response_sla == SlaShare(met=2, missed=1, pending=0)  # E2: 40 > 30 min
    assert e.completion_sla == SlaShare(met=2, missed=1, pending=0)  # E2: 180 > 120 min
    assert e.response_sla.share == pytest.approx(2 / 3)


def test_important_with_pauses_and_an_overdue_open_order(report) -> None:
    i = report.current.urgencies[IMP]
    assert (i.orders, i.completed) == (4, 1)  # I1 I2 I5 I6; only I1 is done
    # on site after I6 20, I1 30, I5 30 min (I2 never): median 30, P90 30 + 0.8·0
    assert minutes(i.response) == (3, 30.0, 30.0)
    # I1: 14 Oct 09:00 → 16 Oct 12:00 = 51 h, minus 48 h 待料 = 180 min
    assert minutes(i.completion) == (1, 180.0, 180.0)
    # I2 open and nobody on site past 10:00 → missed
    assert i.response_sla == SlaShare(met=3, missed=1, pending=0)
    # met: I1 (12:00 ≤ 17:00 + 48 h); missed: I2 (open past 17:00), I6 (paused after its
    # deadline); pending: I5 (paused before its deadline, the clock stands still)
    assert i.completion_sla == SlaShare(met=1, missed=2, pending=1)
    assert i.completion_sla.share == pytest.approx(1 / 3)


def test_ordinary_with_rework_and_an_open_order_not_yet_due(report) -> None:
    o = report.current.urgencies[ORD]
    assert (o.orders, o.completed) == (4, 3)  # O1 O2 O3 O4; O2 still open
    # on site: O2 31 (23:59 → 00:30), O1 60, O4 60, O3 180: median (60 + 60) / 2;
    # P90 at rank 0.9·3 = 2.7 → 60 + 0.7·120
    assert minutes(o.response) == (4, 60.0, 144.0)
    # done: O1 120, O4 780, O3 15 Oct 14:00 → 20 Oct 10:00 after its 返工 = 6,960 min;
    # P90 at rank 1.8 → 780 + 0.8·6,180
    assert minutes(o.completion) == (3, 780.0, 5724.0)
    assert o.response_sla == SlaShare(met=3, missed=1, pending=0)  # O3: 180 > 120 min
    # O3 is judged on the deadline its 返工 gave it (21 Oct 10:00); O2 is due 2 Nov 23:59
    assert o.completion_sla == SlaShare(met=3, missed=0, pending=1)


def test_appointment_counts_from_the_agreed_time(report) -> None:
    a = report.current.urgencies[APT]
    # on site at 13:50 for a 14:00 appointment: 0, not −10 minutes
    assert minutes(a.response) == (1, 0.0, 0.0)
    assert minutes(a.completion) == (1, 60.0, 60.0)  # 14:00 → 15:00
    assert (a.response_sla, a.completion_sla) == (SlaShare(1, 0, 0), SlaShare(1, 0, 0))


def test_sla_counts_add_up_to_the_orders(report) -> None:
    for figures in report.current.urgencies.values():
        for share in (figures.response_sla, figures.completion_sla):
            assert share.met + share.missed + share.pending == figures.orders


# --- complaints ------------------------------------------------------------------------------


def test_complaints_by_category_and_severity(report) -> None:
    c = report.current.complaints
    assert c.total == 5  # C1 C2 C3 C4 (31 Oct 23:59) C6; C5 voided, N1 is November's
    assert c.by_category == {
        "工程质量": 0,  # only C5, voided
        "规划设计": 0,
        "销售管理": 0,
        "物业管理": 3,  # C1 C2 C4
        "客户服务": 2,  # C3 C6
        "其他": 0,
    }
    assert c.by_severity == {MAJOR: 1, IMPORTANT: 1, MINOR: 3}  # C3 / C2 / C1 C4 C6
    assert c.by_category_severity["物业管理"] == {MAJOR: 0, IMPORTANT: 1, MINOR: 2}
    assert c.by_category_severity["客户服务"] == {MAJOR: 1, IMPORTANT: 0, MINOR: 1}
    assert c.by_category_severity["其他"] == {MAJOR: 0, IMPORTANT: 0, MINOR: 0}
    # answered after: C6 18 h = 1,080 min, C1 24 h = 1,440 min (C4 not yet):
    # median 1,260, P90 = 1,080 + 0.9·360
    assert minutes(c.answer_time[MINOR]) == (2, 1260.0, 1404.0)
    assert minutes(c.answer_time[IMPORTANT]) == (1, 180.0, 180.0)  # C2 15:00 → 18:00
    assert minutes(c.answer_time[MAJOR]) == (1, 480.0, 480.0)  # C3 09:00 → 17:00


# --- repeats ---------------------------------------------------------------------------------


def test_repeat_problems(report, october) -> None:
    s = october
    r = report.current.repeats
    assert [(p.kind, p.place, p.public, p.category, p.serials, p.repeats) for p in r.problems] == [
        # E1 (5 days after O1) and A1 (3 days after E1); the voided I3 is no repeat
        ("workorder", "1-1-101", False, "水电", (s["O1"], s["E1"], s["A1"]), 2),
        ("workorder", "1-1-102", False, "门窗", (s["P1"], s["I1"]), 1),  # 24 days less 1 h
        ("workorder", "地下车库", True, "水电", (s["P3"], s["E3"]), 1),  # exactly 30 days
        ("complaint", "1-1-101", False, "物业管理", (s["C1"], s["C2"]), 1),  # 17 days
        ("complaint", "1-1-102", False, "客户服务", (s["S1"], s["C3"]), 1),  # 27 days
    ]
    # not repeats: E2 after P4 (1-1-102 水电, 30 days and 1 minute), O3 after P2 (南门 土建,
    # 44 days), C4 (1-1-102 物业管理, first), and N1 (November)
    assert (r.workorders, r.complaints) == (4, 2)
    assert r.problems[0].count == 3


# --- callbacks and satisfaction -------------------------------------------------------------


def test_callback_rates(report) -> None:
    cb = report.current.callbacks
    # complaints answered in October: C1 ✓, C2 ✗ (due 22 Oct 18:00), C3 ✓, C6 ✓ (made on
    # 1 Nov 00:00, due 2 Nov 10:00) → 3 / 4
    assert cb[CallbackSource.COMPLAINT] == stats.CallbackRate(
        CallbackSource.COMPLAINT, 1.0, done=3, on_time=3, missed=1, pending=0
    )
    assert cb[CallbackSource.COMPLAINT].rate == pytest.approx(0.75)
    assert cb[CallbackSource.COMPLAINT].meets_target is False
    # repairs completed in October: E1 ✓, E2 ✗, E3 ✓, I1 ✓ (late), O1 ✓, O3 ✓ (不满意),
    # O3 again ✓, A1 ✓; O4 (due 2 Nov 22:00) still pending → 7 / 8 = 87.5 % < 90 %
    assert cb[CallbackSource.WORK_ORDER] == stats.CallbackRate(
        CallbackSource.WORK_ORDER, 0.9, done=7, on_time=6, missed=1, pending=1
    )
    assert cb[CallbackSource.WORK_ORDER].rate == pytest.approx(0.875)
    assert cb[CallbackSource.WORK_ORDER].meets_target is False


def test_satisfaction_of_callbacks_made_in_the_month(report) -> None:
    m = report.current
    # 非常满意 C3 E1; 满意 C1 E3 O1 O3-again A1; 基本满意 I1; 不满意 O3 (C6's is November's)
    assert m.satisfaction.counts == {V: 2, S: 5, F: 1, U: 1}
    assert m.satisfaction.total == 9
    assert m.satisfaction.shares == pytest.approx({V: 2 / 9, S: 5 / 9, F: 1 / 9, U: 1 / 9})
    assert m.satisfaction_by_source[CallbackSource.COMPLAINT].counts == {V: 1, S: 1, F: 0, U: 0}
    assert m.satisfaction_by_source[CallbackSource.WORK_ORDER].counts == {V: 1, S: 4, F: 1, U: 1}


# --- hours -----------------------------------------------------------------------------------


def test_busiest_hours(report) -> None:
    h = report.current.hours
    # visits 10:00 10:30 14:00 (the voided one, 30 Sep 23:59 and 1 Nov 00:00 left out)
    assert _nonzero(h.visits) == {10: 2, 14: 1}
    # calls 1 Oct 00:00, 9:45, 10:15, 31 Oct 23:59
    assert _nonzero(h.calls) == {0: 1, 9: 1, 10: 1, 23: 1}
    # repairs at 9: E1 I1 I2 I5 I6 O4 A1 (not the voided I3); 8 E3, 10 O1, 14 O3, 20 E2, 23 O2
    assert _nonzero(h.workorders) == {8: 1, 9: 7, 10: 1, 14: 1, 20: 1, 23: 1}
    assert _nonzero(h.complaints) == {9: 1, 10: 1, 15: 1, 16: 1, 23: 1}  # C3 C1 C2 C6 C4
    # 9:00 → 1 + 7 + 1 = 9; 10:00 → 2 + 1 + 1 + 1 = 5; 23:00 → 1 + 1 + 1 = 3
    assert h.top == (9, 10, 23)
    assert sum(h.totals) == 3 + 4 + 12 + 5


def _nonzero(counts: tuple[int, ...]) -> dict[int, int]:
    assert len(counts) == 24
    return {hour: n for hour, n in enumerate(counts) if n}


# --- the month before -----------------------------------------------------------------------


def test_the_month_before(report) -> None:
    p = report.previous
    assert (p.year, p.month, p.start, p.end) == (2026, 9, t(9, 1, 0), t(10, 1, 0))
    assert p.workorders == 4  # P1–P4, all left untouched: every deadline missed
    assert p.urgencies[ORD].response_sla == SlaShare(met=0, missed=4, pending=0)
    assert p.urgencies[ORD].completion_sla == SlaShare(met=0, missed=4, pending=0)
    assert p.urgencies[ORD].response == Durations(0, None, None)
    assert p.complaints.total == 1  # S1
    assert (p.repeats.workorders, p.repeats.complaints) == (0, 0)
    assert _nonzero(p.hours.visits) == {23: 1}  # 30 Sep 23:59
    assert stats.change(report.current.complaints.total, p.complaints.total) == 4
    current_share = report.current.urgencies[ORD].response_sla.share
    assert stats.change(current_share, p.urgencies[ORD].response_sla.share) == pytest.approx(0.75)
    assert stats.change(current_share, None) is None


def test_a_session_and_a_context_give_the_same_figures(october, read, engine) -> None:
    with read(AS_OF) as ctx:
        from_ctx = stats.monthly(ctx, 2026, 10)
    with Session(engine) as session:
        assert stats.monthly(session, 2026, 10, now=AS_OF) == from_ctx


def test_judged_earlier_the_open_work_is_pending(october, read) -> None:
    """On 1 Nov 12:00 nothing new is late: O2 (due 2 Nov 23:59) and O4's callback (due
    2 Nov 22:00) are still pending."""
    with read(t(11, 1, 12)) as ctx:
        m = stats.monthly(ctx, 2026, 10)
    assert m.urgencies[ORD].completion_sla == SlaShare(met=3, missed=0, pending=1)
    assert m.callbacks[CallbackSource.WORK_ORDER].pending == 1


# --- edges -----------------------------------------------------------------------------------


def test_an_empty_month_has_no_rates(read) -> None:
    with read(AS_OF) as ctx:
        m = stats.monthly(ctx, 2025, 2)
    assert m.workorders == 0
    assert set(m.workorder_categories.values()) == {0}
    for figures in m.urgencies.values():
        assert figures.response == Durations(0, None, None)
        assert figures.completion_sla.share is None
    assert m.complaints.total == 0
    assert m.complaints.answer_time[MINOR] == Durations(0, None, None)
    assert m.repeats == stats.Repeats((), 0, 0)
    for rate in m.callbacks.values():
        assert (rate.counted, rate.rate, rate.meets_target) == (0, None, None)
    assert m.satisfaction.total == 0
    assert set(m.satisfaction.shares.values()) == {None}
    assert (m.hours.totals, m.hours.top) == ((0,) * 24, ())


def test_the_month_in_progress_is_not_complete(read) -> None:
    with read(t(11, 23, 10)) as ctx:
        report = stats.monthly_report(ctx, 2026, 11)
    assert report.current.complete is False
    assert report.previous.complete is True


def test_january_compares_with_december(read) -> None:
    with read(AS_OF) as ctx:
        report = stats.monthly_report(ctx, 2026, 1)
    assert (report.previous.year, report.previous.month) == (2025, 12)
    assert report.previous.end == report.current.start == datetime(2026, 1, 1)


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_outside_1_to_12_is_refused(month) -> None:
    with pytest.raises(ValueError):
        stats.month_bounds(2026, month)


def test_a_voided_order_takes_its_done_callback_along(write, read) -> None:
    oid, _ = order(write, t(10, 5, 10), ORD, "水电", room="1-1-101",
                   arrive=t(10, 5, 11), complete=t(10, 5, 12))  # fmt: skip
    call_back(write, t(10, 6, 9), "workorder", oid, S)
    with write(t(10, 7, 9)) as ctx:
        workorders.void(ctx, oid, "业主撤销")
    with read(AS_OF) as ctx:
        m = stats.monthly(ctx, 2026, 10)
    assert m.workorders == 0
    assert m.callbacks[CallbackSource.WORK_ORDER].counted == 0
    assert m.satisfaction.total == 0


def test_the_callback_target_is_met_in_whole_callbacks() -> None:
    """9 of 10 repairs called back is 90 %: the target is met despite float rounding."""
    rate = stats.CallbackRate(CallbackSource.WORK_ORDER, 0.9, 9, 9, 1, 0)
    assert rate.meets_target is True
    assert stats.CallbackRate(CallbackSource.WORK_ORDER, 0.9, 8, 8, 1, 0).meets_target is False
    assert stats.CallbackRate(CallbackSource.COMPLAINT, 1.0, 3, 3, 0, 2).meets_target is True


# --- properties ------------------------------------------------------------------------------

values = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60)


def _reference(sorted_values: list[float], fraction: float) -> float:
    """PERCENTILE.INC by its textbook recipe: rank 1 + fraction·(n − 1), between neighbours."""
    rank = 1 + fraction * (len(sorted_values) - 1)
    whole = int(rank)
    if whole >= len(sorted_values):
        return sorted_values[-1]
    low, high = sorted_values[whole - 1], sorted_values[whole]
    return low + (rank - whole) * (high - low)


@given(values)
def test_median_and_p90_match_the_standard_library(data: list[float]) -> None:
    ordered = sorted(data)
    assert stats.percentile(ordered, 0.5) == pytest.approx(statistics.median(data))
    if len(data) >= 2:
        p90 = statistics.quantiles(data, n=10, method="inclusive")[8]
        assert stats.percentile(ordered, 0.9) == pytest.approx(p90)


@given(values, st.floats(0, 1))
def test_percentile_matches_the_sorted_list_reference(data: list[float], fraction: float) -> None:
    ordered = sorted(data)
    found = stats.percentile(ordered, fraction)
    # the reference counts ranks from 1, so its interpolation weight (rank − whole) is off
    # by up to an ulp of the rank: a few ulps of the range, absolute (hypothesis found
    # [0, 47144] at 3e-15)
    spread = ordered[-1] - ordered[0]
    slack = 8 * sys.float_info.epsilon * len(ordered) * spread
    assert found == pytest.approx(_reference(ordered, fraction), abs=1e-12 + slack)
    assert ordered[0] <= found <= ordered[-1]


@given(st.lists(st.sampled_from(list(Satisfaction)), max_size=40))
def test_satisfaction_shares_sum_to_one(answers: list[Satisfaction]) -> None:
    counted = Counter(answers)
    figures = stats.SatisfactionCounts({s: counted[s] for s in Satisfaction})
    assert figures.total == len(answers)
    if answers:
        assert sum(figures.shares.values()) == pytest.approx(1.0)  # type: ignore[arg-type]


MONTH_START = datetime(2026, 10, 1)
# minutes from 1 Sep to the end of October, so earlier records can be repeated
record_minutes = st.lists(
    st.tuples(st.integers(0, 61 * 24 * 60), st.sampled_from(["1-1-101", "1-1-102"]),
              st.sampled_from(["水电", "门窗"])),
    max_size=25,
)  # fmt: skip


@given(record_minutes)
@example([(0, "1-1-101", "水电"), (30 * 24 * 60, "1-1-101", "水电")])  # exactly 30 days
@example([(0, "1-1-101", "水电"), (30 * 24 * 60 + 1, "1-1-101", "水电")])  # and a minute more
def test_repeats_match_a_brute_force_count(records: list[tuple[int, str, str]]) -> None:
    start = datetime(2026, 9, 1)
    # the columns _WORKORDERS selects, as far as repeats read them; ordered by (time, id)
    rows = sorted(
        ((i, f"PG-{i:03d}", (start + timedelta(minutes=m)).isoformat(" "), "一般", category,
          "已完成", None, None, None, room, "")
         for i, (m, room, category) in enumerate(records)),
        key=lambda r: (r[2], r[0]),
    )  # fmt: skip
    found = stats._repeats(rows, [], MONTH_START)
    # brute force: a record of October repeats when another of the same place and category
    # came before it (time, then id) at most 30 days earlier
    at = {r[1]: datetime.fromisoformat(r[2]) for r in rows}
    order_of = {r[1]: n for n, r in enumerate(rows)}
    expected_repeats = 0
    involved: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        if at[r[1]] < MONTH_START:
            continue
        earlier = [
            e[1]
            for e in rows
            if (e[9], e[4]) == (r[9], r[4])
            and order_of[e[1]] < order_of[r[1]]
            and at[r[1]] - at[e[1]] <= stats.REPEAT_WINDOW
        ]
        if earlier:
            expected_repeats += 1
            involved.setdefault((r[9], r[4]), set()).update([*earlier, r[1]])
    assert found.workorders == expected_repeats
    assert {(p.place, p.category): set(p.serials) for p in found.problems} == involved
    assert sum(p.repeats for p in found.problems) == expected_repeats
