"""统计 as tables: a ``MonthlyReport`` turned into the ``StatisticsReport`` that the tab,
the xlsx and the PDF lay out — so all three show the same numbers.

``build(report, office=…, generated_at=…)`` is pure; ``load(ctx, year, month)`` reads the
figures and the office's name; ``export_xlsx`` / ``export_pdf`` read and write a file in
one go, on the UI's DB worker like any read, and turn a file that cannot be written into
a ``DeskError`` the desk can show.

Units: response times in minutes (the limits are 30 min – 4 h), completion and answer
times in hours (2 h – 5 working days). Shares are fractions of 1.0; their changes are in
percentage points.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from desk.models import kinds
from desk.models.enums import CallbackSource, Satisfaction, Severity, Urgency
from desk.models.errors import DeskError
from desk.reports.statistics_report import Chart, Section, StatisticsReport, TableColumn
from desk.services.core import settings
from desk.services.core.context import Ctx, local_now
from desk.services.core.transactions import reading
from desk.services.views.statistics import (
    Durations,
    MonthlyFigures,
    MonthlyReport,
    SlaShare,
    UrgencyFigures,
    change,
    monthly_report,
)

__all__ = [
    "DEFAULT_OFFICE",
    "build",
    "export",
    "export_pdf",
    "export_xlsx",
    "is_empty",
    "last_full_month",
    "load",
    "office_name",
    "suggested_name",
]

DEFAULT_OFFICE = "物业服务中心"
# the labels of stored fields and the kinds' titles, as everywhere (desk.models.kinds)
wo = kinds.WORKORDER.label
co = kinds.COMPLAINT.label


def office_name(ctx: Ctx) -> str:
    return settings.get(ctx.session, "office.name") or DEFAULT_OFFICE


def last_full_month(today: datetime) -> tuple[int, int]:
    """The month before ``today``'s: the one a supervisor reports on."""
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def suggested_name(year: int, month: int, suffix: str) -> str:
    return f"月度服务统计-{year}年{month:02d}月{suffix}"


def is_empty(m: MonthlyFigures) -> bool:
    """Nothing recorded in the month: no visit, call, repair, complaint nor callback."""
    return (
        sum(m.hours.totals) == 0
        and m.satisfaction.total == 0
        and all(rate.counted + rate.pending == 0 for rate in m.callbacks.values())
    )


def load(ctx: Ctx, year: int, month: int) -> StatisticsReport:
    """The month's tables, open work judged at ``ctx.now``."""
    report = monthly_report(ctx, year, month)
    return build(report, office=office_name(ctx), generated_at=ctx.now)


# --- the tables ------------------------------------------------------------------------


def build(report: MonthlyReport, *, office: str, generated_at: datetime) -> StatisticsReport:
    cur, prev = report.current, report.previous
    last_day = cur.end - timedelta(days=1)
    notes = [
        f"统计期间：{cur.start:%Y-%m-%d} 至 {last_day:%Y-%m-%d}；"
        f"对比：上月（{prev.year}年{prev.month}月）"
    ]
    if cur.complete:
        notes.append(f"尚未完成的单据按 {cur.as_of:%Y-%m-%d %H:%M} 判断是否超时")
    else:
        notes.append(f"本月尚未结束：数字截至 {cur.as_of:%Y-%m-%d %H:%M}，之后还会变化")
    return StatisticsReport(
        office=office,
        year=cur.year,
        month=cur.month,
        previous=(prev.year, prev.month),
        generated_at=generated_at,
        notes=tuple(notes),
        sections=(
            _summary(cur, prev),
            _complaints(cur, prev),
            _answer_time(cur, prev),
            _response_time(cur, prev),
            _completion_time(cur, prev),
            _sla("response_sla", "报修响应及时率", cur, prev, _RESPONSE_NOTE),
            _sla("completion_sla", "报修完成及时率", cur, prev, _COMPLETION_NOTE),
            _callbacks(cur, prev),
            _satisfaction(cur, prev),
            _hours(cur, prev),
            _repeats(cur, prev),
        ),
        empty=is_empty(cur),
    )


