"""A month of statistics written out by hand, for the writers' tests (no database).

October 2026 has the figures of tests/services/test_statistics.py's scenario; September
has four untouched repairs, one complaint and a few visits. ``report()`` turns them into the
``StatisticsReport`` every writer takes, through ``statistics_tables.build`` as the program
does.
"""

from __future__ import annotations

from datetime import datetime

from desk.models.enums import CallbackSource, Satisfaction, Severity, Urgency
from desk.reports.statistics_report import StatisticsReport
from desk.services.views import statistics_tables
from desk.services.views.statistics import (
    CallbackRate,
    ComplaintFigures,
    Durations,
    HourCounts,
    MonthlyFigures,
    MonthlyReport,
    RepeatProblem,
    Repeats,
    SatisfactionCounts,
    SlaShare,
    UrgencyFigures,
)

OFFICE = "阳光花园物业服务中心"
AS_OF = datetime(2026, 11, 2, 9, 0)
GENERATED = datetime(2026, 11, 2, 9, 30)
EMG, IMP, ORD, APT = Urgency.EMERGENCY, Urgency.IMPORTANT, Urgency.ORDINARY, Urgency.APPOINTMENT
MAJOR, IMPORTANT, MINOR = Severity.MAJOR, Severity.IMPORTANT, Severity.MINOR
V, S, F, U = Satisfaction.VERY, Satisfaction.SATISFIED, Satisfaction.FAIR, Satisfaction.UNSATISFIED
COMPLAINT, WORK_ORDER = CallbackSource.COMPLAINT, CallbackSource.WORK_ORDER
NOTHING = Durations(0, None, None)
NONE_JUDGED = SlaShare(0, 0, 0)
CATEGORIES = ("工程质量", "物业管理", "客户服务")


def hours(counts: dict[int, int]) -> tuple[int, ...]:
    return tuple(counts.get(h, 0) for h in range(24))


def urgency(
    u: Urgency,
    orders: int = 0,
    completed: int = 0,
    response: Durations = NOTHING,
    completion: Durations = NOTHING,
    response_sla: SlaShare = NONE_JUDGED,
    completion_sla: SlaShare = NONE_JUDGED,
) -> UrgencyFigures:
    return UrgencyFigures(u, orders, completed, response, completion, response_sla, completion_sla)


def satisfaction(very: int, satisfied: int, fair: int, unsatisfied: int) -> SatisfactionCounts:
    return SatisfactionCounts({V: very, S: satisfied, F: fair, U: unsatisfied})


def problem(place: str, category: str, serials: tuple[str, ...], repeats: int) -> RepeatProblem:
    return RepeatProblem("workorder", place, False, category, serials, repeats)


def october(problems: tuple[RepeatProblem, ...] | None = None) -> MonthlyFigures:
    if problems is None:
        problems = (
            problem(
                "1-1-101", "水电", ("PG-20261005-001", "PG-20261010-001", "PG-20261013-001"), 2
            ),
            problem("地下车库", "水电", ("PG-20260912-001", "PG-20261012-001"), 1),
            RepeatProblem(
                "complaint", "1-1-101", False, "物业管理", ("TS-20261003-001", "TS-20261020-001"), 1
            ),
        )
    return MonthlyFigures(
        year=2026,
        month=10,
        start=datetime(2026, 10, 1),
        end=datetime(2026, 11, 1),
        as_of=AS_OF,
        workorders=12,
        workorder_categories={"水电": 7, "门窗": 5},
        urgencies={
            EMG: urgency(
                EMG,
                3,
                3,
                Durations(3, 20.0, 36.0),
                Durations(3, 90.0, 162.0),
                SlaShare(2, 1, 0),
                SlaShare(2, 1, 0),
            ),
            IMP: urgency(
                IMP,
                4,
                1,
                Durations(3, 30.0, 30.0),
                Durations(1, 180.0, 180.0),
                SlaShare(3, 1, 0),
                SlaShare(1, 2, 1),
            ),
            ORD: urgency(
                ORD,
                4,
                3,
                Durations(4, 60.0, 144.0),
                Durations(3, 780.0, 5724.0),
                SlaShare(3, 1, 0),
                SlaShare(3, 0, 1),
            ),
            APT: urgency(
                APT,
                1,
                1,
                Durations(1, 0.0, 0.0),
                Durations(1, 60.0, 60.0),
                SlaShare(1, 0, 0),
                SlaShare(1, 0, 0),
            ),
        },
        complaints=ComplaintFigures(
            total=5,
            by_category={"工程质量": 0, "物业管理": 3, "客户服务": 2},
            by_severity={MAJOR: 1, IMPORTANT: 1, MINOR: 3},
            by_category_severity={
                "工程质量": {MAJOR: 0, IMPORTANT: 0, MINOR: 0},
                "物业管理": {MAJOR: 0, IMPORTANT: 1, MINOR: 2},
                "客户服务": {MAJOR: 1, IMPORTANT: 0, MINOR: 1},
            },
            answer_time={
                MAJOR: Durations(1, 480.0, 480.0),
                IMPORTANT: Durations(1, 180.0, 180.0),
                MINOR: Durations(2, 1260.0, 1404.0),
            },
        ),
        repeats=Repeats(problems, 3, 1),
        callbacks={
            COMPLAINT: CallbackRate(COMPLAINT, 1.0, 3, 3, 1, 0),
            WORK_ORDER: CallbackRate(WORK_ORDER, 0.9, 7, 6, 1, 1),
        },
        satisfaction=satisfaction(2, 5, 1, 1),
        satisfaction_by_source={
            COMPLAINT: satisfaction(1, 1, 0, 0),
            WORK_ORDER: satisfaction(1, 4, 1, 1),
        },
        hours=HourCounts(
            visits=hours({10: 2, 14: 1}),
            calls=hours({0: 1, 9: 1, 10: 1, 23: 1}),
            workorders=hours({8: 1, 9: 7, 10: 1, 14: 1, 20: 1, 23: 1}),
            complaints=hours({9: 1, 10: 1, 15: 1, 16: 1, 23: 1}),
        ),
    )


