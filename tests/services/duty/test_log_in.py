"""上班 as the log-in (services.duty.log_in): proving who you are, the first password,
the 经理 first after the upgrade, and wrong tries that are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers.office import MANAGER_PASSWORD, NOW
from sqlmodel import select

from desk.models import AuditEvent, Shift, Staff
from desk.models.errors import LoginRefused, PermissionDenied, ValidationError
from desk.services.core import accounts
from desk.services.duty import log_in, on_duty
from desk.services.records import staff

CLERK_PASSWORD = "前台口令2026"


@pytest.fixture
def clerk(write) -> int:
    with write() as ctx:
        member = staff.add(ctx, "李小红", "前台")
    assert member.id is not None
    return member.id


def _manager_has_password(write, staff_id: int) -> None:
    with write(who=staff_id) as ctx:
        accounts.set_password(ctx, staff_id, MANAGER_PASSWORD)


def test_coming_on_duty_needs_the_right_password(write, fetch, staff_id):
    _manager_has_password(write, staff_id)
    with write(who=None) as ctx:
        refused = log_in.come_on_duty(ctx, staff_id, "早班", "不是这个")
    assert isinstance(refused, LoginRefused) and refused.kind == "wrong"
    assert fetch(select(Shift)) == []
    assert fetch(Staff, staff_id).failed_logins == 1  # the wrong try was kept

    with write(who=None) as ctx:
        came = log_in.come_on_duty(ctx, staff_id, "早班", MANAGER_PASSWORD)
    assert isinstance(came, log_in.OnDuty)
    [shift] = fetch(select(Shift))
    assert (shift.id, shift.staff_id, came.staff_id) == (came.shift_id, staff_id, staff_id)
    assert fetch(Staff, staff_id).failed_logins == 0


def test_the_first_log_in_sets_the_persons_own_password(write, fetch, staff_id, clerk):
    _manager_has_password(write, staff_id)
    with write(NOW + timedelta(hours=6), who=staff_id) as ctx:
        came = log_in.come_on_duty(ctx, clerk, "中班", "", new_password=CLERK_PASSWORD)
    assert isinstance(came, log_in.OnDuty)
    member = fetch(Staff, clerk)
    assert member.password_hash and CLERK_PASSWORD not in member.password_hash
    [row] = fetch(
        select(AuditEvent).where(
            AuditEvent.entity == "staff",
            AuditEvent.entity_id == clerk,
            AuditEvent.field == "password",
        )
    )
    assert row.staff_id == clerk  # set by herself, not by whoever was on duty
    # the next time, the password is asked for
    with write(NOW + timedelta(hours=7), who=clerk) as ctx:
        assert log_in.prove(ctx, clerk, CLERK_PASSWORD) is None
        refused = log_in.prove(ctx, clerk, "", new_password="另一个密码123")
    assert isinstance(refused, LoginRefused) and refused.kind == "wrong"


def test_without_a_password_and_without_a_new_one_nobody_comes_on_duty(write, staff_id):
    with write(who=None) as ctx:
        refused = log_in.come_on_duty(ctx, staff_id, "早班", "")
    assert isinstance(refused, LoginRefused) and refused.kind == "no_password"


def test_after_the_upgrade_the_manager_sets_a_password_first(write, read, staff_id, clerk):
    with read() as ctx:
        state = on_duty.duty_state(ctx)
    assert state.first_in_line == "经理" and state.without_password == {staff_id, clerk}
    with pytest.raises(PermissionDenied, match="请经理先上班"), write(who=None) as ctx:
        log_in.come_on_duty(ctx, clerk, "早班", "", new_password=CLERK_PASSWORD)
    with write(who=None) as ctx:
        assert isinstance(
            log_in.come_on_duty(ctx, staff_id, "早班", "", new_password=MANAGER_PASSWORD),
            log_in.OnDuty,
        )
    with read() as ctx:
        state = on_duty.duty_state(ctx)
    assert state.first_in_line is None and state.without_password == {clerk}
    with write(who=staff_id) as ctx:
        assert isinstance(
            log_in.come_on_duty(ctx, clerk, "早班", "", new_password=CLERK_PASSWORD),
            log_in.OnDuty,
        )


def test_a_bad_first_password_starts_no_shift(write, fetch, staff_id):
    with pytest.raises(ValidationError, match="至少要 6 个字符"), write(who=None) as ctx:
        log_in.come_on_duty(ctx, staff_id, "早班", "", new_password="123")
    assert fetch(select(Shift)) == [] and not fetch(Staff, staff_id).password_hash


def test_a_locked_account_cannot_come_on_duty_even_with_the_right_password(write, fetch, staff_id):
    _manager_has_password(write, staff_id)
    for _ in range(accounts.LOCK_AFTER):
        with write(who=None) as ctx:
            log_in.come_on_duty(ctx, staff_id, "早班", "错的密码")
    with write(who=None) as ctx:
        refused = log_in.come_on_duty(ctx, staff_id, "早班", MANAGER_PASSWORD)
    assert isinstance(refused, LoginRefused) and refused.kind == "locked"
    assert fetch(select(Shift)) == []
