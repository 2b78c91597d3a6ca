"""设置: a supervisor changes the categories; the open repair form offers them at once."""

from __future__ import annotations

from helpers.ui import WAIT
from PySide6.QtWidgets import QPushButton

from desk.services.core import settings
from desk.ui import msgbox
from desk.ui.main_window import MainWindow


def test_change_categories_and_the_form_follows(qtbot, ops, on_duty, read, monkeypatch):
    window = MainWindow(ops)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=WAIT)
    told: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: told.append(text))
    dialog = window.show_settings()
    qtbot.waitUntil(lambda: "lists.workorder.categories" in dialog.edits, timeout=WAIT)
    dialog.edits["lists.workorder.categories"].setText("水电、土建、绿化")
    dialog.save()
    qtbot.waitUntil(lambda: bool(told), timeout=WAIT)
    assert told == ["已保存 1 项设置。"]
    with read() as ctx:
        assert settings.get(ctx.session, "lists.workorder.categories") == ["水电", "土建", "绿化"]
    combo = window.workorders_tab.category
    qtbot.waitUntil(lambda: combo.findText("绿化") >= 0, timeout=WAIT)


def test_a_receptionist_is_told_who_can_and_what_she_typed_stays(
    qtbot, ops, desk, write, read, monkeypatch
):
    """The service refuses a 前台 (the role table); the dialog says who can, keeps the text."""
    from desk.services.records import staff
    from desk.ui.dialogs.settings_dialog import SettingsDialog

    with write() as ctx:
        clerk = staff.add(ctx, "李娜", "前台")
    desk.on_duty(clerk.id)
    refused: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: refused.append(text))
    dialog = SettingsDialog(ops)
    qtbot.addWidget(dialog)
    key = "lists.workorder.categories"
    qtbot.waitUntil(lambda: key in dialog.edits, timeout=WAIT)
    dialog.edits[key].setText("水电、土建、绿化")
    dialog.save()
    qtbot.waitUntil(lambda: bool(refused), timeout=WAIT)
    assert refused == [
        "只有主管或经理可以修改设置（时限、类别、班次、问候语），请主管或经理上班后再操作。"
    ]
    assert dialog.edits[key].text() == "水电、土建、绿化"
    with read() as ctx:
        assert "绿化" not in settings.get(ctx.session, key)


def test_a_bad_limit_is_shown_under_its_field(qtbot, ops, on_duty, read):
    from desk.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ops)
    qtbot.addWidget(dialog)
    key = "sla.workorder.紧急.response"
    qtbot.waitUntil(lambda: key in dialog.edits, timeout=WAIT)
    dialog.edits[key].setText("半小时")
    dialog.save()
    label = dialog.errors.label(key)
    qtbot.waitUntil(lambda: label.isVisibleTo(dialog), timeout=WAIT)
    assert "30m" in label.text() and dialog.edits[key].text() == "半小时"
    with read() as ctx:
        assert settings.get(ctx.session, key) == "30m"


def test_the_backup_folder_is_picked_and_a_relative_path_refused(
    qtbot, ops, on_duty, read, tmp_path, monkeypatch
):
    from desk.ui import backups
    from desk.ui.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ops)
    qtbot.addWidget(dialog)
    key = "backup.folder"
    qtbot.waitUntil(lambda: key in dialog.edits, timeout=WAIT)
    edit = dialog.edits[key]
    assert "U盘" in edit.placeholderText()
    stick = tmp_path / "U盘" / "物业前台备份"
    monkeypatch.setattr(backups, "ask_folder", lambda parent, start: stick)
    picker = edit.parentWidget().findChild(QPushButton)
    picker.click()  # 选择…
    assert edit.text() == str(stick)
    told: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: told.append(text))
    dialog.save()
    qtbot.waitUntil(lambda: bool(told), timeout=WAIT)
    with read() as ctx:
        assert settings.get(ctx.session, key) == str(stick)
    edit.setText("备份")  # not a whole path
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors.label(key).isVisibleTo(dialog), timeout=WAIT)
    assert "完整的文件夹路径" in dialog.errors.label(key).text()
