"""First start: the dialog, a new office, errors shown next to the field, the main window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from desk.services.core import passwords
from desk.services.core.transactions import reading
from desk.services.io.database import open_database, open_desk
from desk.services.records import staff
from desk.ui import app as app_module
from desk.ui.first_run import FirstRunChoice, FirstRunDialog
from desk.ui.main_window import MainWindow
from desk.ui.ops import Ops


def test_dialog_requires_both_names_and_says_so_next_to_the_field(qtbot, type_text):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.create_button.click()
    assert dialog.choice is None
    assert dialog.office_error.text() == "名称：不能为空"
    assert dialog.office_error.isVisibleTo(dialog)

    type_text(dialog.office_edit, "阳光花园物业服务中心")
    dialog.create_button.click()
    assert dialog.choice is None
    assert dialog.staff_error.text() == "姓名：不能为空"
    assert dialog.office_edit.text() == "阳光花园物业服务中心"  # what was typed stays

    type_text(dialog.staff_edit, "王丽")
    dialog.create_button.click()
    assert dialog.choice is None  # the manager's password is still to set
    assert dialog.secret.error.text() == "密码：请输入密码"
    assert dialog.focusWidget() is dialog.secret.new

    dialog.secret.new.setText("经理口令2026")
    dialog.secret.again.setText("经理口令2025")
    dialog.create_button.click()
    assert dialog.choice is None
    assert dialog.secret.error.text() == "两次输入的密码不一样，请再输一次"
    assert dialog.secret.new.text() == "经理口令2026" and dialog.secret.again.text() == ""

    dialog.secret.again.setText("经理口令2026")
    dialog.create_button.click()
    assert dialog.choice == FirstRunChoice(
        demo=False, office_name="阳光花园物业服务中心", staff_name="王丽", password="经理口令2026"
    )


def test_demo_button_chooses_demo(qtbot):
    dialog = FirstRunDialog(demo_exists=True)
    qtbot.addWidget(dialog)
    assert dialog.demo_button.text() == "打开演示数据"
    dialog.demo_button.click()
    assert dialog.choice == FirstRunChoice(demo=True)


def test_main_window_shows_office_staff_and_counts(qtbot, tmp_path: Path):
    path = tmp_path / "office.sqlite3"
    desk = open_desk(path)

    def set_up(ctx):
        manager = staff.set_up_office(ctx, "阳光花园物业服务中心", "王丽")
        ctx.staff_id = manager.id
        return manager, staff.add(ctx, "李娜")

    (manager, colleague), _changes = desk.write(set_up)
    ops = Ops(desk)
    window = MainWindow(ops)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=5000)
    assert window.office_label.text() == "阳光花园物业服务中心"
    assert "阳光花园物业服务中心" in window.windowTitle()
    assert window.duty_bar.people == [(manager.id, "王丽", "经理"), (colleague.id, "李娜", "前台")]
    # nobody has logged in: nobody is on duty, and no write is stamped with anyone
    assert window.staff_on_duty is None and ops.desk.duty.staff_id is None
    assert window.duty_bar.shift_label.text() == "未上班"
    assert window.today_values["calls"].text() == "0"
    person = window.duty_bar.person_label
    duty_buddy = [lbl for lbl in window.findChildren(QLabel) if lbl.buddy() is person]
    assert duty_buddy and duty_buddy[0].text() == "值班人员"
    window.close()
    ops.shutdown()
    desk.close()


def test_run_sets_up_a_new_office_from_the_dialog(qtbot, monkeypatch, tmp_path: Path, window_opens):
    """``desk`` on a missing file: the dialog's answer creates the office, then the window."""
    path = tmp_path / "new.sqlite3"
    shown: list[MainWindow] = window_opens

    def fake_exec(self):
        self.choice = FirstRunChoice(
            demo=False, office_name="幸福里物业服务中心", staff_name="赵敏", password="经理口令2026"
        )
        return True

    monkeypatch.setattr(FirstRunDialog, "exec", fake_exec)
    assert app_module.run(path) == 0
    assert shown and not shown[0].demo
    assert shown[0].locked  # 上班 is the log-in
    engine = open_database(path)
    with reading(engine) as ctx:
        assert staff.is_set_up(ctx)
        [manager] = staff.active(ctx)
        assert manager.name == "赵敏" and passwords.verify("经理口令2026", manager.password_hash)
    engine.dispose()


@pytest.mark.expect_log("desk.db", "desk.ui")  # refused and why: in the log file too
def test_run_on_a_file_of_another_program_says_so_and_leaves_it_alone(monkeypatch, tmp_path):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    errors: list[str] = []
    monkeypatch.setattr(app_module.msgbox, "error", lambda parent, title, text: errors.append(text))
    assert app_module.run(path) == 2
    assert errors and "不是物业前台的数据库" in errors[0] and "不会改动" in errors[0]
    assert path.read_bytes() == before


def test_run_offers_a_separate_demo_database(qtbot, monkeypatch, tmp_path: Path, window_opens):
    """试用演示数据: a demo file beside the office's is generated and opened; the office's
    own database is not even created."""
    from desk import paths

    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(app_module, "DEMO_DAYS", 3)
    office = tmp_path / "desk.sqlite3"
    shown: list[MainWindow] = window_opens

    def choose_demo(self):
        self.choice = FirstRunChoice(demo=True)
        return True

    monkeypatch.setattr(FirstRunDialog, "exec", choose_demo)
    assert app_module.run(office) == 0
    assert not office.exists()
    assert shown and shown[0].demo and shown[0].db_path == paths.demo_db()
    assert "演示数据" in shown[0].windowTitle()
    engine = open_database(paths.demo_db())
    with reading(engine) as ctx:
        assert staff.is_set_up(ctx)
        assert ctx.session.connection().exec_driver_sql("SELECT count(*) FROM call").scalar() > 0
    engine.dispose()
