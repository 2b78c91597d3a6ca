"""Who is on duty, as the window shows it, and the 交接班 tab's view of a shift.

Thin reads over ``shifts`` and ``handover`` so the window gets everything it shows in one
read on the DB worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from desk.models import Shift, Staff
from desk.models.enums import HandoverState
from desk.services.core import accounts, settings
from desk.services.core.context import Ctx
from desk.services.duty import handover, shifts
from desk.services.duty.handover import DutyEntry, HandoverRecord
from desk.services.records import common, staff


@dataclass(frozen=True)
class DutyState:
    shift_id: int | None  # the shift on duty, None when nobody has come on duty
    staff_id: int | None
    staff_name: str
    shift_name: str
    started_at: datetime | None
    planned_end: datetime | None
    shifts: list[tuple[str, str]]  # the office's shifts: (name, "08:00–16:00")
    suggested: str  # the shift that fits the clock now
    flagged: int  # handovers not accepted by the end of the next shift
    # when each shift would end for someone coming on duty for it now: 晚班 chosen at 16:40
    # runs to the next morning, which the 上班 dialog warns about
    planned_ends: dict[str, datetime] = field(default_factory=dict)
    # the active staff with no password yet: they set one at their 上班 (log_in.prove)
    without_password: frozenset[int] = frozenset()
    # after the upgrade that brought passwords, who must set one first (the 经理); None
    # once anybody has one
    first_in_line: str | None = None


def duty_state(ctx: Ctx) -> DutyState:
    conf = settings.all_values(ctx.session)
    defs = shifts.definitions(conf)
    current = shifts.open_shift(ctx)
    person = ctx.session.get(Staff, current.staff_id) if current else None
    active = staff.active(ctx)  # one read for who has no password and who goes first
    return DutyState(
        shift_id=current.id if current else None,
        staff_id=current.staff_id if current else None,
        staff_name=person.name if person else "",
        shift_name=current.name if current else "",
        started_at=current.started_at if current else None,
        planned_end=current.planned_end if current else None,
        shifts=[(d.name, f"{d.start}–{d.end}") for d in defs],
        suggested=shifts.suggested_shift_name(conf, ctx.now),
        flagged=len(handover.unaccepted_flags(ctx)),
        planned_ends={d.name: shifts.occurrence_end(d, ctx.now) for d in defs},
        without_password=frozenset(
            s.id for s in active if s.id is not None and not accounts.has_password(s)
        ),
        first_in_line=first.value if (first := accounts.first_in_line(active)) else None,
    )


def waiting_for(ctx: Ctx, staff_id: int) -> list[DutyEntry]:
    """Confirmed handovers someone else wrote, waiting to be accepted: what the person
    coming on duty is asked to accept."""
    return [
        e
        for e in handover.pending(ctx)
        if e.state == HandoverState.CONFIRMED and e.staff_id != staff_id
    ]


@dataclass(frozen=True)
class ShiftView:
    """One shift's duty record as the 交接班 tab shows it."""

    shift_id: int
    staff_name: str
    state: HandoverState | None  # None: nothing written yet
    handover_id: int | None
    record: HandoverRecord  # assembled now, or the frozen copy once confirmed/accepted
    frozen: bool  # accepted: the record never changes again
    outgoing_confirmed_at: datetime | None
    incoming_name: str
    accepted_at: datetime | None


def shift_view(ctx: Ctx, shift_id: int) -> ShiftView:
    shift = common.get(ctx, Shift, shift_id)
    row = handover.for_shift(ctx, shift_id)
    state = HandoverState(row.state) if row is not None else None
    if row is not None and state == HandoverState.ACCEPTED:
        record = handover.frozen_record(ctx, row.id)  # type: ignore[arg-type]
    else:
        # still open to change: what it would say if confirmed now (with the notes so far)
        record = handover.assemble(ctx, shift_id, row.notes if row is not None else None)
    person = ctx.session.get(Staff, shift.staff_id)
    incoming = ctx.session.get(Staff, row.incoming_id) if row and row.incoming_id else None
    return ShiftView(
        shift_id=shift_id,
        staff_name=person.name if person else "",
        state=state,
        handover_id=row.id if row is not None else None,
        record=record,
        frozen=state == HandoverState.ACCEPTED,
        outgoing_confirmed_at=row.confirmed_at if row is not None else None,
        incoming_name=incoming.name if incoming else "",
        accepted_at=row.accepted_at if row is not None else None,
    )


DUTY_SCOPES = ("最近7天", "待接班", "未按时接班")


def duty_list(ctx: Ctx, scope: str, today: date | None = None) -> list[DutyEntry]:
    """The shifts the tab lists: the last 7 days, those waiting, or those flagged."""
    if scope == "待接班":
        return handover.pending(ctx)
    if scope == "未按时接班":
        return handover.unaccepted_flags(ctx)
    day = today or ctx.now.date()
    out: list[DutyEntry] = []
    for back in range(7):
        out.extend(reversed(handover.for_date(ctx, day - timedelta(days=back))))
    return out
