"""Staff and the office's first setup."""

from __future__ import annotations

import json

from sqlmodel import select

from desk.models import Setting, Staff
from desk.models.enums import StaffRole
from desk.models.errors import ValidationError
from desk.models.validation import clean_text
from desk.services.core import accounts, audit, passwords, settings, sla
from desk.services.core.context import Ctx
from desk.services.records import loans
from desk.services.records.workorders import choice


def add(ctx: Ctx, name: str, role: StaffRole | str = StaffRole.RECEPTIONIST) -> Staff:
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


def deactivate(ctx: Ctx, staff_id: int) -> Staff:
    """Staff who leave are kept (their records name them) but no longer listed."""
    staff = ctx.session.get(Staff, staff_id)
    if staff is None:
        raise ValidationError("staff", "员工", "找不到这位员工")
    audit.change(ctx, staff, {"active": False})
    return staff


def active(ctx: Ctx) -> list[Staff]:
    stmt = select(Staff).where(Staff.active).order_by(Staff.id)  # type: ignore[arg-type]
    return list(ctx.session.exec(stmt).all())


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
    audit.setting_changed(ctx, key, old, new)


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
    at once)."""
    office_name = clean_text(
        office_name, field="office_name", label="物业服务中心名称", max_len=60, required=True
    )
    set_setting(ctx, "office.name", office_name)
    if password is not None:
        passwords.check_new(password)  # before anything is written: one clear refusal
    staff = add(ctx, first_staff, StaffRole.MANAGER)
    ctx.staff_id = staff.id
    if password is not None:
        assert staff.id is not None
        accounts.set_password(ctx, staff.id, password)
    if loan_items:
        loans.add_starter_items(ctx)  # logged as the manager's
    return staff