def _one(value: float | None) -> float | None:
    """Rounded to the tenth shown, so the change is the difference of what is shown."""
    return None if value is None else round(value, 1)


def _delta(current: float | None, previous: float | None) -> float | None:
    d = change(current, previous)
    return None if d is None else round(d, 1)


def _points(current: float | None, previous: float | None) -> float | None:
    """The change of a share in percentage points, from the shares as shown (87.5%)."""
    if current is None or previous is None:
        return None
    return round(round(current * 100, 1) - round(previous * 100, 1), 1)


def _summary(cur: MonthlyFigures, prev: MonthlyFigures) -> Section:
    def figures(m: MonthlyFigures) -> list[int]:
        h, c = m.hours, m.complaints
        return [
            sum(h.visits),
            sum(h.calls),
            m.workorders,
            c.total,
            c.by_severity[Severity.MAJOR],
            c.by_severity[Severity.IMPORTANT],
            c.by_severity[Severity.MINOR],
            m.repeats.workorders,
            m.repeats.complaints,
            m.satisfaction.total,
        ]

    labels = [
        "来访登记（次）",
        "来电记录（次）",
        "报修（单）",
        "投诉（件）",
        "　其中重大投诉",
        "　其中重要投诉",
        "　其中轻微投诉",
        "重复报修（单）",
        "重复投诉（件）",
        "完成回访（次）",
    ]
    rows = [
        (label, a, b, a - b)
        for label, a, b in zip(labels, figures(cur), figures(prev), strict=True)
    ]
    return Section(
        "summary",
        "概况",
        (
            TableColumn("项目", "text", 3),
            TableColumn("本月"),
            TableColumn("上月"),
            TableColumn("变化", "delta_int"),
        ),
        tuple(rows),
        note="作废的记录不计入；报修、投诉按登记时间计入当月",
    )


def _complaints(cur: MonthlyFigures, prev: MonthlyFigures) -> Section:
    c, p = cur.complaints, prev.complaints
    categories = list(c.by_category) + [k for k in p.by_category if k not in c.by_category]
    severities = (Severity.MAJOR, Severity.IMPORTANT, Severity.MINOR)
    rows: list[tuple[Any, ...]] = []
    for name in categories:
        by = c.by_category_severity.get(name, dict.fromkeys(Severity, 0))
        now, before = c.by_category.get(name, 0), p.by_category.get(name, 0)
        rows.append((name, *(by[s] for s in severities), now, before, now - before))
    rows.append(("合计", *(c.by_severity[s] for s in severities), c.total, p.total,
                 c.total - p.total))  # fmt: skip
    return Section(
        "complaints",
        "投诉类别与严重程度",
        (
            TableColumn("类别", "text", 2),
            *(TableColumn(s.value) for s in severities),
            TableColumn("合计"),
            TableColumn("上月合计"),
            TableColumn("变化", "delta_int"),
        ),
        tuple(rows),
        note=f"本月投诉 {c.total} 件（上月 {p.total} 件）；严重程度按登记时的判定",
        totals=1,
        chart=Chart("stacked", "各类别投诉件数（按严重程度）", (1, 2, 3), "件"),
    )


def _duration_columns(first: str, count: str) -> tuple[TableColumn, ...]:
    return (
        TableColumn(first, "text", 2),
        TableColumn(count),
        TableColumn("中位数", "num"),
        TableColumn("上月中位数", "num"),
        TableColumn("变化", "delta_num"),
        TableColumn("P90", "num"),
        TableColumn("上月P90", "num"),
        TableColumn("变化", "delta_num"),
    )