def september() -> MonthlyFigures:
    return MonthlyFigures(
        year=2026,
        month=9,
        start=datetime(2026, 9, 1),
        end=datetime(2026, 10, 1),
        as_of=AS_OF,
        workorders=4,
        workorder_categories={"水电": 2, "门窗": 1, "土建": 1},
        urgencies={
            EMG: urgency(EMG),
            IMP: urgency(IMP),
            ORD: urgency(
                ORD, 4, 0, response_sla=SlaShare(0, 4, 0), completion_sla=SlaShare(0, 4, 0)
            ),
            APT: urgency(APT),
        },
        complaints=ComplaintFigures(
            total=1,
            by_category={"工程质量": 0, "物业管理": 0, "客户服务": 1},
            by_severity={MAJOR: 0, IMPORTANT: 0, MINOR: 1},
            by_category_severity={
                "工程质量": {MAJOR: 0, IMPORTANT: 0, MINOR: 0},
                "物业管理": {MAJOR: 0, IMPORTANT: 0, MINOR: 0},
                "客户服务": {MAJOR: 0, IMPORTANT: 0, MINOR: 1},
            },
            answer_time={MAJOR: NOTHING, IMPORTANT: NOTHING, MINOR: NOTHING},
        ),
        repeats=Repeats((), 0, 0),
        callbacks={
            COMPLAINT: CallbackRate(COMPLAINT, 1.0, 0, 0, 0, 0),
            WORK_ORDER: CallbackRate(WORK_ORDER, 0.9, 0, 0, 0, 0),
        },
        satisfaction=satisfaction(0, 0, 0, 0),
        satisfaction_by_source={
            COMPLAINT: satisfaction(0, 0, 0, 0),
            WORK_ORDER: satisfaction(0, 0, 0, 0),
        },
        hours=HourCounts(
            visits=hours({23: 1}),
            calls=hours({}),
            workorders=hours({8: 1, 9: 1, 10: 1, 19: 1}),
            complaints=hours({10: 1}),
        ),
    )


def report(
    problems: tuple[RepeatProblem, ...] | None = None, office: str = OFFICE
) -> StatisticsReport:
    monthly = MonthlyReport(current=october(problems), previous=september())
    return statistics_tables.build(monthly, office=office, generated_at=GENERATED)


def many_problems(n: int) -> tuple[RepeatProblem, ...]:
    """``n`` places with repeats; the first with forty serials (a cell taller than a third of a
    page), the last named ``最后一处``."""
    forty = tuple(f"PG-202610{d:02d}-0{k:02d}" for d in range(1, 21) for k in (1, 2))
    out = [problem("健身广场", "公共设施", forty, 20)]
    for i in range(1, n - 1):
        serials = (f"PG-20261001-{i:03d}", f"PG-20261015-{i:03d}")
        out.append(problem(f"{i // 10 + 1}-{i % 10 + 1}-{100 + i}", "水电", serials, 1))
    out.append(problem("最后一处", "门窗", ("PG-20261030-001", "PG-20261031-001"), 1))
    return tuple(out)
