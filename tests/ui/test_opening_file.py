"""The program's start on an office file in each state it meets (issue 12): a locked file
gets 重试, never a restore; a missing or 0-byte file with backups beside it is offered the
newest first; damage offers the newest backup; a damaged index offers to rebuild; a newer
file is refused untouched. Real files, real locks: only the questions are answered here."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest
from helpers.office_files import add_calls, count_calls, held, run_sql, swap_indexes
from helpers.ui import WAIT
from PySide6.QtCore import QRect

from desk.models import dbfile
from desk.services.io import backup
from desk.services.io.database import inspect
from desk.ui import app as app_module
from desk.ui.first_run import FirstRunDialog
from desk.ui.main_window import WINDOW_SIZE, MainWindow

NOW = datetime(2026, 11, 23, 10, 0)
pytestmark = pytest.mark.expect_log("desk.db", "desk.ui")  # refusals and restores are logged


@pytest.fixture
def asked(monkeypatch) -> dict[str, list[str]]:
    """Every question and message of the start, recorded; confirm answers 是 (yes)."""
    seen: dict[str, list[str]] = {"confirm": [], "error": [], "retry": []}

    def confirm(_parent, title, text):
        seen["confirm"].append(f"{title}\n{text}")
        return True

    monkeypatch.setattr(app_module.msgbox, "confirm", confirm)
    monkeypatch.setattr(
        app_module.msgbox, "error", lambda _p, title, text: seen["error"].append(text)
    )
    return seen


def test_a_locked_file_offers_retry_never_a_restore(
    qtbot, db_path, engine, write, monkeypatch, asked, window_opens
) -> None:
    add_calls(write, 3)
    backup.make(db_path, backup.auto_folder(db_path), NOW - timedelta(days=1))
    engine.dispose()
    monkeypatch.setattr(dbfile, "BUSY_MS", 200)
    with held(db_path) as holder:

        def retry(_parent, _title, text):
            asked["retry"].append(text)
            holder.let_go()  # the other program lets go while the message is up
            return True

        monkeypatch.setattr(app_module.msgbox, "retry", retry)
        assert app_module.run(db_path) == 0
    assert len(asked["retry"]) == 1 and "占用" in asked["retry"][0]
    assert asked["confirm"] == [] and asked["error"] == []  # no restore was ever offered
    assert window_opens and count_calls(db_path) == 3


def test_a_zero_byte_file_with_backups_is_offered_the_newest_first(
    qtbot, db_path, engine, write, asked, window_opens
) -> None:
    add_calls(write, 2)
    folder = backup.auto_folder(db_path)
    backup.make(db_path, folder, NOW - timedelta(days=2))
    add_calls(write, 1)
    newest = backup.make(db_path, folder, NOW - timedelta(days=1))
    engine.dispose()
    db_path.write_bytes(b"")  # a copy or a sync that went wrong

    assert app_module.run(db_path) == 0
    assert len(asked["confirm"]) == 1
    assert "0 字节" in asked["confirm"][0] and newest.path.name in asked["confirm"][0]
    assert window_opens and count_calls(db_path) == 3
    emptied = [p for p in db_path.parent.iterdir() if ".before-restore-" in p.name]
    assert [p.stat().st_size for p in emptied] == [0]  # kept aside, not deleted


def test_a_missing_file_without_backups_starts_a_new_office(
    qtbot, tmp_path, monkeypatch, asked, window_opens
) -> None:
    opened: list[bool] = []

    def first_start(self):
        opened.append(True)
        return False  # closed: nothing made

    monkeypatch.setattr(FirstRunDialog, "exec", first_start)
    path = tmp_path / "desk.sqlite3"
    assert app_module.run(path) == 0
    assert opened and asked["confirm"] == [] and not path.exists()


def test_damage_offers_the_newest_backup_and_keeps_the_damaged_file(
    qtbot, db_path, engine, write, asked, window_opens
) -> None:
    add_calls(write, 2)
    backup.make(db_path, backup.auto_folder(db_path), NOW - timedelta(days=1))
    engine.dispose()
    run_sql(db_path, "DROP TABLE loan")  # another tool's doing

    assert app_module.run(db_path) == 0
    assert len(asked["confirm"]) == 1 and "缺少表 loan" in asked["confirm"][0]
    assert inspect(db_path).kind is dbfile.Kind.DESK and count_calls(db_path) == 2
    assert [p for p in db_path.parent.iterdir() if ".before-restore-" in p.name]


def test_a_newer_file_is_refused_untouched(qtbot, db_path, asked, window_opens) -> None:
    run_sql(db_path, "UPDATE alembic_version SET version_num = '0099'")
    before = db_path.read_bytes()
    assert app_module.run(db_path) == 2
    assert len(asked["error"]) == 1 and "更新版本" in asked["error"][0]
    assert asked["confirm"] == [] and not window_opens
    assert db_path.read_bytes() == before


def test_the_daily_check_finding_a_damaged_index_offers_to_rebuild_it(
    qtbot, ops, db_path, write, asked
) -> None:
    add_calls(write, 5)
    swap_indexes(db_path, "ix_call_serial", "ix_call_created_at")
    window = MainWindow(ops)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.backup_menu.auto.made, timeout=20_000):
        window.backup_menu.auto.check()  # fails on the index, asks, rebuilds, backs up again
    assert len(asked["confirm"]) == 1 and "索引" in asked["confirm"][0]
    assert inspect(db_path, full=True).kind is dbfile.Kind.DESK


@pytest.mark.parametrize(
    "free",
    [QRect(0, 0, 1366, 728), QRect(0, 0, 1920, 1040)],
    ids=["1366x768-laptop", "full-hd"],
)
def test_the_first_start_fills_the_free_screen(qtbot, ops, staff_id, monkeypatch, free, tmp_path):
    """Maximised within the free area (the status bar with the backup warning above the task
    bar); un-maximised, at most WINDOW_SIZE and never bigger than the screen."""
    window = MainWindow(ops)
    qtbot.addWidget(window)
    monkeypatch.setattr(type(window.screen()), "availableGeometry", lambda _self: free)
    window.show_fitted(tmp_path / "window.geometry")  # no such file yet: the first start
    assert window.isMaximized()
    window.showNormal()
    expected = (min(WINDOW_SIZE[0], free.width()), min(WINDOW_SIZE[1], free.height()))
    assert window.size().toTuple() == expected


def test_the_window_opens_as_it_was_closed(qtbot, ops, staff_id, tmp_path):
    """Un-maximised at close, un-maximised at the next start (not maximised as the first
    start is); the exact place is Qt's to keep within the screens there are then."""
    remembered = tmp_path / "window.geometry"
    first = MainWindow(ops)
    qtbot.addWidget(first)
    first.show_fitted(remembered)
    first.showNormal()
    qtbot.waitUntil(lambda: not first.isMaximized(), timeout=WAIT)
    first.close()
    assert remembered.stat().st_size > 0
    second = MainWindow(ops)
    qtbot.addWidget(second)
    second.show_fitted(remembered)
    assert not second.isMaximized()
    second.showMaximized()
    qtbot.waitUntil(second.isMaximized, timeout=WAIT)
    second.close()
    third = MainWindow(ops)
    qtbot.addWidget(third)
    third.show_fitted(remembered)
    assert third.isMaximized()


def test_an_unreadable_position_only_costs_the_position(qtbot, ops, staff_id, tmp_path):
    broken = tmp_path / "window.geometry"
    broken.write_bytes(b"not a geometry")
    window = MainWindow(ops)
    qtbot.addWidget(window)
    window.show_fitted(broken)
    assert window.isMaximized()


def test_a_backup_file_copied_in_place_of_the_office_file_opens(
    qtbot, db_path, engine, write, tmp_path, asked, window_opens
) -> None:
    """A backup put in place by hand (a rollback-journal file, no WAL) is a desk file."""
    add_calls(write, 2)
    made = backup.make(db_path, tmp_path / "u盘", NOW)
    engine.dispose()
    db_path.unlink()
    shutil.copyfile(made.path, db_path)
    assert app_module.run(db_path) == 0
    assert asked["confirm"] == [] and window_opens and count_calls(db_path) == 2