def _duration_cells(d: Durations, before: Durations, scale: float) -> tuple[Any, ...]:
    def v(x: float | None) -> float | None:
        return None if x is None else _one(x / scale)

    med, med_before = v(d.median_minutes), v(before.median_minutes)
    p90, p90_before = v(d.p90_minutes), v(before.p90_minutes)
    return (med, med_before, _delta(med, med_before), p90, p90_before, _delta(p90, p90_before))


def _answer_time(cur: MonthlyFigures, prev: MonthlyFigures) -> Section:
    rows = [
        (s.value, cur.complaints.answer_time[s].count,
         *_duration_cells(cur.complaints.answer_time[s], prev.complaints.answer_time[s], 60))
        for s in Severity
    ]  # fmt: skip
    return Section(
        "answer_time",
        "投诉答复用时（小时）",
        _duration_columns(co("severity"), "已答复"),
        tuple(rows),
        note="从登记到答复业主；因升级撤回的答复不算，等下一次答复。P90：九成投诉在此时间内答复",
    )


def _response_time(cur: MonthlyFigures, prev: MonthlyFigures) -> Section:
    rows = []
    for u in Urgency:
        now, before = cur.urgencies[u], prev.urgencies[u]
        cells = _duration_cells(now.response, before.response, 1)
        rows.append((u.value, now.orders, now.response.count, *cells))
    columns = _duration_columns(wo("urgency"), "已到场")
    return Section(
        "response_time",
        "报修响应用时（分钟）",
        (columns[0], TableColumn("报修单数"), *columns[1:]),
        tuple(rows),
        note="从报修（预约单从约定时间）到维修人员到场。P90：九成报修在此时间内到场",
    )


def _completion_time(cur: MonthlyFigures, prev: MonthlyFigures) -> Section:
    rows = [
        (u.value, cur.urgencies[u].completed,
         *_duration_cells(cur.urgencies[u].completion, prev.urgencies[u].completion, 60))
        for u in Urgency
    ]  # fmt: skip
    return Section(
        "completion_time",
        "报修完成用时（小时）",
        _duration_columns(wo("urgency"), "已完成"),
        tuple(rows),
        note="从报修（预约单从约定时间）到完工，扣除待料时间；返工的单算到最后一次完工",
    )


_RESPONSE_NOTE = f"按时：在{wo('response_due')}内到场；未到期：还没人到场、也还没到期限的单，不计入"
_COMPLETION_NOTE = (
    f"按时：在{wo('completion_due')}（加上待料时间）内完工；"
    "未到期：未完工、也还没到期限的单，不计入"
)


def _sla(key: str, title: str, cur: MonthlyFigures, prev: MonthlyFigures, note: str) -> Section:
    """response_sla / completion_sla per urgency, and all urgencies together."""

    def pick(figures: UrgencyFigures) -> SlaShare:
        return figures.response_sla if key == "response_sla" else figures.completion_sla

    rows: list[tuple[Any, ...]] = []
    for u in Urgency:
        now, before = pick(cur.urgencies[u]), pick(prev.urgencies[u])
        rows.append((u.value, now.met, now.missed, now.pending, now.share, before.share,
                     _points(now.share, before.share)))  # fmt: skip
    now = _sum_shares([pick(cur.urgencies[u]) for u in Urgency])
    before = _sum_shares([pick(prev.urgencies[u]) for u in Urgency])
    rows.append(("合计", now.met, now.missed, now.pending, now.share, before.share,
                 _points(now.share, before.share)))  # fmt: skip
    return Section(
        key,
        title,
        (
            TableColumn(wo("urgency"), "text", 2),
            TableColumn("按时"),
            TableColumn("超时"),
            TableColumn("未到期"),
            TableColumn("及时率", "pct"),
            TableColumn("上月及时率", "pct"),
            TableColumn("变化（百分点）", "delta_pct"),
        ),
        tuple(rows),
        note=note,
        totals=1,
        chart=Chart("bar", f"{title}：本月与上月", (4, 5), "及时率", percent=True),
    )


def _sum_shares(shares: list[SlaShare]) -> SlaShare:
    return SlaShare(
        sum(s.met for s in shares), sum(s.missed for s in shares), sum(s.pending for s in shares)
    )


