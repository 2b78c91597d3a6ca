"""The countdown to a deadline as the desk shows it — "剩 1小时5分", "超时 2天3小时" — in
the lists, their exports and the 回访 queue alike.

Which deadline runs follows the services' own rules: a repair's response until someone is
on site, then its completion, stopped while 待料 (workorders.is_overdue); a complaint's
earliest deadline still binding (complaints.is_overdue).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from desk.models.enums import Severity
from desk.models.enums import WorkOrderState as W
from desk.models.states import OPEN_COMPLAINT_STATES, OPEN_WORK_ORDER_STATES
from desk.services import complaints
from desk.services.lists import ComplaintRow, WorkOrderRow


def span(delta: timedelta) -> str:
    """ "2天3小时", "1小时5分", "3小时", "40分": to the minute, to the hour beyond a day."""
    minutes = int(delta.total_seconds()) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "天"), (hours, "小时"), (0 if days else minutes, "分")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "不到1分"


def left(deadline: datetime, now: datetime) -> str:
    return f"超时 {span(now - deadline)}" if now > deadline else f"剩 {span(deadline - now)}"


def workorder_due(row: WorkOrderRow) -> datetime | None:
    """The deadline running now; None when the order is closed or waiting for parts."""
    if row.state not in OPEN_WORK_ORDER_STATES or row.state == W.WAITING_PARTS:
        return None
    return row.response_due if row.arrived_at is None else row.completion_due


def workorder_text(row: WorkOrderRow, now: datetime) -> str:
    if row.state == W.WAITING_PARTS:
        return f"待料 至{row.parts_expected:%m-%d}" if row.parts_expected else "待料"
    due = workorder_due(row)
    return "" if due is None else left(due, now)


def complaint_due(row: ComplaintRow) -> datetime | None:
    """The earliest deadline still running: the resident's own, and ``due_at`` while it
    binds (轻微: resolve by; 重大/重要: until reported high enough). None when none runs."""
    if row.state not in OPEN_COMPLAINT_STATES:
        return None
    running = [row.demand_deadline] if row.demand_deadline is not None else []
    if row.severity == Severity.MINOR or complaints.needs_escalation(row):  # type: ignore[arg-type]
        running.append(row.due_at)
    return min(running, default=None)


def complaint_text(row: ComplaintRow, now: datetime) -> str:
    due = complaint_due(row)
    return "" if due is None else left(due, now)
