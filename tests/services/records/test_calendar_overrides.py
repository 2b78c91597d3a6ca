"""节假日调整: the office's overrides of the public calendar — only a 主管/经理 changes them,
every change is audited (a removal before the row goes), and deadlines follow."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from desk.models import AuditEvent, CalendarOverride
from desk.models.enums import AuditAction, StaffRole
from desk.models.errors import PermissionDenied, ValidationError
from desk.models.typed_dates import FIRST_DAY, LAST_DAY
from desk.services.core.calendar import WorkCalendar
from desk.services.records import calendar_overrides, staff, workorders
from desk.services.records.calendar_overrides import clear_day, overrides, set_day
from desk.services.records.workorders import WorkOrderDraft

NOW = datetime(2026, 11, 23, 10, 0)
NEW_YEARS_EVE = date(2026, 12, 31)  # a Thursday
REUSED = [HealthCheck.function_scoped_fixture]  # one office for every example: fine here


def calendar_audit(ctx) -> list[tuple[str, str, str | None, str | None, int | None]]:
    rows = ctx.session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == calendar_overrides.ENTITY)
        .order_by(AuditEvent.id)  # type: ignore[arg-type]
    ).all()
    return [(r.action, r.field, r.old, r.new, r.staff_id) for r in rows]


def test_set_change_and_clear_are_audited(write, read, staff_id) -> None:
    with write() as ctx:
        made = set_day(ctx, NEW_YEARS_EVE, False, "  年终盘点 ")
    assert (made.words, made.note, made.public) == ("放假", "年终盘点", "工作日")
    with write() as ctx:
        set_day(ctx, NEW_YEARS_EVE, False, "年终盘点")  # the same again: nothing to log
        set_day(ctx, NEW_YEARS_EVE, True, "")
    with write() as ctx:
        assert clear_day(ctx, NEW_YEARS_EVE)
        assert not clear_day(ctx, NEW_YEARS_EVE)
    with read() as ctx:
        assert calendar_audit(ctx) == [
            (AuditAction.CREATE, "2026-12-31", None, "放假：年终盘点", staff_id),
            (AuditAction.UPDATE, "2026-12-31", "放假：年终盘点", "上班", staff_id),
            (AuditAction.UPDATE, "2026-12-31", "上班", None, staff_id),
        ]
        assert ctx.session.exec(select(CalendarOverride)).all() == []


def test_the_list_is_by_day_with_the_public_calendars_word(write, read) -> None:
    with write() as ctx:
        set_day(ctx, NEW_YEARS_EVE, False)
        set_day(ctx, date(2026, 10, 1), True, "值班")
        set_day(ctx, date(2026, 10, 10), False)
    with read() as ctx:
        listed = overrides(ctx)
        since = overrides(ctx, since=date(2026, 10, 2))
    assert [(o.day, o.words, o.public, o.note) for o in listed] == [
        (date(2026, 10, 1), "上班", "放假：国庆节", "值班"),
        (date(2026, 10, 10), "放假", "调休上班", ""),
        (NEW_YEARS_EVE, "放假", "工作日", ""),
    ]
    assert [o.day for o in since] == [date(2026, 10, 10), NEW_YEARS_EVE]


@pytest.mark.parametrize("role", [StaffRole.RECEPTIONIST, None])
def test_only_a_supervisor_or_manager_may_change_the_calendar(write, read, role) -> None:
    with write() as ctx:
        set_day(ctx, NEW_YEARS_EVE, False)
        who = staff.add(ctx, "前台小李", role).id if role else None
        supervisor = staff.add(ctx, "孙主管", StaffRole.SUPERVISOR).id
    for act in (
        lambda ctx: set_day(ctx, date(2026, 12, 30), False),
        lambda ctx: clear_day(ctx, NEW_YEARS_EVE),
    ):
        with pytest.raises(PermissionDenied) as refused, write(who=who) as ctx:
            ctx.staff_id = who  # write(who=None) means the manager: nobody on duty here
            act(ctx)
        assert "只有主管或经理可以修改节假日调整" in str(refused.value)
    with write(who=supervisor) as ctx:
        assert clear_day(ctx, NEW_YEARS_EVE)
    with read() as ctx:
        assert len(calendar_audit(ctx)) == 2  # the manager's set, the supervisor's clear


def test_deadlines_counted_after_the_change_follow_it(write) -> None:
    def new_order() -> datetime:
        with write(datetime(2026, 9, 30, 10, 0)) as ctx:
            draft = WorkOrderDraft("窗户坏了", "门窗", room="3-2-1201", urgency="预约")
            order = workorders.create(ctx, draft)
        return order.completion_due

    before = new_order()
    assert before == datetime(2026, 10, 13, 10, 0)  # 8, 9, 10 (make-up), 12, 13 Oct
    with write() as ctx:
        set_day(ctx, date(2026, 10, 10), False, "本中心不调休")
    assert new_order() == datetime(2026, 10, 14, 10, 0)
    with write() as ctx:
        clear_day(ctx, date(2026, 10, 10))
    assert new_order() == before


@pytest.mark.parametrize(
    "bad",
    [FIRST_DAY - timedelta(days=1), LAST_DAY + timedelta(days=1), datetime(2026, 12, 31, 9, 0)],
)
def test_days_outside_the_years_or_with_a_time_are_refused(write, bad) -> None:
    with pytest.raises(ValidationError) as refused, write() as ctx:
        set_day(ctx, bad, False)
    assert refused.value.field == "day"


@settings(max_examples=60, suppress_health_check=REUSED)
@given(day=st.dates(min_value=FIRST_DAY, max_value=LAST_DAY), workday=st.booleans())
def test_any_day_in_range_is_kept_and_read_back_by_the_working_calendar(
    write, read, day, workday
) -> None:
    with write() as ctx:
        set_day(ctx, day, workday)
    with read() as ctx:
        calendar = WorkCalendar.load(ctx.session)
        assert calendar.overrides[day] is workday
        assert calendar.is_working_day(day) is workday
        [row] = [o for o in overrides(ctx) if o.day == day]
        assert row.words == ("上班" if workday else "放假")
    with write() as ctx:
        assert clear_day(ctx, day)
    with read() as ctx:
        assert day not in WorkCalendar.load(ctx.session).overrides


@settings(max_examples=80, suppress_health_check=REUSED)
@given(note=st.text(max_size=130))
def test_any_note_is_kept_trimmed_or_refused_with_a_reason(write, read, note) -> None:
    try:
        with write() as ctx:
            kept = set_day(ctx, NEW_YEARS_EVE, False, note)
    except ValidationError as exc:
        assert exc.field == "note" and exc.reason
        return
    assert len(kept.note) <= calendar_overrides.NOTE_MAX
    assert kept.note == kept.note.strip()
    assert kept.note in note
    with read() as ctx:
        assert ctx.session.get(CalendarOverride, NEW_YEARS_EVE).note == kept.note