def _callbacks(cur: MonthlyFigures, prev: MonthlyFigures) -> Section:
    rows = []
    for source in (CallbackSource.COMPLAINT, CallbackSource.WORK_ORDER):
        now, before = cur.callbacks[source], prev.callbacks[source]
        met = now.meets_target
        verdict = None if met is None else ("达标" if met else "未达标")
        rows.append((source.value, now.done, now.on_time, now.missed, now.pending, now.rate,
                     now.target, verdict, before.rate, _points(now.rate, before.rate)))  # fmt: skip
    return Section(
        "callbacks",
        "回访率",
        (
            TableColumn("回访类别", "text"),
            TableColumn("已回访"),
            TableColumn("按时回访"),
            TableColumn("超时未回访"),
            TableColumn("未到期"),
            TableColumn("回访率", "pct"),
            TableColumn("目标", "pct"),
            TableColumn("是否达标", "text"),
            TableColumn("上月回访率", "pct"),
            TableColumn("变化（百分点）", "delta_pct"),
        ),
        tuple(rows),
        note="本月完工的报修、答复的投诉各应回访一次。回访率 = 已回访 ÷（已回访 + 超时未回访）；"
        "未到期的不计入。目标：投诉 100%，报修 90%",
    )


def _satisfaction(cur: MonthlyFigures, prev: MonthlyFigures) -> Section:
    by = cur.satisfaction_by_source
    shares, before_shares = cur.satisfaction.shares, prev.satisfaction.shares
    rows: list[tuple[Any, ...]] = []
    for s in Satisfaction:
        rows.append((s.value, by[CallbackSource.COMPLAINT].counts[s],
                     by[CallbackSource.WORK_ORDER].counts[s], cur.satisfaction.counts[s],
                     shares[s], prev.satisfaction.counts[s], before_shares[s],
                     _points(shares[s], before_shares[s])))  # fmt: skip
    total, before_total = cur.satisfaction.total, prev.satisfaction.total
    rows.append(("合计", by[CallbackSource.COMPLAINT].total, by[CallbackSource.WORK_ORDER].total,
                 total, 1.0 if total else None, before_total, 1.0 if before_total else None,
                 None))  # fmt: skip
    return Section(
        "satisfaction",
        "回访满意度",
        (
            TableColumn("评价", "text", 2),
            TableColumn("投诉回访"),
            TableColumn("报修回访"),
            TableColumn("合计"),
            TableColumn("占比", "pct"),
            TableColumn("上月合计"),
            TableColumn("上月占比", "pct"),
            TableColumn("变化（百分点）", "delta_pct"),
        ),
        tuple(rows),
        note=f"本月完成的回访中业主的评价：{total} 次（上月 {before_total} 次）",
        totals=1,
        chart=Chart("pie", "本月回访评价", (3,)),
    )


def _top_hours(m: MonthlyFigures) -> str:
    totals = m.hours.totals
    return "、".join(f"{h}时（{totals[h]} 件）" for h in m.hours.top) or "无"


def _hours(cur: MonthlyFigures, prev: MonthlyFigures) -> Section:
    h, totals, before = cur.hours, cur.hours.totals, prev.hours.totals
    rows: list[tuple[Any, ...]] = [
        (f"{hour}时", h.visits[hour], h.calls[hour], h.workorders[hour], h.complaints[hour],
         totals[hour], before[hour], totals[hour] - before[hour])
        for hour in range(24)
    ]  # fmt: skip
    rows.append(("合计", sum(h.visits), sum(h.calls), sum(h.workorders), sum(h.complaints),
                 sum(totals), sum(before), sum(totals) - sum(before)))  # fmt: skip
    return Section(
        "hours",
        "忙闲时段",
        (
            TableColumn("时段", "text", 2),
            TableColumn("来访"),
            TableColumn("来电"),
            TableColumn("报修"),
            TableColumn("投诉"),
            TableColumn("合计"),
            TableColumn("上月合计"),
            TableColumn("变化", "delta_int"),
        ),
        tuple(rows),
        note=f"按登记时间的钟点（9时 = 9:00–9:59）。最忙时段：{_top_hours(cur)}；"
        f"上月：{_top_hours(prev)}",
        totals=1,
        chart=Chart("stacked", "各时段登记数量", (1, 2, 3, 4), "件"),
    )


