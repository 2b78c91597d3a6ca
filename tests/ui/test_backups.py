"""Backups from the window: 立即备份… to a USB stick, the daily automatic one, 从备份恢复…,
and the offer to restore when the database file is found damaged at the start."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from helpers.ui import WAIT

from desk.models.errors import StorageError
from desk.services.io import backup
from desk.services.records import calls, staff
from desk.services.records.calls import CallDraft
from desk.ui import app, backups, msgbox
from desk.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, ops):
    win = MainWindow(ops)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=WAIT)
    return win


def calls_in(path) -> list[str]:
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT content FROM call ORDER BY id")]
    finally:
        con.close()


def test_backup_now_to_a_usb_stick(qtbot, window, write, tmp_path, monkeypatch):
    with write() as ctx:
        calls.create_call(ctx, CallDraft("咨询", "问停水时间"))
    stick = tmp_path / "U盘"
    monkeypatch.setattr(backups, "ask_folder", lambda parent, start: stick)
    said: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: said.append(text))
    window.backup_menu.backup_now()
    qtbot.waitUntil(lambda: bool(said), timeout=WAIT)
    [made] = backup.backups(stick, "desk")
    assert str(made.path) in said[0] and "MB" in said[0]
    assert calls_in(made.path) == ["问停水时间"]


def test_a_backup_that_cannot_be_made_says_why(qtbot, window, tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(backups, "ask_folder", lambda parent, start: blocked / "备份")
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append(text))
    window.backup_menu.backup_now()
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT)
    assert "找不到或打不开" in errors[0]


def test_the_daily_backup_runs_off_the_db_worker_and_says_so(qtbot, window, db_path):
    with qtbot.waitSignal(window.backup_menu.auto.made, timeout=WAIT) as made:
        window.backup_menu.auto.check()
    [b] = made.args[0]
    assert b.path.parent == backup.auto_folder(db_path)
    assert window.statusBar().currentMessage().startswith("已自动备份")
    window.backup_menu.auto.check()  # not due again today: nothing more
    qtbot.waitUntil(lambda: not window.backup_menu.auto.busy, timeout=WAIT)
    assert len(backup.backups(backup.auto_folder(db_path), "desk")) == 1


def test_restore_replaces_the_database_and_closes_the_window(
    qtbot, window, on_duty, write, db_path, monkeypatch
):
    with write() as ctx:
        calls.create_call(ctx, CallDraft("咨询", "备份前"))
    made = backup.make(db_path, backup.auto_folder(db_path), datetime.now())
    with write() as ctx:
        calls.create_call(ctx, CallDraft("咨询", "备份后"))
    monkeypatch.setattr(backups, "ask_backup_file", lambda parent, start: made.path)
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: asked.append(text) or True)
    said: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: said.append(text))
    window.backup_menu.restore_backup()
    qtbot.waitUntil(lambda: window.restored, timeout=WAIT)
    assert str(made.path) in asked[0] and "按纸质单据补登" in asked[0]
    assert "已恢复" in said[0] and "before-restore" in said[0]
    assert not window.isVisible()
    assert calls_in(db_path) == ["备份前"]
    [aside] = db_path.parent.glob("desk.sqlite3.before-restore-*")
    assert calls_in(aside) == ["备份前", "备份后"]


def test_a_receptionist_on_duty_is_told_who_may_restore_and_nothing_is_replaced(
    qtbot, window, desk, write, db_path, monkeypatch
):
    with write() as ctx:
        clerk = staff.add(ctx, "小刘").id
        calls.create_call(ctx, CallDraft("咨询", "恢复前"))
    made = backup.make(db_path, backup.auto_folder(db_path), datetime.now())
    desk.on_duty(clerk)

    def no_file_asked(parent, start):
        raise AssertionError("a receptionist is refused before choosing a file")

    monkeypatch.setattr(backups, "ask_backup_file", no_file_asked)
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append(text))
    window.backup_menu.restore_backup()
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT)
    assert "只有主管或经理可以从备份恢复数据库" in errors[0]
    assert not window.restored and window.isVisible()
    assert not list(db_path.parent.glob("desk.sqlite3.before-restore-*"))
    assert made.path.exists()


def test_the_duty_changing_while_the_file_is_chosen_is_asked_again(
    qtbot, window, desk, on_duty, write, db_path, monkeypatch
):
    """A 经理 chooses the file; by the time it would be replaced a 前台 is on duty."""
    with write() as ctx:
        clerk = staff.add(ctx, "小刘").id
    made = backup.make(db_path, backup.auto_folder(db_path), datetime.now())

    def chosen_meanwhile(parent, start):
        desk.on_duty(clerk)
        return made.path

    monkeypatch.setattr(backups, "ask_backup_file", chosen_meanwhile)
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: True)
    errors: list[str] = []
    monkeypatch.setattr(msgbox, "error", lambda parent, title, text: errors.append(text))
    with qtbot.waitSignal(window.backup_menu.restore_failed, timeout=WAIT):
        window.backup_menu.restore_backup()
    assert "只有主管或经理" in errors[0]
    assert not window.restored
    assert not list(db_path.parent.glob("desk.sqlite3.before-restore-*"))


def test_restore_and_the_resident_export_are_shown_only_to_who_may(qtbot, window, write, settle):
    with write() as ctx:
        clerk = staff.add(ctx, "小刘").id
        supervisor = staff.add(ctx, "赵主管", "主管").id
    menu = window.backup_menu
    export = window.residents_tab.export_button
    for who, shown in ((clerk, False), (supervisor, True), (None, False), (clerk, False)):
        window.ops.desk.on_duty(who)
        window.follow_duty()
        settle(window.ops, window)
        assert menu.restore_action.isVisible() == shown, who
        assert export.isVisibleTo(window.residents_tab) == shown, who


def test_restore_waits_for_what_is_being_typed(qtbot, window, monkeypatch, type_text):
    type_text(window.calls_tab.content, "还没保存的来电")
    said: list[str] = []
    monkeypatch.setattr(msgbox, "info", lambda parent, title, text: said.append(text))
    window.backup_menu.restore_backup()  # would fail the test if it asked for a file
    assert "来电记录" in said[0] and "先保存或清空" in said[0]


@pytest.mark.expect_log("desk.db", "desk.ui")  # refused as damaged; restored
def test_a_damaged_file_at_the_start_is_offered_the_newest_backup(
    engine, db_path, write, monkeypatch, caplog
):
    with write() as ctx:
        calls.create_call(ctx, CallDraft("咨询", "昨天的来电"))
    backup.auto(db_path, datetime.now())
    engine.dispose()
    damaged = b"SQLite format 3\x00" + b"\x00" * 100 + b"garbage" * 1000
    db_path.write_bytes(damaged)
    asked: list[str] = []
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: asked.append(text) or True)
    restored = app.open_database_or_restore(db_path)
    restored.close()
    assert "最近的自动备份" in asked[0] and "不会删除" in asked[0]
    assert calls_in(db_path) == ["昨天的来电"]
    [aside] = db_path.parent.glob("desk.sqlite3.before-restore-*")
    assert aside.read_bytes() == damaged
    assert f"damaged file kept as {aside}" in caplog.text

    db_path.write_bytes(damaged)  # damaged again, and this time the answer is no
    monkeypatch.setattr(msgbox, "confirm", lambda parent, title, text: False)
    with pytest.raises(StorageError, match="检查未通过"):
        app.open_database_or_restore(db_path)
    assert db_path.read_bytes() == damaged  # untouched


def test_the_status_bar_tells_when_the_last_backup_was(qtbot, ops, write):
    from desk.services.records import staff

    win = MainWindow(ops, auto_backup=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=WAIT)
    state = win.backup_menu.state_label
    assert state.isVisible() and state.text() == "还没有备份"
    assert "每日备份另存到" in state.toolTip()  # only on this PC so far: says what to do
    with qtbot.waitSignal(win.backup_menu.auto.made, timeout=WAIT) as made:
        win.backup_menu.auto.check()
    [b] = made.args[0]
    assert state.text() == f"备份 {b.made_at:%m-%d %H:%M}" and str(b.path) in state.toolTip()
    win.backup_menu.auto.failed.emit("“E:\\备份”所在的磁盘已满，备份没有做成。")
    assert state.text() == "备份没有做成" and "磁盘已满" in state.toolTip()
    with write() as ctx:
        staff.set_setting(ctx, "backup.folder", "E:\\物业前台备份")
    win.backup_menu.show_state()
    win.refresh()
    qtbot.waitUntil(lambda: "每天另存一份到：E:\\物业前台备份" in state.toolTip(), timeout=WAIT)
    win.backup_menu.auto.stop()


def test_demo_files_have_no_backup_state(qtbot, ops):
    win = MainWindow(ops, demo=True, auto_backup=True)
    qtbot.addWidget(win)
    assert not win.backup_menu.state_label.isVisibleTo(win)
    assert not win.backup_menu.auto.timer.isActive()
