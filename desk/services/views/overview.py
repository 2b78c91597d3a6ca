"""What needs attention now and what happened today — the figures the window keeps in view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import func, select

from desk.models import Call, Complaint, Loan, Visit, WorkOrder
from desk.services.core import settings
from desk.services.core.context import Ctx
from desk.services.records import callbacks, calls, complaints, loans, workorders


@dataclass(frozen=True)
class Attention:
    overdue_work_orders: int
    overdue_complaints: int
    undelivered_messages: int
    overdue_loans: int
    overdue_callbacks: int


@dataclass(frozen=True)
class Today:
    visits: int
    calls: int
    work_orders: int
    complaints: int
    loans: int


def attention(ctx: Ctx) -> Attention:
    return Attention(
        overdue_work_orders=workorders.count_overdue(ctx),
        overdue_complaints=complaints.count_overdue(ctx),
        undelivered_messages=calls.count_undelivered(ctx),
        overdue_loans=loans.count_overdue(ctx),
        overdue_callbacks=callbacks.count_overdue(ctx),
    )


def today(ctx: Ctx) -> Today:
    start = datetime.combine(ctx.now.date(), time())
    end = start + timedelta(days=1)
    counts = [
        ctx.session.exec(
            select(func.count())
            .select_from(model)
            .where(
                model.created_at >= start,
                model.created_at < end,  # uses the created_at index
            )
        ).one()
        for model in (Visit, Call, WorkOrder, Complaint, Loan)
    ]
    return Today(*counts)


def office_name(ctx: Ctx) -> str:
    return settings.get(ctx.session, "office.name") or "物业服务中心"