def _repeats(cur: MonthlyFigures, prev: MonthlyFigures) -> Section:
    r, p = cur.repeats, prev.repeats
    rows = [
        (kinds.kind(x.kind).title, x.place, x.category, "、".join(x.serials), x.count, x.repeats)
        for x in r.problems
    ]  # fmt: skip
    return Section(
        "repeats",
        "重复问题",
        (
            # the serials get the room: three to a line on A4
            TableColumn("类型", "text", weight=0.9),
            TableColumn("地点", "text", 2, weight=1.7),
            TableColumn("类别", "text", weight=0.9),
            TableColumn("涉及单号", "text", 4, weight=4.9),
            TableColumn("单数", weight=0.7),
            TableColumn("本月重复", weight=0.9),
        ),
        tuple(rows),
        note=f"同一地点、同一类别 30 天内再次报修或投诉。本月重复报修 {r.workorders} 单"
        f"（上月 {p.workorders} 单），重复投诉 {r.complaints} 件（上月 {p.complaints} 件）",
        empty_text="本月没有重复问题",
    )


# --- files -----------------------------------------------------------------------------


def export_xlsx(
    engine: Engine, year: int, month: int, path: Path | str, *, now: datetime | None = None
) -> Path:
    """Read the month (open work judged at ``now``, default: the clock) and write the xlsx."""
    from desk.reports.statistics_xlsx import write_statistics_xlsx

    return _export(engine, year, month, Path(path), now, write_statistics_xlsx)


def export_pdf(
    engine: Engine, year: int, month: int, path: Path | str, *, now: datetime | None = None
) -> Path:
    """Read the month (open work judged at ``now``, default: the clock) and write the PDF."""
    from desk.reports.statistics_pdf import write_statistics_pdf

    return _export(engine, year, month, Path(path), now, write_statistics_pdf)


def export(ctx: Ctx, year: int, month: int, path: Path | str, fmt: str) -> Path:
    """Read the month on ``ctx`` (open work judged at ``ctx.now``) and write it as ``fmt``,
    "xlsx" or "pdf": the screen's export, one operation on a read snapshot."""
    if fmt == "xlsx":
        from desk.reports.statistics_xlsx import write_statistics_xlsx as write
    elif fmt == "pdf":
        from desk.reports.statistics_pdf import write_statistics_pdf as write
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return _write(load(ctx, year, month), Path(path), write)


def _export(
    engine: Engine,
    year: int,
    month: int,
    path: Path,
    now: datetime | None,
    write: Callable[[StatisticsReport, Path], Path],
) -> Path:
    with reading(engine, now or local_now()) as ctx:
        report = load(ctx, year, month)
    return _write(report, path, write)


def _write(
    report: StatisticsReport, path: Path, write: Callable[[StatisticsReport, Path], Path]
) -> Path:
    try:
        return write(report, path)
    except PermissionError as exc:
        raise DeskError(
            f"无法写入“{path.name}”：文件可能正在 Excel、WPS 或 PDF 阅读器里打开，"
            "或者这个文件夹不允许写入。请关闭文件或换一个位置再导出。"
        ) from exc
    except FileNotFoundError as exc:
        raise DeskError(
            f"无法写入“{path.name}”：文件夹“{path.parent}”不存在。请换一个位置再导出。"
        ) from exc
    except OSError as exc:
        raise DeskError(
            f"无法写入“{path.name}”：{exc.strerror or exc}。请换一个位置再导出。"
        ) from exc
