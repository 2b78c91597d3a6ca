"""Staff and the office's first setup.

Who may manage staff is the role table's (``permissions``): adding, deactivating and
changing a role need "staff"; anything that makes, unmakes or removes a 经理 needs
"appoint_manager" too. Whoever asks, the office always keeps one active 经理 (someone has
to be able to unlock and reset accounts), and nobody deactivates themself while on duty
(the desk would be left in the hands of someone who has left). Only the office's very
first 经理 is created with nobody on duty (``set_up_office``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import func, select

from desk.models import Setting, Staff
from desk.models.enums import StaffRole
from desk.models.errors import ValidationError
from desk.models.validation import clean_text
from desk.services.core import accounts, audit, passwords, permissions, settings, sla
from desk.services.core.context import Ctx
from desk.services.records import loans
from desk.services.records.workorders import choice

MANAGER = StaffRole.MANAGER


def _create(ctx: Ctx, name: str, role: StaffRole | str) -> Staff:
    """A new member, checked and audited; whether the person on duty may is the caller's."""
    name = clean_text(name, field="name", label="姓名", max_len=40, required=True)
    role = choice(role, StaffRole, "role", "岗位")
    if ctx.session.exec(select(Staff).where(Staff.name == name)).first():
        raise ValidationError(
            "name", "姓名", f"已经有一位叫“{name}”的同事了，请加以区分（如 {name}2）"
        )
    staff = Staff(name=name, role=role, created_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(staff)
    ctx.session.flush()
    audit.created(ctx, staff, summary=name)
    return staff


def add(ctx: Ctx, name: str, role: StaffRole | str = StaffRole.RECEPTIONIST) -> Staff:
    permissions.require(ctx, "staff")
    if choice(role, StaffRole, "role", "岗位") == MANAGER:
        permissions.require(ctx, "appoint_manager")
    return _create(ctx, name, role)


def _member(ctx: Ctx, staff_id: int) -> Staff:
    staff = ctx.session.get(Staff, staff_id)
    if staff is None:
        raise ValidationError("staff", "员工", "找不到这位员工，请刷新人员名单后再试")
    return staff


def _active_managers(ctx: Ctx, besides: int | None = None) -> int:
    """How many active 经理 there are, ``besides`` left out."""
    stmt = select(func.count()).where(Staff.active, Staff.role == MANAGER)  # type: ignore[arg-type]
    if besides is not None:
        stmt = stmt.where(Staff.id != besides)
    return ctx.session.exec(stmt).one()


def deactivate(ctx: Ctx, staff_id: int) -> Staff:
    """Staff who leave are kept (their records name them) but no longer listed."""
    permissions.require(ctx, "staff")
    staff = _member(ctx, staff_id)
    if staff.role == MANAGER and staff.active:
        permissions.require(ctx, "appoint_manager", why="停用经理")
    if not staff.active:
        return staff  # already gone: nothing to write twice
    if staff_id == ctx.staff_id:
        raise ValidationError(
            "staff", "员工", "不能停用正在值班的自己；请换同事上班后，由主管或经理停用"
        )
    _keep_a_manager(ctx, staff, "staff", "员工", "停用")
    audit.change(ctx, staff, {"active": False})
    return staff


def _keep_a_manager(ctx: Ctx, staff: Staff, field: str, label: str, doing: str) -> None:
    """Refuse ``doing`` to the office's last active 经理: nobody could manage it after."""
    if staff.role == MANAGER and not _active_managers(ctx, besides=staff.id):
        raise ValidationError(
            field,
            label,
            f"{staff.name} 是最后一位在职的经理，不能{doing}；请先把另一位同事设为经理",
        )


def set_role(ctx: Ctx, staff_id: int, role: StaffRole | str) -> Staff:
    """Give a colleague another 岗位 (前台, 主管, 经理); one audit row, old → new."""
    permissions.require(ctx, "staff")
    role = choice(role, StaffRole, "role", "岗位")
    staff = _member(ctx, staff_id)
    if role == staff.role:
        return staff
    if role == MANAGER:
        permissions.require(ctx, "appoint_manager")
    elif staff.role == MANAGER:
        permissions.require(ctx, "appoint_manager", why="修改经理的岗位")
    if not staff.active:
        raise ValidationError("staff", "员工", f"{staff.name} 已停用，不能修改岗位")
    _keep_a_manager(ctx, staff, "role", "岗位", f"改为{role.value}")
    audit.change(ctx, staff, {"role": role})
    return staff


def active(ctx: Ctx) -> list[Staff]:
    stmt = select(Staff).where(Staff.active).order_by(Staff.id)  # type: ignore[arg-type]
    return list(ctx.session.exec(stmt).all())


@dataclass(frozen=True)
class Member:
    """One row of 人员, plain data for the screen."""

    id: int
    name: str
    role: StaffRole
    account: str  # 未设密码 / 正常 / 已锁定（至 14:35）
    locked: bool
    has_password: bool


def account_words(staff: Staff, now: datetime) -> str:
    """The account's state as 人员 shows it, at ``now``: a lock that has run out is 正常."""
    if staff.locked_until is not None and now < staff.locked_until:
        return f"已锁定（至 {accounts.clock_words(staff.locked_until, now)}）"
    if not accounts.has_password(staff):
        return "未设密码"
    return "正常"


def members(ctx: Ctx) -> list[Member]:
    """The active staff with their accounts' state at ``ctx.now``."""
    return [
        Member(
            id=s.id,  # type: ignore[arg-type]
            name=s.name,
            role=s.role,
            account=account_words(s, ctx.now),
            locked=s.locked_until is not None and ctx.now < s.locked_until,
            has_password=accounts.has_password(s),
        )
        for s in active(ctx)
    ]


def set_setting(ctx: Ctx, key: str, value: object) -> None:
    """Change one setting, audited like any record."""
    settings.get(ctx.session, key)  # unknown keys fail here
    if key.startswith(("sla.workorder.", "sla.complaint.", "sla.callback.")):
        sla.Limit.parse(str(value), key=key)  # a typo must not break every later intake
    if key == "lists.shifts":
        from desk.services.duty import shifts

        shifts.parse_definitions(value)  # no gaps in the day's logic, no overlaps
    row = ctx.session.get(Setting, key)
    new = json.dumps(value, ensure_ascii=False)
    old = None if row is None else row.value
    if old == new:
        return
    if row is None:
        row = Setting(key=key, value=new)
    row.value = new
    ctx.session.add(row)
    audit.keyed_changed(ctx, "setting", key, old, new)


def is_set_up(ctx: Ctx) -> bool:
    """An office is set up once it has a name and at least one staff member."""
    has_staff = ctx.session.exec(select(Staff.id)).first() is not None
    return bool(settings.get(ctx.session, "office.name")) and has_staff


def set_up_office(
    ctx: Ctx,
    office_name: str,
    first_staff: str,
    *,
    password: str | None = None,
    loan_items: bool = True,
) -> Staff:
    """First start: name the office, create its first member (the manager, with
    ``password`` when given: the window's and ``init``'s first start always give one) and,
    unless ``loan_items`` is false, the common loan items and keys (a new office can lend
    at once). Nobody is on duty yet, so the first 经理 is made without asking the role
    table; once the office has an active 经理, only a 经理 may run it again."""
    office_name = clean_text(
        office_name, field="office_name", label="物业服务中心名称", max_len=60, required=True
    )
    if _active_managers(ctx):  # only the office's first 经理 needs nobody's permission
        permissions.require(ctx, "appoint_manager")
    set_setting(ctx, "office.name", office_name)
    if password is not None:
        passwords.check_new(password)  # before anything is written: one clear refusal
    staff = _create(ctx, first_staff, MANAGER)
    ctx.staff_id = staff.id
    if password is not None:
        assert staff.id is not None
        accounts.set_password(ctx, staff.id, password)
    if loan_items:
        loans.add_starter_items(ctx)  # logged as the manager's
    return staff
