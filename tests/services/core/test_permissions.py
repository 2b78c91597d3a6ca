"""The role table, every role × every action: what services ask before acting, and the
refusal that says who can."""

from __future__ import annotations

import pytest

from desk.models.enums import StaffRole
from desk.models.errors import PermissionDenied
from desk.services.core import permissions
from desk.services.records import staff

# the table as the issue and the manual state it, written out once more on purpose
EXPECTED = {
    "settings": {StaffRole.SUPERVISOR, StaffRole.MANAGER},
    "staff": {StaffRole.SUPERVISOR, StaffRole.MANAGER},
    "appoint_manager": {StaffRole.MANAGER},
    "calendar": {StaffRole.SUPERVISOR, StaffRole.MANAGER},
    "restore": {StaffRole.SUPERVISOR, StaffRole.MANAGER},
    "export_personal": {StaffRole.SUPERVISOR, StaffRole.MANAGER},
    "correct_closed": {StaffRole.SUPERVISOR, StaffRole.MANAGER},
    "void_others": {StaffRole.SUPERVISOR, StaffRole.MANAGER},
    "act_for_others": {StaffRole.SUPERVISOR, StaffRole.MANAGER},
    "unlock_account": {StaffRole.MANAGER},
    "reset_password": {StaffRole.MANAGER},
}


def test_the_table_is_the_one_stated() -> None:
    assert {rule.action: set(rule.roles) for rule in permissions.ROWS} == EXPECTED


@pytest.mark.parametrize("role", list(StaffRole))
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_role_and_action(write, role, action) -> None:
    with write() as ctx:
        person = staff.add(ctx, f"同事{role.value}", role)
    allowed = role in EXPECTED[action]
    with write(who=person.id) as ctx:
        assert permissions.may(ctx.session, ctx.staff_id, action) == allowed
        if allowed:
            permissions.require(ctx, action)
        else:
            with pytest.raises(PermissionDenied) as refused:
                permissions.require(ctx, action)
            assert permissions.who_may(action) in str(refused.value)
            assert "上班后再操作" in str(refused.value)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_nobody_on_duty_and_someone_who_left_count_as_a_receptionist(write, action) -> None:
    with write() as ctx:
        left = staff.add(ctx, "老经理", StaffRole.MANAGER)
        staff.deactivate(ctx, left.id)
    with write(who=left.id) as ctx:
        assert not permissions.may(ctx.session, ctx.staff_id, action)
        assert not permissions.may(ctx.session, None, action)


def test_the_manual_shows_the_table() -> None:
    """The manual's 权限 table says what the program enforces (one row per rule)."""
    from pathlib import Path

    manual = (Path(__file__).resolve().parents[3] / "docs" / "manual.md").read_text("utf-8")
    for rule in permissions.ROWS:
        assert f"| {rule.what} | {permissions.who_may(rule.action)} |" in manual, rule.action
