"""Staff passwords and log-in: setting one, checking one, locking after wrong tries.

Every fifth wrong password in a row locks the account, for 1, 5, 15 and then 15 minutes
again (``LOCK_MINUTES``); the count runs until a right password or a 经理's unlock, so the
lock-outs grow. Every refused try and every lock-out is audited on the account (who was
on duty in ``staff_id``); no audit row ever holds a password or its hash.

``check_login`` *returns* the refusal instead of raising it: a raise inside ``writing``
rolls the transaction back, and the count and its audit rows with it. Callers commit,
then show or raise the ``LoginRefused``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, select

from desk.models import Staff
from desk.models.enums import StaffRole
from desk.models.errors import LoginRefused, NotFoundError, PermissionDenied
from desk.services.core import audit, passwords, permissions
from desk.services.core.context import Ctx

LOCK_AFTER = 5  # wrong passwords in a row
LOCK_MINUTES = (1, 5, 15)  # the first, second, third and every later lock-out


def has_password(staff: Staff) -> bool:
    return bool(staff.password_hash)


def staff_of(ctx: Ctx, staff_id: int) -> Staff:
    staff = ctx.session.get(Staff, staff_id)
    if staff is None:
        raise NotFoundError("找不到这位员工，请刷新人员名单后再试。")
    return staff


def _rank(role: StaffRole) -> int:
    return list(StaffRole).index(role)


def first_in_line(active: Sequence[Staff]) -> StaffRole | None:
    """Who of the ``active`` staff must set the office's first password: after an upgrade
    nobody has one, and the 经理 goes first (the highest role among them); None once
    anybody has one."""
    if not active or any(has_password(s) for s in active):
        return None
    return max((s.role for s in active), key=_rank)


def _active(session: Session) -> list[Staff]:
    return list(session.exec(select(Staff).where(Staff.active)).all())  # type: ignore[arg-type]


def set_password(ctx: Ctx, staff_id: int, new: str) -> Staff:
    """Give the account a new password: its first (anyone at the desk, at the person's
    first log-in; the 经理 before everybody else when nobody has one) or a change by the
    person themselves."""
    staff = staff_of(ctx, staff_id)
    if has_password(staff) and ctx.staff_id != staff_id:
        raise PermissionDenied(f"只有{staff.name}本人可以修改自己的密码；忘记密码请经理重置。")
    passwords.check_new(new)
    first = not has_password(staff)
    waiting_for = first_in_line(_active(ctx.session)) if first else None
    if waiting_for is not None and staff.role != waiting_for:
        raise PermissionDenied(
            f"还没有人设置密码：请{waiting_for.value}先上班并设置自己的密码，其他同事之后再设置。"
        )
    staff.password_hash = passwords.hash_password(new)
    audit.noted(ctx, staff, "password", new="设置密码" if first else "修改密码")
    audit.change(
        ctx,
        staff,
        {"password_set_at": ctx.now, "failed_logins": 0, "locked_until": None},
        reason="设置密码",
    )
    return staff


def reset_password(ctx: Ctx, staff_id: int) -> Staff:
    """A 经理 clears a forgotten password: the person sets a new one at the next log-in."""
    permissions.require(ctx, "reset_password")
    staff = staff_of(ctx, staff_id)
    staff.password_hash = ""
    audit.noted(ctx, staff, "password", new="重置密码")
    audit.change(
        ctx,
        staff,
        {"password_set_at": None, "failed_logins": 0, "locked_until": None},
        reason="经理重置密码",
    )
    return staff


def clock_words(until: datetime, now: datetime) -> str:
    """``14:35``, or ``明天 00:05``: the first whole minute at which the lock is over."""
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += timedelta(minutes=1)
    if shown.date() == now.date():
        return f"{shown:%H:%M}"
    if shown.date() == now.date() + timedelta(days=1):
        return f"明天 {shown:%H:%M}"
    return f"{shown.month}月{shown.day}日 {shown:%H:%M}"


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def lock_minutes(failed: int) -> int:
    """How long the lock-out after ``failed`` wrong passwords in a row lasts."""
    nth = failed // LOCK_AFTER
    return LOCK_MINUTES[min(nth, len(LOCK_MINUTES)) - 1]


def check_login(
    ctx: Ctx, staff_id: int, password: str, now: datetime | None = None
) -> LoginRefused | None:
    """None when ``password`` is right for the account; else the refusal, already counted
    and audited — commit, then show it. A right password clears the count."""
    now = now or ctx.now
    staff = staff_of(ctx, staff_id)
    if not staff.active:
        audit.noted(ctx, staff, "login", reason="登录被拒：该员工已停用")
        return LoginRefused(f"{staff.name} 已停用，不能登录。", "inactive")
    if not has_password(staff):
        return LoginRefused(f"{staff.name} 还没有设置密码，请先设置新密码。", "no_password")
    until = staff.locked_until
    if until is not None and now < until:
        words = clock_words(until, now)
        audit.noted(ctx, staff, "login", reason=f"登录被拒：账号锁定中（{words} 解锁）")
        return LoginRefused(
            f"账号已锁定，请 {_minutes_left(until, now)} 分钟后（{words} 以后）再试，"
            "或请经理解锁。",
            "locked",
            until,
        )

    if passwords.verify(password, staff.password_hash):
        if passwords.needs_rehash(staff.password_hash):  # the parameters grew since
            staff.password_hash = passwords.hash_password(password)
            audit.noted(ctx, staff, "password", new="更新密码加密参数")
        audit.change(ctx, staff, {"failed_logins": 0, "locked_until": None}, reason="登录成功")
        return None

    failed = staff.failed_logins + 1
    if failed % LOCK_AFTER:
        audit.change(ctx, staff, {"failed_logins": failed}, reason="登录失败：密码错误")
        left = LOCK_AFTER - failed % LOCK_AFTER
        return LoginRefused(f"密码不对，请重新输入（再错 {left} 次账号将被锁定）。", "wrong")
    minutes = lock_minutes(failed)
    until = now + timedelta(minutes=minutes)
    audit.change(
        ctx,
        staff,
        {"failed_logins": failed, "locked_until": until},
        reason=f"登录失败：密码连续输错 {LOCK_AFTER} 次，账号锁定 {minutes} 分钟",
    )
    return LoginRefused(
        f"密码连续输错 {LOCK_AFTER} 次，账号已锁定，请 {minutes} 分钟后"
        f"（{clock_words(until, now)} 以后）再试，或请经理解锁。",
        "locked",
        until,
    )


def unlock(ctx: Ctx, staff_id: int) -> Staff:
    """A 经理 opens a locked account at once; its count of wrong passwords starts again."""
    permissions.require(ctx, "unlock_account")
    staff = staff_of(ctx, staff_id)
    audit.change(ctx, staff, {"failed_logins": 0, "locked_until": None}, reason="经理解锁")
    return staff
