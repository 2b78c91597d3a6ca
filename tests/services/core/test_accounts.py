"""Passwords of staff, log-in, lock-outs and unlocking (services.core.accounts)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from helpers.office import MANAGER_PASSWORD, NOW
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from desk.models import AuditEvent, Staff
from desk.models.errors import LoginRefused, PermissionDenied, ValidationError
from desk.services.core import accounts, passwords
from desk.services.core.passwords import Params
from desk.services.core.transactions import writing
from desk.services.records import staff

SECRET = "前台口令2026"
WRONG = "猜一个密码"


@pytest.fixture
def manager_password(write, staff_id) -> None:
    """The manager set hers first (nobody else may before her)."""
    with write() as ctx:
        accounts.set_password(ctx, staff_id, MANAGER_PASSWORD)


@pytest.fixture
def clerk(write, manager_password) -> int:
    """A 前台 with a password, set by herself at her first log-in."""
    with write() as ctx:
        member = staff.add(ctx, "李小红", "前台")
        assert member.id is not None
        accounts.set_password(ctx, member.id, SECRET)
        return member.id


def _try(write, staff_id: int, password: str, at: datetime) -> LoginRefused | None:
    with write(at) as ctx:  # committed: refusals are counted in the same transaction
        return accounts.check_login(ctx, staff_id, password)


def _audit(fetch, staff_id: int) -> list[AuditEvent]:
    return fetch(
        select(AuditEvent)
        .where(AuditEvent.entity == "staff", AuditEvent.entity_id == staff_id)
        .order_by(AuditEvent.id)  # type: ignore[arg-type]
    )


def test_an_upgraded_or_new_member_has_no_password_until_they_set_one(
    write, fetch, staff_id, manager_password
):
    with write() as ctx:
        member = staff.add(ctx, "赵师傅", "前台")
    assert not accounts.has_password(fetch(Staff, member.id))
    refusal = _try(write, member.id, "", NOW)
    assert refusal is not None and refusal.kind == "no_password"
    assert "还没有设置密码" in str(refusal)

    with write(NOW) as ctx:
        ctx.staff_id = None  # the first log-in: nobody is on duty yet
        accounts.set_password(ctx, member.id, SECRET)
    stored = fetch(Staff, member.id)
    assert accounts.has_password(stored) and stored.password_set_at == NOW
    assert _try(write, member.id, SECRET, NOW) is None


def test_the_right_password_logs_in_and_the_wrong_one_is_refused(write, clerk):
    assert _try(write, clerk, SECRET, NOW) is None
    refusal = _try(write, clerk, WRONG, NOW)
    assert refusal is not None and refusal.kind == "wrong"
    assert str(refusal) == "密码不对，请重新输入（再错 4 次账号将被锁定）。"


def test_five_wrong_passwords_lock_for_growing_times(write, fetch, clerk):
    at = NOW.replace(hour=14, minute=30)
    for minutes, until_text in [(1, "14:31"), (5, "14:36"), (15, "14:51"), (15, "15:06")]:
        for _ in range(4):
            assert _try(write, clerk, WRONG, at).kind == "wrong"  # type: ignore[union-attr]
        refusal = _try(write, clerk, WRONG, at)
        assert refusal is not None and refusal.kind == "locked"
        assert refusal.until == at + timedelta(minutes=minutes)
        assert str(refusal) == (
            f"密码连续输错 5 次，账号已锁定，请 {minutes} 分钟后（{until_text} 以后）再试，"
            "或请经理解锁。"
        )
        # while locked even the right password is refused, and nothing more is counted
        just_before = refusal.until - timedelta(seconds=1)
        during = _try(write, clerk, SECRET, just_before)
        assert during is not None and during.kind == "locked"
        assert f"（{until_text} 以后）" in str(during)
        at = refusal.until  # the lock is over at exactly that moment
    assert fetch(Staff, clerk).failed_logins == 20


def test_a_right_password_resets_the_count(write, fetch, clerk):
    for _ in range(4):
        _try(write, clerk, WRONG, NOW)
    assert _try(write, clerk, SECRET, NOW) is None
    assert fetch(Staff, clerk).failed_logins == 0
    for _ in range(4):  # four more are not five in a row
        assert _try(write, clerk, WRONG, NOW).kind == "wrong"  # type: ignore[union-attr]
    # and after a lock-out is over, the right password starts the lock-outs again at 1 min
    assert _try(write, clerk, WRONG, NOW).until == NOW + timedelta(minutes=1)  # type: ignore[union-attr]
    later = NOW + timedelta(minutes=1)
    assert _try(write, clerk, SECRET, later) is None
    for _ in range(4):
        _try(write, clerk, WRONG, later)
    assert _try(write, clerk, WRONG, later).until == later + timedelta(minutes=1)  # type: ignore[union-attr]


def test_a_lock_over_midnight_says_tomorrow(write, clerk):
    late = datetime(2026, 11, 23, 23, 59, 30)
    for _ in range(4):
        _try(write, clerk, WRONG, late)
    refusal = _try(write, clerk, WRONG, late)
    assert "请 1 分钟后（明天 00:01 以后）再试" in str(refusal)


def test_failures_and_lock_outs_are_audited_without_the_password(write, fetch, clerk):
    before = len(_audit(fetch, clerk))
    for _ in range(5):
        _try(write, clerk, WRONG, NOW)
    _try(write, clerk, WRONG, NOW + timedelta(seconds=10))  # refused: locked
    rows = _audit(fetch, clerk)[before:]
    counts = [r for r in rows if r.field == "failed_logins"]
    assert [(r.old, r.new) for r in counts] == [(str(i), str(i + 1)) for i in range(5)]
    [lock] = [r for r in rows if r.field == "locked_until"]
    assert lock.new == "2026-11-23 10:01:00" and "锁定 1 分钟" in lock.reason
    [locked_try] = [r for r in rows if r.field == "login"]
    assert locked_try.reason == "登录被拒：账号锁定中（10:01 解锁）"
    assert all(r.staff_id is not None for r in rows)  # who was on duty when it was tried


def test_no_audit_row_holds_a_password_or_its_hash(write, fetch, clerk):
    for _ in range(6):
        _try(write, clerk, WRONG, NOW)
    with write(NOW + timedelta(minutes=2), who=clerk) as ctx:
        assert accounts.check_login(ctx, clerk, SECRET) is None
        accounts.set_password(ctx, clerk, "新的口令2027")
    stored = fetch(Staff, clerk).password_hash
    rows = fetch(select(AuditEvent))
    texts = [str(getattr(r, c)) for r in rows for c in AuditEvent.model_fields]
    for secret in [SECRET, WRONG, "新的口令2027", stored, *stored.split("$")[4:]]:
        assert not [t for t in texts if secret in t], secret
    [changed] = [r for r in _audit(fetch, clerk) if r.field == "password" and r.new == "修改密码"]
    assert changed.staff_id == clerk


def test_a_refusal_raised_after_the_commit_keeps_the_count(engine, fetch, clerk, staff_id):
    with writing(engine, staff_id, now=NOW) as ctx:
        refusal = accounts.check_login(ctx, clerk, WRONG)
    with pytest.raises(LoginRefused):
        raise refusal  # type: ignore[misc]
    assert fetch(Staff, clerk).failed_logins == 1


def test_only_a_manager_unlocks(write, fetch, clerk, staff_id):
    for _ in range(5):
        _try(write, clerk, WRONG, NOW)
    with write() as ctx:
        other = staff.add(ctx, "周主管", "主管").id
        accounts.set_password(ctx, other, "主管口令2026")  # type: ignore[arg-type]
    for who in (clerk, other, None):
        with pytest.raises(PermissionDenied, match="只有经理可以解锁账号"), write(who=who) as ctx:
            ctx.staff_id = who
            accounts.unlock(ctx, clerk)
    assert fetch(Staff, clerk).locked_until is not None

    with write(who=staff_id) as ctx:
        accounts.unlock(ctx, clerk)
    unlocked = fetch(Staff, clerk)
    assert (unlocked.failed_logins, unlocked.locked_until) == (0, None)
    assert _try(write, clerk, SECRET, NOW + timedelta(seconds=1)) is None
    [row] = [
        r for r in _audit(fetch, clerk) if r.reason == "经理解锁" and r.field == "locked_until"
    ]
    assert row.staff_id == staff_id


def test_only_the_person_changes_a_password_once_set(write, fetch, clerk, staff_id):
    with pytest.raises(PermissionDenied, match="只有李小红本人"), write(who=staff_id) as ctx:
        accounts.set_password(ctx, clerk, "经理替她改的")
    with pytest.raises(PermissionDenied, match="只有经理可以重置密码"), write(who=clerk) as ctx:
        accounts.reset_password(ctx, clerk)
    with write(who=staff_id) as ctx:  # forgotten: the manager clears it, she sets a new one
        accounts.reset_password(ctx, clerk)
    assert not accounts.has_password(fetch(Staff, clerk))
    with write() as ctx:
        ctx.staff_id = None  # her next log-in: she is not on duty yet
        accounts.set_password(ctx, clerk, "重新设置的密码")
    assert _try(write, clerk, "重新设置的密码", NOW) is None


def test_a_bad_new_password_changes_nothing(write, fetch, clerk):
    before = fetch(Staff, clerk).password_hash
    with pytest.raises(ValidationError, match="至少要 6 个字符"), write(who=clerk) as ctx:
        accounts.set_password(ctx, clerk, "123")
    assert fetch(Staff, clerk).password_hash == before


def test_a_login_with_old_parameters_stores_todays(write, fetch, clerk, monkeypatch):
    stronger = Params(n=2**5, r=1, p=1)
    monkeypatch.setattr(passwords, "PARAMS", stronger)
    assert _try(write, clerk, SECRET, NOW) is None
    stored = fetch(Staff, clerk).password_hash
    assert not passwords.needs_rehash(stored, stronger) and passwords.verify(SECRET, stored)


def test_an_inactive_member_cannot_log_in(write, clerk):
    with write() as ctx:
        staff.deactivate(ctx, clerk)
    refusal = _try(write, clerk, SECRET, NOW)
    assert refusal is not None and refusal.kind == "inactive"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.booleans(), max_size=30))
def test_lock_times_follow_the_count_of_wrong_passwords_in_a_row(tries: list[bool]) -> None:
    """The rule alone: the n-th lock-out in a row lasts 1, 5, 15, 15 … minutes."""
    run = 0
    locks = []
    for right in tries:
        run = 0 if right else run + 1
        if run and run % 5 == 0:
            locks.append(accounts.lock_minutes(run))
            assert locks[-1] == [1, 5, 15][min(run // 5, 3) - 1]
    assert all(m in (1, 5, 15) for m in locks)
