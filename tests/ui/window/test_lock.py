"""The lock screen (离开时锁定屏幕) and 上班 as the log-in, driven through the window as a
receptionist would: the start, the idle lock over a half-typed form, wrong passwords,
a colleague taking over at the lock, and the keys that must not open it."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers.ui import PASSWORD, WAIT, answer_duty, open_window
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from sqlmodel import select

from desk.models import AuditEvent, Handover, Staff
from desk.models.enums import HandoverState
from desk.services.core import accounts
from desk.services.duty import handover, shifts
from desk.services.records import staff
from desk.ui import msgbox
from desk.ui.dialogs import duty_dialog
from desk.ui.window import idle

NOW = datetime(2026, 11, 23, 10, 0)


def enter_on(widget: QWidget) -> None:
    QTest.keyClick(widget, Qt.Key.Key_Return)


@pytest.fixture
def manager_on_duty(write, staff_id) -> int:
    """王经理 has a password and is on duty for the 早班 (the program restarted since)."""
    with write() as ctx:
        accounts.set_password(ctx, staff_id, PASSWORD)
        shifts.come_on_duty(ctx, staff_id, "早班")
    return staff_id


def test_the_program_starts_locked_and_shang_ban_is_the_log_in(
    qtbot, settle, ops, staff_id, monkeypatch
):
    window = open_window(qtbot, settle, ops, locked=True)
    lock = window.lock_screen
    qtbot.waitUntil(lambda: lock.isVisible(), timeout=WAIT)
    assert window.pages.currentWidget() is window.locked_page  # no record behind it
    assert lock.isWindow() and lock.windowModality() == Qt.WindowModality.ApplicationModal
    assert lock.office.text() == "阳光花园物业服务中心"
    assert "现在没有人值班" in lock.who.text() and not lock.secret.isVisible()
    assert window.staff_on_duty is None  # nobody: no write is stamped with anyone

    asked = answer_duty(monkeypatch, staff_id, "早班")  # sets his first password
    assert lock.focusWidget() is lock.switch_button
    enter_on(lock.switch_button)  # 上班…
    qtbot.waitUntil(lambda: not lock.isVisible(), timeout=WAIT)
    assert asked == [staff_id]
    assert window.staff_on_duty == staff_id and window.shift_on_duty is not None
    assert window.pages.currentWidget() is window.content


def test_the_idle_lock_keeps_a_half_typed_form_and_unlocking_reloads_nothing(
    qtbot, settle, ops, manager_on_duty, monkeypatch, type_text
):
    monkeypatch.setattr(idle, "MINUTE_MS", 60)  # the office's 5 minutes: 0.3 s
    window = open_window(qtbot, settle, ops, idle_lock=True)
    tab = window.calls_tab
    window.tabs.setCurrentWidget(tab)
    type_text(tab.content, "咨询停车月卡怎么")
    lock = window.lock_screen
    qtbot.waitUntil(lambda: lock.isVisible(), timeout=WAIT)  # nobody touched anything
    assert window.locked and window.pages.currentWidget() is window.locked_page
    assert "王经理（经理）" in lock.who.text() and lock.focusWidget() is lock.secret.password
    # from here on the test takes its time: no second idle lock in the middle of it
    monkeypatch.setattr(idle, "MINUTE_MS", 60_000)
    assert window.idle is not None
    window.idle.set_minutes(60)

    reads: list[object] = []

    def spy(lane):
        def asked(op, *args, **kwargs):
            reads.append(op)
            return lane(op, *args, **kwargs)

        return asked

    monkeypatch.setattr(ops, "read", spy(ops.read))
    monkeypatch.setattr(ops, "render", spy(ops.render))
    type_text(lock.secret.password, PASSWORD)
    enter_on(lock.secret.password)
    qtbot.waitUntil(lambda: not lock.isVisible(), timeout=WAIT)
    settle(ops, window)
    assert reads == []  # no list, no count reloaded: the window is as it was
    assert window.pages.currentWidget() is window.content
    assert tab.content.toPlainText() == "咨询停车月卡怎么"
    assert window.focusWidget() is tab.content  # typing goes on where it stopped
    type_text(tab.content, "办")
    assert tab.content.toPlainText() == "咨询停车月卡怎么办"
    assert lock.secret.password.text() == ""  # nothing typed stays in the hidden lock


def test_five_wrong_passwords_lock_the_account_and_say_until_when(
    qtbot, settle, ops, manager_on_duty, fetch, type_text
):
    window = open_window(qtbot, settle, ops)
    window.lock()
    lock = window.lock_screen
    qtbot.waitUntil(lambda: lock.isVisible(), timeout=WAIT)
    for n in range(1, accounts.LOCK_AFTER + 1):
        type_text(lock.secret.password, "猜一个密码")
        enter_on(lock.secret.password)
        qtbot.waitUntil(lambda n=n: fetch(Staff, manager_on_duty).failed_logins == n, timeout=WAIT)
        qtbot.waitUntil(lambda: lock.unlock_button.isEnabled(), timeout=WAIT)
        assert lock.secret.password.text() == ""  # cleared, the cursor back in it
    assert "账号已锁定，请 1 分钟后" in lock.secret.error.text()
    assert "或请经理解锁" in lock.secret.error.text()
    assert fetch(Staff, manager_on_duty).locked_until is not None
    # the right password now is refused too, and the window stays locked
    type_text(lock.secret.password, PASSWORD)
    enter_on(lock.secret.password)
    qtbot.waitUntil(
        lambda: "账号已锁定" in lock.secret.error.text() and lock.unlock_button.isEnabled(),
        timeout=WAIT,
    )
    assert lock.isVisible() and window.locked
    rows = fetch(
        select(AuditEvent).where(
            AuditEvent.entity == "staff", AuditEvent.entity_id == manager_on_duty
        )
    )
    assert sum(r.field == "failed_logins" and "登录失败" in r.reason for r in rows) == 5
    assert any("账号锁定中" in r.reason for r in rows)


def test_a_colleague_takes_over_at_the_lock_and_is_offered_the_handover(
    qtbot, settle, ops, manager_on_duty, write, fetch, monkeypatch
):
    with write() as ctx:
        lina = staff.add(ctx, "李娜")
        ctx.staff_id = manager_on_duty
        shift = shifts.open_shift(ctx)
        assert shift is not None and shift.id is not None
        handover.confirm(ctx, shift.id, "3号楼下午停水")
    window = open_window(qtbot, settle, ops)
    window.lock()
    lock = window.lock_screen
    qtbot.waitUntil(lambda: lock.isVisible(), timeout=WAIT)
    offered: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda *args: None)
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: offered.append(text) or True)
    asked = answer_duty(monkeypatch, lina.id, "中班")
    lock.switch_button.click()  # 换人上班…
    qtbot.waitUntil(lambda: not lock.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: bool(offered), timeout=WAIT)
    assert asked == [lina.id] and window.staff_on_duty == lina.id
    assert "王经理" in offered[0]
    qtbot.waitUntil(
        lambda: fetch(select(Handover))[0].state == HandoverState.ACCEPTED, timeout=WAIT
    )


def test_the_lock_key_locks_and_neither_esc_nor_closing_opens_it(
    qtbot, settle, ops, manager_on_duty
):
    window = open_window(qtbot, settle, ops)
    window.calls_tab.content.setFocus()
    QTest.keyClick(
        window.calls_tab.content,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    lock = window.lock_screen
    qtbot.waitUntil(lambda: lock.isVisible(), timeout=WAIT)
    QTest.keyClick(lock.secret.password, Qt.Key.Key_Escape)
    assert not lock.close()  # Alt+F4
    assert lock.isVisible() and window.locked


def test_the_lock_button_locks_and_a_first_log_in_sets_a_password_there(
    qtbot, settle, ops, staff_id, write, fetch, type_text
):
    with write() as ctx:  # upgraded: on duty, and no password yet
        shifts.come_on_duty(ctx, staff_id, "早班")
    window = open_window(qtbot, settle, ops)
    window.duty_bar.lock_button.click()
    lock = window.lock_screen
    qtbot.waitUntil(lambda: lock.isVisible(), timeout=WAIT)
    assert lock.secret.setting_new and lock.focusWidget() is lock.secret.new
    type_text(lock.secret.new, PASSWORD)
    type_text(lock.secret.again, "别的口令2026")
    enter_on(lock.secret.again)
    assert lock.secret.error.text() == "两次输入的密码不一样，请再输一次" and lock.isVisible()
    type_text(lock.secret.again, PASSWORD)
    enter_on(lock.secret.again)
    qtbot.waitUntil(lambda: not lock.isVisible(), timeout=WAIT)
    assert accounts.has_password(fetch(Staff, staff_id))


def test_after_the_upgrade_the_manager_is_asked_to_set_a_password_first(
    qtbot, settle, ops, staff_id, write, monkeypatch
):
    with write() as ctx:  # an office from before passwords: nobody has one
        clerk = staff.add(ctx, "李娜")
    window = open_window(qtbot, settle, ops, locked=True)
    asked: list[dict] = []
    monkeypatch.setattr(
        duty_dialog, "ask_duty", lambda parent, people, shifts, **kw: asked.append(kw)
    )
    window.lock_screen.switch_button.click()
    assert len(asked) == 1
    assert asked[0]["staff_id"] == staff_id  # the 经理 preselected, not whoever is first
    assert set(asked[0]["without_password"]) == {staff_id, clerk.id}
    assert "请经理先上班并设置自己的密码" in asked[0]["note"]


def test_a_dialog_open_behind_the_lock_keeps_what_was_typed(
    qtbot, settle, ops, manager_on_duty, type_text
):
    window = open_window(qtbot, settle, ops)
    dialog = window.show_staff()  # 人员, window-modal, with a name half typed
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=WAIT)
    type_text(dialog.name, "赵师")
    window.lock()
    lock = window.lock_screen
    qtbot.waitUntil(lambda: lock.isVisible(), timeout=WAIT)
    assert dialog.isVisible()  # not closed (that would throw the typing away), only covered
    type_text(lock.secret.password, PASSWORD)
    enter_on(lock.secret.password)
    qtbot.waitUntil(lambda: not lock.isVisible(), timeout=WAIT)
    assert dialog.isVisible() and dialog.name.text() == "赵师"
    assert dialog.focusWidget() is dialog.name
    type_text(dialog.name, "傅")
    assert dialog.name.text() == "赵师傅"
