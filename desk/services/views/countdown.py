"""The countdown to a deadline as the desk shows it — "剩 1小时5分", "超时 2天3小时" — in
the lists, their exports and the 回访 queue alike.

It counts to the row's ``red_at``: the deadline the services' own rule says is running
(``workorders.clock``: the response until someone is on site, then the completion, stopped
while 待料; ``complaints.clock``: the earliest deadline still binding), so the text, the
colour and the 已超时 scope always speak of the same instant.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from desk.models.enums import WorkOrderState as W
from desk.services.views.lists import ComplaintRow, WorkOrderRow


def span(delta: timedelta) -> str:
    """ "2天3小时", "1小时5分", "3小时", "40分": to the minute, to the hour beyond a day."""
    minutes = int(delta.total_seconds()) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "天"), (hours, "小时"), (0 if days else minutes, "分")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "不到1分"


def left(deadline: datetime, now: datetime) -> str:
    return f"超时 {span(now - deadline)}" if now > deadline else f"剩 {span(deadline - now)}"


def workorder_text(row: WorkOrderRow, now: datetime) -> str:
    if row.state == W.WAITING_PARTS:
        return f"待料 至{row.parts_expected:%m-%d}" if row.parts_expected else "待料"
    return "" if row.red_at is None else left(row.red_at, now)


def complaint_text(row: ComplaintRow, now: datetime) -> str:
    return "" if row.red_at is None else left(row.red_at, now)
