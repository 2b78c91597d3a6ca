"""人员: a new office adds the colleagues who will take over the desk; a 经理 unlocks and
resets accounts and changes 岗位; everyone sees the role table, and only what their role
may do."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from helpers.office import MANAGER_PASSWORD
from helpers.ui import WAIT, field
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlmodel import select

from desk.models import AuditEvent, Staff
from desk.models.enums import StaffRole
from desk.services.core import accounts, permissions
from desk.services.records import staff
from desk.ui import msgbox
from desk.ui.dialogs.staff_dialog import StaffDialog
from desk.ui.main_window import MainWindow

SECRET = "同事口令2026"


def test_add_a_colleague_who_then_can_come_on_duty(qtbot, ops, on_duty, fetch):
    window = MainWindow(ops)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(window.duty_bar.people) == 1, timeout=WAIT)
    dialog = window.show_staff()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT)
    dialog.name.setText("李娜")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=WAIT)
    assert dialog.name.text() == ""
    qtbot.waitUntil(lambda: len(window.duty_bar.people) == 2, timeout=WAIT)  # the window follows
    assert [s.name for s in fetch(select(Staff))] == ["王经理", "李娜"]


def test_a_duplicate_name_is_said_under_the_field_and_kept(qtbot, ops, on_duty):
    dialog = StaffDialog(ops)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT)
    dialog.name.setText("王经理")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=WAIT)
    assert "已经有一位" in dialog.error.text() and dialog.name.text() == "王经理"


def test_someone_who_left_is_no_longer_listed(qtbot, ops, on_duty, write, monkeypatch):
    with write() as ctx:
        staff.add(ctx, "李娜")
    dialog = StaffDialog(ops)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=WAIT)
    dialog.table.selectRow(0)  # oneself: not offered
    assert not dialog.leave_button.isEnabled()
    monkeypatch.setattr(msgbox, "confirm", lambda *args: True)
    dialog.table.selectRow(1)
    dialog.deactivate_selected()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT)
    assert dialog.table.item(0, 0).text() == "王经理"


# --- accounts ---------------------------------------------------------------------------


@pytest.fixture
def colleagues(write, staff_id) -> dict[str, int]:
    """Besides 王经理 (with her password): 李娜 (前台, no password yet), 周婷 (前台, locked
    out just now, by the real clock the dialog reads with) and 赵主管 (主管, with a
    password)."""
    with write() as ctx:
        accounts.set_password(ctx, staff_id, MANAGER_PASSWORD)  # the 经理 goes first
        ids = {
            "李娜": staff.add(ctx, "李娜").id,
            "周婷": staff.add(ctx, "周婷").id,
            "赵主管": staff.add(ctx, "赵主管", StaffRole.SUPERVISOR).id,
        }
        for name in ("周婷", "赵主管"):
            accounts.set_password(ctx, ids[name], SECRET)
    now = datetime.now()
    for _ in range(accounts.LOCK_AFTER):
        with write(now) as ctx:
            accounts.check_login(ctx, ids["周婷"], "猜错了")
    return ids


def open_dialog(qtbot, ops, settle, rows: int) -> StaffDialog:
    dialog = StaffDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == rows, timeout=WAIT)
    settle(ops, dialog)
    return dialog


def shown(dialog: StaffDialog) -> dict[str, tuple[str, str]]:
    """姓名 → (岗位, 账号) as the list shows them."""
    table = dialog.table
    return {
        table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
        for r in range(table.rowCount())
    }


def pick(dialog: StaffDialog, name: str) -> None:
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == name)
    dialog.table.selectRow(row)


def test_the_list_says_each_accounts_state(qtbot, ops, on_duty, settle, fetch, colleagues):
    dialog = open_dialog(qtbot, ops, settle, 4)
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(3)]
    assert headers == ["姓名", "岗位", "账号"]
    listed = shown(dialog)
    assert {n: listed[n] for n in ("王经理", "李娜", "赵主管")} == {
        "王经理": ("经理", "正常"),
        "李娜": ("前台", "未设密码"),
        "赵主管": ("主管", "正常"),
    }
    until = fetch(Staff, colleagues["周婷"]).locked_until
    opens = until.replace(second=0) + timedelta(minutes=1 if until.second else 0)
    assert re.fullmatch(rf"已锁定（至 (明天 )?{opens:%H:%M}）", listed["周婷"][1])


def test_a_manager_unlocks_a_locked_account(qtbot, ops, on_duty, settle, fetch, colleagues):
    dialog = open_dialog(qtbot, ops, settle, 4)
    assert dialog.unlock_button.isVisibleTo(dialog) and dialog.reset_button.isVisibleTo(dialog)
    pick(dialog, "李娜")  # not locked: nothing to unlock
    assert not dialog.unlock_button.isEnabled()
    pick(dialog, "周婷")
    assert dialog.unlock_button.isEnabled()
    dialog.unlock_button.click()
    qtbot.waitUntil(lambda: shown(dialog)["周婷"][1] == "正常", timeout=WAIT)
    locked = fetch(Staff, colleagues["周婷"])
    assert (locked.locked_until, locked.failed_logins, locked.password_hash != "") == (
        None,
        0,
        True,
    )
    unlocked = fetch(
        select(AuditEvent).where(
            AuditEvent.entity == "staff",
            AuditEvent.entity_id == colleagues["周婷"],
            AuditEvent.reason == "经理解锁",
        )
    )
    assert unlocked and {e.staff_id for e in unlocked} == {on_duty}
    assert dialog.selected().name == "周婷"  # the same person stays selected
    assert not dialog.unlock_button.isEnabled()


def test_a_manager_resets_a_forgotten_password(
    qtbot, ops, on_duty, settle, fetch, colleagues, monkeypatch
):
    asked: list[str] = []
    answers = iter([False, True])
    monkeypatch.setattr(
        msgbox, "confirm", lambda parent, title, text: asked.append(text) or next(answers)
    )
    dialog = open_dialog(qtbot, ops, settle, 4)
    pick(dialog, "李娜")  # no password to reset
    assert not dialog.reset_button.isEnabled()
    pick(dialog, "赵主管")
    dialog.reset_button.click()  # 否: nothing happens
    settle(ops, dialog)
    assert fetch(Staff, colleagues["赵主管"]).password_hash != ""
    dialog.reset_button.click()
    qtbot.waitUntil(lambda: shown(dialog)["赵主管"][1] == "未设密码", timeout=WAIT)
    assert fetch(Staff, colleagues["赵主管"]).password_hash == ""
    assert asked == ["重置 赵主管 的密码？赵主管 下次上班时要设置新密码。"] * 2


def test_a_manager_changes_a_role_by_keyboard_and_typing_stays(
    qtbot, ops, on_duty, settle, fetch, colleagues, type_text
):
    dialog = open_dialog(qtbot, ops, settle, 4)
    assert field(dialog, "将所选同事改为") is dialog.new_role
    type_text(dialog.name, "钱多")  # typed for adding: no role change touches it
    pick(dialog, "李娜")
    assert dialog.new_role.currentText() == "前台"
    dialog.new_role.setFocus()
    dialog.new_role.setCurrentText("主管")
    QTest.keyClick(dialog.new_role, Qt.Key.Key_Return)  # Enter in the box: 修改岗位
    qtbot.waitUntil(lambda: shown(dialog)["李娜"][0] == "主管", timeout=WAIT)
    assert fetch(Staff, colleagues["李娜"]).role == StaffRole.SUPERVISOR
    assert dialog.table.rowCount() == 4 and dialog.name.text() == "钱多"
    pick(dialog, "王经理")  # herself, the only 经理: refused, said beside the list
    dialog.new_role.setCurrentText("主管")
    dialog.role_button.click()
    qtbot.waitUntil(lambda: dialog.person_error.isVisibleTo(dialog), timeout=WAIT)
    assert "王经理 是最后一位在职的经理" in dialog.person_error.text()
    assert fetch(Staff, on_duty).role == StaffRole.MANAGER and dialog.name.text() == "钱多"


def test_a_receptionist_sees_the_list_but_cannot_change_it(
    qtbot, ops, desk, settle, fetch, colleagues, monkeypatch
):
    desk.on_duty(colleagues["李娜"])
    dialog = open_dialog(qtbot, ops, settle, 4)
    offered = (
        dialog.add_button,
        dialog.name,
        dialog.leave_button,
        dialog.unlock_button,
        dialog.reset_button,
        dialog.role_button,
    )
    assert not any(w.isVisibleTo(dialog) for w in offered)
    assert dialog.not_yours.isVisibleTo(dialog)
    assert dialog.focusWidget() is dialog.table  # 姓名, where it opened, went with adding
    assert "主管或经理上班后操作" in dialog.not_yours.text()
    assert shown(dialog)["周婷"][1].startswith("已锁定")  # she still sees who is locked out
    assert dialog.rules.isVisibleTo(dialog)
    # a screen left over from before would still be refused, by the services
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append(text))
    dialog.name.setText("冒名")
    dialog.add()
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=WAIT)
    assert errors[0].startswith("只有主管或经理可以管理人员")
    assert dialog.name.text() == "冒名"
    pick(dialog, "周婷")
    dialog.unlock_selected()
    qtbot.waitUntil(lambda: dialog.person_error.isVisibleTo(dialog), timeout=WAIT)
    assert dialog.person_error.text().startswith("只有经理可以解锁账号")
    assert "冒名" not in [s.name for s in fetch(select(Staff))]
    assert fetch(Staff, colleagues["周婷"]).locked_until is not None


def test_a_supervisor_manages_staff_but_not_the_manager(
    qtbot, ops, desk, settle, fetch, colleagues
):
    desk.on_duty(colleagues["赵主管"])
    dialog = open_dialog(qtbot, ops, settle, 4)
    assert dialog.add_button.isVisibleTo(dialog) and dialog.leave_button.isVisibleTo(dialog)
    assert not dialog.unlock_button.isVisibleTo(dialog)
    assert not dialog.reset_button.isVisibleTo(dialog)
    manager_item = dialog.role.model().item(dialog.role.findText("经理"))
    assert not manager_item.isEnabled()  # she cannot appoint a 经理
    pick(dialog, "王经理")
    assert not dialog.leave_button.isEnabled() and not dialog.role_button.isEnabled()
    pick(dialog, "李娜")
    assert dialog.leave_button.isEnabled() and dialog.role_button.isEnabled()
    # picked anyway (a stale screen): refused under the field, the name kept
    dialog.name.setText("钱经理")
    dialog.role.setCurrentText("经理")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=WAIT)
    assert dialog.error.text().startswith("只有经理可以添加经理")
    assert dialog.name.text() == "钱经理"
    assert "钱经理" not in [s.name for s in fetch(select(Staff))]


def test_the_role_table_is_shown(qtbot, ops, on_duty, settle):
    dialog = open_dialog(qtbot, ops, settle, 1)
    assert field(dialog, "谁可以做什么") is dialog.rules
    assert dialog.rules.isVisibleTo(dialog)
    headers = [dialog.rules.horizontalHeaderItem(c).text() for c in range(2)]
    assert headers == ["操作", "谁可以"]
    rows = [
        (dialog.rules.item(r, 0).text(), dialog.rules.item(r, 1).text())
        for r in range(dialog.rules.rowCount())
    ]
    assert rows == [(rule.what, permissions.who_may(rule.action)) for rule in permissions.ROWS]
