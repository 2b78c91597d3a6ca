"""人员: a new office adds the colleagues who will take over the desk."""

from __future__ import annotations

from helpers.ui import WAIT
from sqlmodel import select

from desk.models import Staff
from desk.ui import msgbox
from desk.ui.dialogs.staff_dialog import StaffDialog
from desk.ui.main_window import MainWindow


def test_add_a_colleague_who_then_can_come_on_duty(qtbot, ops, staff_id, fetch):
    window = MainWindow(ops)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.duty_combo.count() == 1, timeout=WAIT)
    dialog = window.show_staff()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT)
    dialog.name.setText("李娜")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=WAIT)
    assert dialog.name.text() == ""
    qtbot.waitUntil(lambda: window.duty_combo.count() == 2, timeout=WAIT)  # the window follows
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
    from desk.services.records import staff

    with write() as ctx:
        staff.add(ctx, "李娜")
    dialog = StaffDialog(ops)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=WAIT)
    monkeypatch.setattr(msgbox, "info", lambda *args: None)
    dialog.table.selectRow(0)  # oneself: refused
    dialog.deactivate_selected()
    monkeypatch.setattr(msgbox, "confirm", lambda *args: True)
    dialog.table.selectRow(1)
    dialog.deactivate_selected()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT)
    assert dialog.table.item(0, 0).text() == "王经理"
